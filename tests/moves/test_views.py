"""The pages: asking to leave, following a request, acting on it, and the counts for leaders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import World, login, make_person, supervise, viewer
from tests.moves.helpers import ask_to_leave, escalated_move_request
from wellgate.moves import services
from wellgate.moves.models import MoveRequest
from wellgate.pathway import queries as pathway_queries
from wellgate.people.models import AccessLogEntry, Role

REASON = "The Harbour case keeps coming back at night."


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- The officer ----------------------------------------------------------------------------


def test_the_leave_control_is_on_every_officer_page_and_leads_to_the_request_page(
    world: World, client: Client
):
    login(client, world.officer)
    for url in ("/", "/inbox/", "/guidance/", f"/people/{world.officer.pk}/pathway/"):
        assert 'href="/moves/leave/">I want to leave the team</a>' in page(client, url), url
    req = ask_to_leave(world.officer)
    assert 'href="/moves/leave/">My request to leave</a>' in page(client, "/")
    response = client.get("/moves/leave/")
    assert response.status_code == 302 and response["Location"] == f"/moves/{req.pk}/"


def test_the_old_leave_address_redirects_to_the_new_page(world: World, client: Client):
    login(client, world.officer)
    response = client.get(f"/people/{world.officer.pk}/pathway/leave/")
    assert response.status_code == 302 and response["Location"] == "/moves/leave/"


def test_the_officer_is_told_what_happens_next_and_by_when_before_asking(
    world: World, client: Client
):
    # Thursday 25 March 2027, the Thursday before Easter.
    with time_machine.travel(dt.datetime(2027, 3, 25, 10, tzinfo=dt.UTC), tick=False):
        login(client, world.officer)
        html = page(client, "/moves/leave/")
    assert "You do not need to give a reason" in html
    assert "Sid Supervisor" in html
    assert "acknowledge your request by <strong>Wednesday 31 March 2027</strong>" in html
    assert "agree where you will move to by <strong>Monday 12 April 2027</strong>" in html
    assert "complete your move by <strong>Monday 26 April 2027</strong>" in html
    assert 'name="reason"' in html and "your supervisor never sees it" in html


def test_asking_to_leave_through_the_page_suspends_viewing_and_shows_the_progress(
    world: World, client: Client
):
    login(client, world.officer)
    response = client.post("/moves/leave/", {"reason": REASON}, follow=True)
    html = response.content.decode()
    req = MoveRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/moves/{req.pk}/"
    assert "Your request is made. Your viewing is suspended from now" in html
    assert "Your request to leave the team" in html
    assert "Your supervisor or the welfare lead will acknowledge your request by" in html
    assert REASON in html and "only you and the welfare lead can read this" in html
    assert "Withdraw my request" in html
    assert pathway_queries.state(world.officer).move_requested


def test_a_reason_that_is_too_long_is_a_400_naming_the_field(world: World, client: Client):
    login(client, world.officer)
    response = client.post("/moves/leave/", {"reason": "x" * 5001})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Your reason (optional)" in response.content.decode()
    assert not MoveRequest.objects.exists()


def test_the_officer_withdraws_after_one_confirmation(world: World, client: Client):
    req = ask_to_leave(world.officer)
    login(client, world.officer)
    confirm = page(client, f"/moves/{req.pk}/withdraw/")
    assert "Your viewing stays paused until you choose to resume it" in confirm
    response = client.post(f"/moves/{req.pk}/withdraw/", follow=True)
    html = response.content.decode()
    assert "You have withdrawn your request" in html and "You withdrew this request" in html
    assert MoveRequest.objects.get().state == "withdrawn"
    assert pathway_queries.state(world.officer).paused


def test_an_officer_cannot_open_another_officers_request(world: World, client: Client):
    req = ask_to_leave(world.other_officer)
    login(client, world.officer)
    assert client.get(f"/moves/{req.pk}/").status_code == 404
    assert client.post(f"/moves/{req.pk}/withdraw/").status_code == 404
    assert MoveRequest.objects.get().state == "requested"


# --- The supervisor and the welfare lead ------------------------------------------------------


def test_the_supervisor_never_sees_the_private_reason(world: World, client: Client):
    req = ask_to_leave(world.officer, reason=REASON)
    login(client, world.supervisor, Role.SUPERVISOR)
    for url in (f"/moves/{req.pk}/", "/moves/", "/moves/?show=all"):
        html = page(client, url)
        assert "Harbour" not in html, url
    assert "private to them and the welfare lead" in page(client, f"/moves/{req.pk}/")
    welfare = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)
    assert REASON in page(welfare, f"/moves/{req.pk}/")


def test_opening_a_request_is_in_the_officers_access_log(world: World, client: Client):
    req = ask_to_leave(world.officer)
    login(client, world.supervisor, Role.SUPERVISOR)
    page(client, f"/moves/{req.pk}/")
    entry = AccessLogEntry.objects.get(subject=world.officer, what="move request")
    assert entry.viewer == world.supervisor


def test_the_supervisor_acknowledges_agrees_and_records_the_move(world: World, client: Client):
    req = ask_to_leave(world.officer)
    login(client, world.supervisor, Role.SUPERVISOR)
    html = page(client, f"/moves/{req.pk}/")
    assert "Nobody can decline this request" in html
    assert "Acknowledge the request</button>" in html
    response = client.post(f"/moves/{req.pk}/act/", {"action": "acknowledge"}, follow=True)
    assert "Acknowledged. Olive Officer has been told." in response.content.decode()
    response = client.post(f"/moves/{req.pk}/act/", {"action": "agree", "destination": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Where they will move to" in html
    assert MoveRequest.objects.get().state == "acknowledged"
    client.post(f"/moves/{req.pk}/act/", {"action": "agree", "destination": "Fraud squad"})
    assert "Record the move" in page(client, f"/moves/{req.pk}/")
    response = client.post(f"/moves/{req.pk}/act/", {"action": "moved"}, follow=True)
    assert response.redirect_chain[-1][0] == "/moves/"
    assert "Olive Officer has left the team" in response.content.decode()
    assert MoveRequest.objects.get().state == "moved"
    # The officer is no longer the supervisor's report: the request is out of their sight.
    assert client.get(f"/moves/{req.pk}/").status_code == 404
    welfare = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)
    assert "moved out of the team" in page(welfare, f"/moves/{req.pk}/")


@pytest.mark.parametrize("action", ["decline", "cancel", "reject", "close", "delete", "hide"])
def test_the_act_page_cannot_decline_or_close_a_request(world: World, client: Client, action: str):
    req = ask_to_leave(world.officer)
    for person, role in (
        (world.supervisor, Role.SUPERVISOR),
        (world.welfare_lead, Role.WELFARE_LEAD),
    ):
        staff = login(Client(), person, role)
        response = staff.post(f"/moves/{req.pk}/act/", {"action": action}, follow=True)
        assert response.status_code == 200
        assert "cannot be declined" in response.content.decode() or "is not a step" in (
            response.content.decode()
        )
    assert MoveRequest.objects.get().state == "requested"


def test_other_roles_cannot_act_on_a_request_through_the_pages(world: World):
    req = escalated_move_request(world)
    for person, role in (
        (world.officer, Role.OFFICER),
        (world.mentor, Role.MENTOR),
        (world.senior_leader, Role.SENIOR_LEADER),
        (world.administrator, Role.ADMINISTRATOR),
    ):
        client = login(Client(), person, role)
        assert client.post(f"/moves/{req.pk}/act/", {"action": "acknowledge"}).status_code == 403
    other = login(Client(), world.other_supervisor, Role.SUPERVISOR)
    assert other.post(f"/moves/{req.pk}/act/", {"action": "acknowledge"}).status_code == 404
    assert MoveRequest.objects.get().state == "requested"


def test_the_welfare_lead_lists_open_requests_with_their_next_deadline(
    world: World, client: Client
):
    with time_machine.travel(dt.datetime(2027, 3, 25, 10, tzinfo=dt.UTC), tick=False):
        ask_to_leave(world.officer)
        ask_to_leave(world.other_officer)
    with time_machine.travel(dt.datetime(2027, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        login(client, world.welfare_lead, Role.WELFARE_LEAD)
        html = page(client, "/moves/")
    assert "Olive Officer" in html and "Otto Other" in html
    assert "Acknowledge by 31 Mar 2027 (overdue)" in html


def test_a_supervisor_lists_only_their_own_reports(world: World, client: Client):
    ask_to_leave(world.officer)
    ask_to_leave(world.other_officer)
    login(client, world.supervisor, Role.SUPERVISOR)
    html = page(client, "/moves/")
    assert "Olive Officer" in html and "Otto Other" not in html


def test_the_list_costs_the_same_number_of_queries_for_two_or_eight_requests(world: World):
    client = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)

    def add(n: int) -> None:
        for _ in range(n):
            officer = make_person(world.force, Role.OFFICER, world.team)
            supervise(officer, world.supervisor)
            ask_to_leave(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(client, "/moves/")
            page(client, "/moves/?show=all")
        return len(queries)

    add(2)
    few = count()
    add(6)
    assert count() == few


# --- Leaders --------------------------------------------------------------------------------


def test_leaders_see_counts_with_small_cells_hidden_and_no_names(world: World):
    officers = [make_person(world.force, Role.OFFICER, world.team) for _ in range(6)]
    for officer in officers:
        ask_to_leave(officer)
    first = MoveRequest.objects.filter(officer=officers[0]).get()
    services.move_withdraw(by=viewer(officers[0], Role.OFFICER), request=first)
    client = login(Client(), world.senior_leader, Role.SENIOR_LEADER)
    html = page(client, "/moves/summary/")
    assert "6 in all" in html
    # 5 open, 1 withdrawn, 0 moved: the withdrawn one is hidden, and so is another cell,
    # so that it cannot be worked out from the total.
    assert html.count("fewer than 5") >= 2
    for officer in officers:
        assert officer.full_name not in html
    assert "Nothing has been escalated to senior leaders" in html


def test_fewer_than_k_requests_in_all_show_no_count_at_all(world: World):
    ask_to_leave(world.officer)
    client = login(Client(), world.senior_leader, Role.SENIOR_LEADER)
    html = page(client, "/moves/summary/")
    assert "fewer than 5 in all" in html
    assert ">1<" not in html


def test_a_senior_leader_sees_a_request_by_name_only_once_escalated_to_them(world: World):
    plain = ask_to_leave(world.other_officer)
    escalated = escalated_move_request(world)
    client = login(Client(), world.senior_leader, Role.SENIOR_LEADER)
    html = page(client, "/moves/summary/")
    assert "Olive Officer" in html and "Otto Other" not in html
    detail = page(client, f"/moves/{escalated.pk}/")
    assert "Olive Officer has asked to leave the team" in detail
    assert "stays with me" not in detail
    assert "Acknowledge the request</button>" not in detail
    assert client.get(f"/moves/{plain.pk}/").status_code == 404


def test_one_officer_asking_many_times_is_still_fewer_than_k_people(world: World):
    me = viewer(world.officer, Role.OFFICER)
    for _ in range(6):
        services.move_withdraw(by=me, request=ask_to_leave(world.officer))
    client = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)
    html = page(client, "/moves/summary/")
    assert "fewer than 5 in all" in html and ">6<" not in html


def test_the_summary_costs_the_same_number_of_queries_for_two_or_eight_escalations(
    world: World,
):
    client = login(Client(), world.senior_leader, Role.SENIOR_LEADER)

    def add(n: int) -> None:
        for _ in range(n):
            officer = make_person(world.force, Role.OFFICER, world.team)
            req = ask_to_leave(officer)
            req.breaches.create(
                stage="acknowledge",
                level="senior_leader",
                due=req.acknowledge_due,
                escalated_on=req.acknowledge_due,
                recorded_at=req.requested_at,
                key=f"{req.key}:acknowledge:senior_leader",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(client, "/moves/summary/")
        return len(queries)

    add(2)
    few = count()
    add(6)
    assert count() == few
