"""GET /api/v1/flags: the flags of the people the caller supports."""

from __future__ import annotations

from django.test import Client

from tests.factories import World, make_flag, viewer
from wellgate.flags.services import flag_close
from wellgate.people.models import AccessLogEntry, Person, Role
from wellgate.people.services import token_create


def bearer(person: Person, role: str) -> dict[str, str]:
    _, secret = token_create(person=person, name="t", scope="read", role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_supervisor_lists_the_open_flags_of_their_reports(world: World, client: Client):
    mine = make_flag(world.officer, "red", owner=world.supervisor)
    make_flag(world.other_officer)
    closed = make_flag(world.officer)
    flag_close(by=viewer(world.welfare_lead), flag=closed, note="Talked.")
    response = client.get("/api/v1/flags?state=open", **bearer(world.supervisor, Role.SUPERVISOR))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(f["id"], f["severity"], f["officer_name"]) for f in body["items"]] == [
        (mine.pk, "red", "Olive Officer")
    ]
    assert AccessLogEntry.objects.filter(subject=world.officer, what="api flags").exists()
    both = client.get("/api/v1/flags?state=all", **bearer(world.supervisor, Role.SUPERVISOR))
    assert both.json()["count"] == 2


def test_the_welfare_lead_lists_the_force_and_pages_through_it(world: World, client: Client):
    for _ in range(3):
        make_flag(world.other_officer)
    make_flag(world.foreign_officer)
    headers = bearer(world.welfare_lead, Role.WELFARE_LEAD)
    page = client.get("/api/v1/flags?limit=2&offset=2", **headers).json()
    assert (page["count"], len(page["items"])) == (3, 1)


def test_flags_are_not_for_officers_mentors_or_leaders_and_bad_filters_are_named(
    world: World, client: Client
):
    for person, role in (
        (world.officer, Role.OFFICER),
        (world.mentor, Role.MENTOR),
        (world.senior_leader, Role.SENIOR_LEADER),
    ):
        assert client.get("/api/v1/flags", **bearer(person, role)).status_code == 403
    bad = client.get("/api/v1/flags?state=maybe", **bearer(world.welfare_lead, Role.WELFARE_LEAD))
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "state"
