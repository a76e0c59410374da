"""Support pages as each role uses them, without JavaScript, and their cost at scale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import (
    World,
    login,
    make_flag,
    make_obligation,
    make_person,
    supervise,
    viewer,
)
from wellgate import clock
from wellgate.flags.models import Flag
from wellgate.people.models import AccessLogEntry, Role
from wellgate.support import services
from wellgate.support.models import CopingStrategy, Meeting, Obligation, Observation, TimeAway

TODAY = clock.today


def as_role(client: Client, world: World, role: str) -> Client:
    return login(client, world.by_role(role), role)


def test_an_officer_takes_time_away_in_one_click(world: World, client: Client):
    as_role(client, world, "officer")
    page = client.get("/support/")
    assert page.status_code == 200 and "Time away" in page.content.decode()
    response = client.post("/support/time-away/", {"kind": "rest_of_day"}, follow=True)
    assert "nobody has to approve it" in response.content.decode()
    assert TimeAway.objects.get().kind == "rest_of_day"


def test_my_support_shows_what_is_due_done_missed_and_moved(world: World, client: Client):
    today = TODAY()
    make_obligation(world.officer, "one_to_one", today - dt.timedelta(days=3))
    missed = make_obligation(world.officer, "workload_review", today - dt.timedelta(days=40))
    services.obligation_miss(by=viewer(world.supervisor), obligation=missed)
    moved = make_obligation(world.officer, "welfare_day", today + dt.timedelta(days=2))
    services.welfare_day_book(by=viewer(world.officer), day=today + dt.timedelta(days=9))
    as_role(client, world, "officer")
    html = client.get("/support/").content.decode()
    assert "Overdue by 3 days" in html
    assert "Missed" in html
    assert f"first due {moved.due_on:%-d %B %Y}" in html
    assert "Samaritans" in html  # the force's support contacts


def test_an_officer_books_a_welfare_day_and_a_past_day_is_explained(world: World, client: Client):
    as_role(client, world, "officer")
    past = client.post("/support/welfare-day/", {"day": "2001-01-01"})
    assert past.status_code == 400
    assert "There is a problem" in past.content.decode()
    ok = client.post("/support/welfare-day/", {"day": (TODAY() + dt.timedelta(days=5)).isoformat()})
    assert ok.status_code == 302


def test_an_officer_gets_a_calendar_link_shown_once(world: World, client: Client):
    as_role(client, world, "officer")
    page = client.post("/support/calendar/", {"action": "create"})
    html = page.content.decode()
    assert page.status_code == 200 and "/calendar/cal_" in html
    url = html.split("http://testserver", 1)[1].split("<", 1)[0]
    assert Client().get(url).status_code == 200
    client.post("/support/calendar/", {"action": "revoke"})
    assert Client().get(url).status_code == 404


def test_coping_strategies_are_shared_and_marked_helpful_with_or_without_htmx(
    world: World, client: Client
):
    teammate = make_person(world.force, Role.OFFICER, world.team, "Tess Teammate")
    as_role(client, world, "officer")
    missing = client.post("/support/coping/", {"title": "", "text": ""})
    assert missing.status_code == 400
    shared = client.post(
        "/support/coping/", {"title": "A walk", "text": "At lunch", "anonymous": "on"}
    )
    assert shared.status_code == 302
    assert "by you, anonymously" in client.get("/support/coping/").content.decode()
    other = login(Client(), teammate, Role.OFFICER)
    page = other.get("/support/coping/").content.decode()
    assert "by a colleague" in page and "Olive" not in page
    s = CopingStrategy.objects.get()
    partial = other.post("/support/coping/helpful/", {"strategy": s.pk}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "You found this helpful" in partial.content.decode()
    plain = other.post("/support/coping/helpful/", {"strategy": s.pk})
    assert plain.status_code == 302 and s.marks.count() == 1


def test_a_supervisor_records_a_1_1_that_closes_an_amber_flag(world: World, client: Client):
    make_obligation(world.officer, "one_to_one", TODAY())
    _, flag = services.observation_record(
        by=viewer(world.supervisor), officer=world.officer, signs=["fatigue"]
    )
    assert flag is not None
    as_role(client, world, "supervisor")
    team = client.get("/support/team/").content.decode()
    assert "Record the 1:1 that closes it" in team
    form = client.get(f"/people/{world.officer.pk}/support/meeting/?flag={flag.pk}")
    assert form.status_code == 200
    response = client.post(
        f"/people/{world.officer.pk}/support/meeting/",
        {
            "kind": "one_to_one",
            "held_on": TODAY().isoformat(),
            "how_are_you": "Better after a weekend away",
            "agreed_actions": "Lighter load for a fortnight",
            "closes_flag": flag.pk,
        },
    )
    assert response.status_code == 302
    assert Flag.objects.get(pk=flag.pk).state == "closed"
    assert (
        Obligation.objects.get(officer=world.officer, kind="one_to_one", due_on=TODAY()).state
        == "done"
    )
    notes = client.get(f"/people/{world.officer.pk}/support/notes/").content.decode()
    assert "Better after a weekend away" in notes


def test_a_meeting_form_with_a_future_date_explains_and_writes_nothing(
    world: World, client: Client
):
    as_role(client, world, "supervisor")
    response = client.post(
        f"/people/{world.officer.pk}/support/meeting/",
        {"kind": "one_to_one", "held_on": (TODAY() + dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "not a day still to come" in html
    assert not Meeting.objects.exists()


def test_a_supervisor_records_an_observation_and_an_empty_one_is_explained(
    world: World, client: Client
):
    as_role(client, world, "supervisor")
    url = f"/people/{world.officer.pk}/support/observation/"
    empty = client.post(url, {"observed_on": TODAY().isoformat()})
    assert empty.status_code == 400 and "Tick at least one sign" in empty.content.decode()
    ok = client.post(url, {"observed_on": TODAY().isoformat(), "signs": ["lateness"]}, follow=True)
    assert "An amber flag is open" in ok.content.decode()
    assert Observation.objects.count() == 1


def test_timeline_buttons_record_done_moved_and_missed(world: World, client: Client):
    one = make_obligation(world.officer, "one_to_one", TODAY())
    two = make_obligation(world.officer, "workload_review", TODAY())
    three = make_obligation(world.officer, "structured_review", TODAY())
    as_role(client, world, "supervisor")
    back = f"/people/{world.officer.pk}/support/"
    client.post("/support/obligations/", {"obligation": one.pk, "action": "complete", "next": back})
    later = (TODAY() + dt.timedelta(days=4)).isoformat()
    client.post(
        "/support/obligations/",
        {"obligation": two.pk, "action": "reschedule", "on": later, "next": back},
    )
    response = client.post(
        "/support/obligations/",
        {"obligation": three.pk, "action": "miss", "next": "https://evil.example/"},
    )
    assert response["Location"] == back  # never redirected off the site
    states = dict(
        Obligation.objects.filter(pk__in=[one.pk, two.pk, three.pk]).values_list("kind", "state")
    )
    assert states == {
        "one_to_one": "done",
        "workload_review": "rescheduled",
        "structured_review": "missed",
    }
    hidden = make_obligation(world.other_officer, "one_to_one", TODAY())
    assert (
        client.post(
            "/support/obligations/", {"obligation": hidden.pk, "action": "complete"}
        ).status_code
        == 404
    )


def test_opening_a_persons_support_is_logged_and_they_can_see_it(world: World, client: Client):
    as_role(client, world, "supervisor")
    assert client.get(f"/people/{world.officer.pk}/support/").status_code == 200
    assert AccessLogEntry.objects.filter(
        subject=world.officer, viewer=world.supervisor, what="support timeline"
    ).exists()
    assert client.get(f"/people/{world.other_officer.pk}/support/").status_code == 404


def test_the_welfare_lead_books_an_assessment_and_records_attendance(world: World, client: Client):
    as_role(client, world, "welfare_lead")
    make_obligation(world.officer, "psych_assessment", TODAY())
    form = {
        "action": "book",
        "book-officer": world.officer.pk,
        "book-day": (TODAY() - dt.timedelta(days=1)).isoformat(),
        "book-time": "10:00",
    }
    past = client.post("/support/force/psych/", form)
    assert past.status_code == 400 and "record a past assessment" in past.content.decode()
    attended = client.post(
        "/support/force/psych/",
        {
            "action": "attended",
            "attended-officer": world.officer.pk,
            "attended-attended_on": TODAY().isoformat(),
        },
    )
    assert attended.status_code == 302
    assert (
        Obligation.objects.get(officer=world.officer, kind="psych_assessment", due_on=TODAY()).state
        == "done"
    )
    foreign = client.post(
        "/support/force/psych/",
        {
            "action": "attended",
            "attended-officer": world.foreign_officer.pk,
            "attended-attended_on": TODAY().isoformat(),
        },
    )
    assert foreign.status_code == 400  # not a choice: another force's officer


def test_a_senior_leader_sees_who_is_escalated_and_how_late(world: World, client: Client):
    make_obligation(world.officer, "psych_assessment", TODAY() - dt.timedelta(days=45))
    make_obligation(world.other_officer, "one_to_one", TODAY() - dt.timedelta(days=45))
    as_role(client, world, "senior_leader")
    html = client.get("/support/escalations/").content.decode()
    assert "Olive Officer" in html and "Otto Other" not in html
    assert ">45<" in html
    as_role(client, world, "welfare_lead")
    html = client.get("/support/escalations/").content.decode()
    assert "Olive Officer" in html and "Otto Other" in html


def test_support_contacts_come_from_the_force_policy(world: World, client: Client):
    as_role(client, world, "administrator")
    assert "116 123" in client.get("/support/contacts/").content.decode()


# --- Cost at scale ------------------------------------------------------------------------


@pytest.fixture
def big_team(world: World) -> World:
    """Sixty officers for one supervisor, each with obligations overdue and due and a flag."""
    for i in range(60):
        officer = make_person(world.force, Role.OFFICER, world.team, f"Officer {i:02}")
        supervise(officer, world.supervisor)
        make_obligation(officer, "psych_assessment", TODAY() - dt.timedelta(days=40 + i))
        make_obligation(officer, "one_to_one", TODAY() + dt.timedelta(days=i))
        make_flag(officer, owner=world.supervisor)
    return world


@pytest.mark.parametrize(
    "role,url",
    [
        ("supervisor", "/support/team/"),
        ("welfare_lead", "/support/force/"),
        ("welfare_lead", "/support/escalations/"),
        ("senior_leader", "/support/escalations/"),
        ("welfare_lead", "/support/force/psych/"),
    ],
)
def test_list_pages_cost_a_bounded_number_of_queries(
    big_team: World, client: Client, role: str, url: str, django_assert_max_num_queries
):
    as_role(client, big_team, role)
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200
    assert "Page 1 of 3" in response.content.decode() or url.endswith("psych/")


def test_my_support_costs_a_bounded_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries
):
    for i in range(40):
        make_obligation(
            world.officer, "one_to_one", TODAY() - dt.timedelta(days=30 * i), state="done"
        )
    as_role(client, world, "officer")
    with django_assert_max_num_queries(30):  # the shared layout reads the pathway too
        assert client.get("/support/").status_code == 200
    as_role(client, world, "supervisor")
    with django_assert_max_num_queries(25):
        assert client.get(f"/people/{world.officer.pk}/support/").status_code == 200
