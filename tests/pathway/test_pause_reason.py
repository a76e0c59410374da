"""A supervisor's reason for pausing is a note (DESIGN.md §3 "1:1 and observation notes"): the
officer, their supervisor and the welfare lead read it; the mentor sees only that viewing is
paused, on the page as in the API and the timeline."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import World, login, viewer
from tests.pathway.helpers import Walk
from wellgate.pathway import services
from wellgate.people.models import Role
from wellgate.people.services import token_create

REASON = "You mentioned trouble sleeping after the last case; let's talk first."


@pytest.fixture
def paused(world: World) -> World:
    walk = Walk(world)
    walk.join()
    services.event_record(
        by=viewer(world.supervisor, Role.SUPERVISOR),
        officer=world.officer,
        type="paused",
        note=REASON,
    )
    return world


@pytest.mark.parametrize(
    "role, reads",
    [("officer", True), ("supervisor", True), ("welfare_lead", True), ("mentor", False)],
)
def test_the_pause_reason_is_shown_only_to_whoever_may_read_the_officers_notes(
    paused: World, role: str, reads: bool
):
    client = login(Client(), paused.by_role(role), role)
    page = client.get(f"/people/{paused.officer.pk}/pathway/").content.decode()
    assert "Viewing is paused." in page and "Paused by the supervisor" in page
    assert ("trouble sleeping" in page) is reads
    timeline = client.get(f"/people/{paused.officer.pk}/pathway/timeline/").content.decode()
    assert ("trouble sleeping" in timeline) is reads


def test_the_mentor_reads_no_pause_reason_through_the_api_either(paused: World, client: Client):
    _, secret = token_create(person=paused.mentor, name="t", scope="read", role="mentor")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    state = client.get(f"/api/v1/people/{paused.officer.pk}/pathway", **headers)
    assert state.json()["paused"] is True and "trouble sleeping" not in state.content.decode()
    events = client.get(f"/api/v1/people/{paused.officer.pk}/pathway/events", **headers).json()
    assert [e["note"] for e in events if e["type"] == "paused"] == [None]
