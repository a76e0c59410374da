from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import World
from tests.pathway.helpers import Walk
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import Role
from wellgate.people.services import token_create


def bearer(person, role, scope="write") -> dict[str, str]:
    _, secret = token_create(person=person, name="t", scope=scope, role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def walk(world: World) -> Walk:
    w = Walk(world)
    w.join()
    return w


def test_the_pathway_api_gives_stage_clearance_and_unmet_codes(walk: Walk, client: Client):
    body = client.get(
        f"/api/v1/people/{walk.officer.pk}/pathway", **bearer(walk.officer, Role.OFFICER)
    ).json()
    assert body["stage"]["code"] == "induction" and body["next_stage"]["code"] == "cat_c"
    assert body["clearance"] == {"max_category": None, "media": [], "supervised": True}
    assert "gate.briefing" in {u["code"] for u in body["unmet"]}


def test_an_advance_refused_is_a_422_carrying_the_unmet_codes(walk: Walk, client: Client):
    response = client.post(
        f"/api/v1/people/{walk.officer.pk}/pathway/events",
        {"type": "advanced"},
        content_type="application/json",
        **bearer(walk.world.supervisor, Role.SUPERVISOR),
    )
    assert response.status_code == 422
    codes = {d["code"] for d in response.json()["detail"]}
    assert {"advance.gate_incomplete", "gate.briefing", "gate.readiness"} <= codes


def test_an_officer_pauses_through_the_api(walk: Walk, client: Client):
    response = client.post(
        f"/api/v1/people/{walk.officer.pk}/pathway/events",
        {"type": "paused"},
        content_type="application/json",
        **bearer(walk.officer, Role.OFFICER),
    )
    assert response.status_code == 201 and response.json()["type"] == "paused"


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"type": "promoted"}, "event.unknown_type"),
        ({"type": "briefing_given", "occurred_at": "2099-01-01T09:00:00Z"}, "event.future"),
        ({"type": "stepped_back", "stage": "cat_z"}, "step_back.unknown_stage"),
        ({"type": "stepped_back", "stage": "cat_a"}, "step_back.not_lower"),
    ],
)
def test_bad_events_are_refused_with_a_code_and_nothing_is_written(
    walk: Walk, client: Client, payload, code
):
    before = PathwayEvent.objects.count()
    role_person = walk.officer if payload["type"] == "stepped_back" else walk.world.supervisor
    role = Role.OFFICER if role_person == walk.officer else Role.SUPERVISOR
    response = client.post(
        f"/api/v1/people/{walk.officer.pk}/pathway/events",
        payload,
        content_type="application/json",
        **bearer(role_person, role),
    )
    assert response.status_code == 422
    assert code in {d["code"] for d in response.json()["detail"]}
    assert PathwayEvent.objects.count() == before


def test_malformed_json_is_a_clear_422(walk: Walk, client: Client):
    before = PathwayEvent.objects.count()
    response = client.post(
        f"/api/v1/people/{walk.officer.pk}/pathway/events",
        "{not json",
        content_type="application/json",
        **bearer(walk.world.supervisor, Role.SUPERVISOR),
    )
    assert response.status_code == 422
    assert [d["code"] for d in response.json()["detail"]] == ["request.malformed_json"]
    assert PathwayEvent.objects.count() == before


def test_an_officer_of_another_force_is_a_404(walk: Walk, client: Client):
    response = client.post(
        f"/api/v1/people/{walk.world.foreign_officer.pk}/pathway/events",
        {"type": "briefing_given"},
        content_type="application/json",
        **bearer(walk.world.welfare_lead, Role.WELFARE_LEAD),
    )
    assert response.status_code == 404


def test_a_read_token_cannot_write(walk: Walk, client: Client):
    response = client.post(
        f"/api/v1/people/{walk.officer.pk}/pathway/events",
        {"type": "paused"},
        content_type="application/json",
        **bearer(walk.officer, Role.OFFICER, scope="read"),
    )
    assert response.status_code == 403


def test_the_events_list_hides_notes_the_caller_may_not_read(walk: Walk, client: Client):
    walk.record(walk.sup, "reflection_discussed", note="Private")
    events = client.get(
        f"/api/v1/people/{walk.officer.pk}/pathway/events", **bearer(walk.world.mentor, Role.MENTOR)
    ).json()
    note = next(e["note"] for e in events if e["type"] == "reflection_discussed")
    assert note is None
