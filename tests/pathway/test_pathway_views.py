from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import World, login
from tests.pathway.helpers import Walk
from wellgate.pathway import queries
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import AccessLogEntry


@pytest.fixture
def walk(world: World) -> Walk:
    w = Walk(world)
    w.join()
    return w


def test_my_pathway_shows_the_stage_and_a_checklist_in_sentences(walk: Walk, client: Client):
    login(client, walk.officer)
    page = client.get(f"/people/{walk.officer.pk}/pathway/").content.decode()
    assert "My pathway" in page and "Where you are: Induction" in page
    assert "Next: Category C with a mentor" in page
    assert "Have the categories explained to you in conversation" in page
    assert "I feel able to view more" in page and "not ready yet" in page


def test_the_pause_step_back_and_leave_controls_are_on_every_officer_page(
    walk: Walk, client: Client
):
    login(client, walk.officer)
    for url in ("/", "/inbox/", "/guidance/", f"/people/{walk.officer.pk}/access-log/"):
        page = client.get(url).content.decode()
        assert (
            "Pause viewing" in page and "Step back" in page and "I want to leave the team" in page
        ), url


def test_pausing_is_one_confirmation_with_no_reason_and_says_so_kindly(walk: Walk, client: Client):
    login(client, walk.officer)
    confirm = client.get(f"/people/{walk.officer.pk}/pathway/pause/").content.decode()
    assert "do not need to give a reason" in confirm and "<textarea" not in confirm
    response = client.post(f"/people/{walk.officer.pk}/pathway/pause/", follow=True)
    assert "Your viewing is paused" in response.content.decode()
    assert queries.state(walk.officer).paused


def test_the_officer_declares_not_ready_yet(walk: Walk, client: Client):
    login(client, walk.officer)
    response = client.post(
        f"/people/{walk.officer.pk}/pathway/readiness/", {"ready": "no"}, follow=True
    )
    assert "that is fine" in response.content.decode()
    assert PathwayEvent.objects.get(type="readiness_declared").ready is False


def test_a_supervisor_sees_the_unmet_requirements_when_advancing_too_early(
    walk: Walk, client: Client
):
    login(client, walk.world.supervisor)
    response = client.post(
        f"/people/{walk.officer.pk}/pathway/decide/", {"action": "advanced"}, follow=True
    )
    page = response.content.decode()
    assert "is not complete yet" in page
    assert "Say when you feel able to view more" in page
    assert queries.state(walk.officer).stage.code == "induction"


def test_a_supervisor_records_a_reflection_with_a_private_note(walk: Walk, client: Client):
    login(client, walk.world.supervisor)
    response = client.post(
        f"/people/{walk.officer.pk}/pathway/record/",
        {"type": "reflection_discussed", "note": "Slept badly after the last session."},
    )
    assert response.status_code == 302
    assert (
        PathwayEvent.objects.get(type="reflection_discussed").note
        == "Slept badly after the last session."
    )


def test_a_record_in_the_future_is_refused_on_the_form(walk: Walk, client: Client):
    login(client, walk.world.supervisor)
    response = client.post(
        f"/people/{walk.officer.pk}/pathway/record/",
        {"type": "briefing_given", "occurred_at": "2099-01-01T10:00"},
    )
    assert response.status_code == 400 and "in the future" in response.content.decode()
    assert not PathwayEvent.objects.filter(type="briefing_given").exists()


def test_a_supervisors_welfare_pause_needs_a_reason_the_officer_then_reads(
    walk: Walk, client: Client
):
    login(client, walk.world.supervisor)
    url = f"/people/{walk.officer.pk}/pathway/decide/"
    assert client.post(url, {"action": "paused", "note": ""}).status_code == 400
    client.post(url, {"action": "paused", "note": "Let's talk after Friday's case."})
    officer_client = login(Client(), walk.officer)
    page = officer_client.get(f"/people/{walk.officer.pk}/pathway/").content.decode()
    assert "Let&#x27;s talk after Friday&#x27;s case." in page


def test_the_team_pathway_lists_reports_with_a_bounded_number_of_queries(
    walk: Walk, client: Client, django_assert_max_num_queries
):
    from tests.factories import make_person, supervise
    from wellgate import clock
    from wellgate.pathway.services import ensure_joined
    from wellgate.people.models import Role

    for _ in range(15):
        p = make_person(walk.world.force, Role.OFFICER, walk.world.team)
        supervise(p, walk.world.supervisor)
        ensure_joined(officer=p, joined_at=clock.now())
    login(client, walk.world.supervisor)
    with django_assert_max_num_queries(16):  # one of them writes the 16 reads to the access log
        page = client.get("/team/pathway/").content.decode()
    assert page.count("Induction") >= 16 and "Olive Officer" in page and "Otto Other" not in page


def test_a_supervisor_opening_an_officers_pathway_is_in_the_officers_access_log(
    walk: Walk, client: Client
):
    login(client, walk.world.supervisor)
    client.get(f"/people/{walk.officer.pk}/pathway/")
    assert AccessLogEntry.objects.filter(
        subject=walk.officer, viewer=walk.world.supervisor
    ).exists()


def test_the_welfare_lead_edits_the_guidance_and_officers_acknowledge_it(
    walk: Walk, client: Client
):
    login(client, walk.world.welfare_lead)
    client.post(
        "/guidance/edit/",
        {"title": "Looking after yourself", "text": "Take breaks often. Talk to us."},
    )
    officer = login(Client(), walk.officer)
    assert "(new version)" in officer.get("/").content.decode()
    officer.post("/guidance/acknowledge/")
    assert PathwayEvent.objects.get(type="guidance_acknowledged").guidance.number == 1
    assert "(new version)" not in officer.get("/").content.decode()


def test_asking_to_leave_suspends_clearance_and_tells_supervisor_and_welfare_lead(
    walk: Walk, client: Client
):
    from wellgate.notify.models import OutboxMessage

    walk.induction()
    walk.advance()
    login(client, walk.officer)
    # The old address leads to the request page of the moves app, which tells them.
    assert client.get(f"/people/{walk.officer.pk}/pathway/leave/")["Location"] == "/moves/leave/"
    client.post("/moves/leave/")
    assert queries.clearance(walk.officer).max_category is None
    recipients = set(
        OutboxMessage.objects.filter(kind="moves.requested").values_list("recipient", flat=True)
    )
    assert recipients == {walk.world.supervisor.pk, walk.world.welfare_lead.pk}
