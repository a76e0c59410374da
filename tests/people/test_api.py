from __future__ import annotations

from django.test import Client

from tests.factories import World
from wellgate.people.models import Role
from wellgate.people.services import token_create


def bearer(person, role=Role.OFFICER, scope="read") -> dict[str, str]:
    _, secret = token_create(person=person, name="t", scope=scope, role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_me_describes_the_token_holder(world: World, client: Client):
    response = client.get("/api/v1/me", **bearer(world.officer))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.officer.pk and body["acting_as"] == "officer"
    assert body["supervisor_id"] == world.supervisor.pk


def test_a_supervisor_reads_a_report_but_not_someone_else(world: World, client: Client):
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    assert client.get(f"/api/v1/people/{world.officer.pk}", **headers).status_code == 200
    response = client.get(f"/api/v1/people/{world.other_officer.pk}", **headers)
    assert response.status_code == 404
    assert response.json() == {
        "detail": [
            {
                "code": "not_found",
                "message": "Not found, or you do not have access to it.",
                "field": None,
            }
        ]
    }


def test_a_forged_id_of_another_force_answers_404_not_403(world: World, client: Client):
    headers = bearer(world.welfare_lead, Role.WELFARE_LEAD)
    assert client.get(f"/api/v1/people/{world.foreign_officer.pk}", **headers).status_code == 404
    assert client.get("/api/v1/people/999999", **headers).status_code == 404


def test_a_non_numeric_id_is_a_clear_422(world: World, client: Client):
    response = client.get("/api/v1/people/abc", **bearer(world.officer))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "person_id" and detail["code"].startswith("invalid.")


def test_a_revoked_or_unknown_token_is_refused(world: World, client: Client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wg_not-a-token")
    assert response.status_code == 401
    assert response.json()["detail"][0]["code"] == "auth.token"


def test_a_token_stops_working_when_its_role_ends(world: World, client: Client):
    from wellgate import clock
    from wellgate.people.models import RoleGrant

    headers = bearer(world.mentor, Role.MENTOR)
    RoleGrant.objects.filter(person=world.mentor).update(ends_at=clock.now())
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_the_openapi_description_is_served_without_a_cdn(db, client: Client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert "/api/v1/people/{person_id}" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 404
