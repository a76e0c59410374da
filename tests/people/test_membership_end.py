"""Leaving the team has one way out: whichever door an officer leaves by (an administrator
ending the officer role, the account deactivated, a recorded move), everything that follows
from membership stops."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import time_machine
from django.test import Client

from tests.factories import World, login, make_flag, make_person, mentor, supervise, viewer
from tests.moves.helpers import ask_to_leave
from wellgate import clock, periodic
from wellgate.flags.models import EventType, Flag
from wellgate.moves import services as move_services
from wellgate.notify.models import Notification, OutboxMessage
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway.models import PathwayEvent
from wellgate.people import services
from wellgate.people.models import LineManagement, MentorAssignment, Person, Role, RoleGrant
from wellgate.support.models import OUTSTANDING, Obligation

LONDON = zoneinfo.ZoneInfo("Europe/London")
JOINED = dt.date(2027, 1, 4)  # the psychological assessment falls due on Sunday 4 July
LEFT = dt.date(2027, 7, 1)


def at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=LONDON)


def tick(now: dt.datetime) -> None:
    for r in periodic.steps():
        r.step(now)


def leave_and_wait(world: World, door: Callable[[Person], None], days: int = 19) -> Person:
    """A joiner with a supervisor, a mentor, planned obligations and an open flag leaves by
    ``door`` three days before their assessment is due; the tick then runs every morning for
    ``days`` days (before this, it sent two overdue notices and a welfare lead's)."""
    with time_machine.travel(at_nine(JOINED), tick=False) as traveller:
        joiner = make_person(world.force, Role.OFFICER, world.team, "Jo Joiner")
        supervise(joiner, world.supervisor)
        mentor(joiner, world.mentor)
        make_flag(joiner, owner=world.supervisor)
        tick(at_nine(JOINED))
        traveller.move_to(at_nine(LEFT))
        door(joiner)
        for n in range(days + 1):
            day = LEFT + dt.timedelta(days=n)
            traveller.move_to(at_nine(day))
            tick(at_nine(day))
    return joiner


def assert_left_the_team(world: World, joiner: Person) -> None:
    assert not Notification.objects.filter(
        outbox__dedup_key__startswith=f"support.escalation:{joiner.pk}:"
    ).exists()
    assert not OutboxMessage.objects.filter(
        dedup_key__startswith=f"support.escalation:{joiner.pk}:"
    ).exists()
    assert not RoleGrant.objects.current().filter(person=joiner, role=Role.OFFICER).exists()
    assert not LineManagement.objects.current().filter(officer=joiner).exists()
    assert not MentorAssignment.objects.current().filter(officer=joiner).exists()
    assert LineManagement.objects.filter(officer=joiner).count() == 1  # the history stays
    obligations = Obligation.objects.filter(officer=joiner)
    assert obligations.exists()
    assert not obligations.filter(state__in=OUTSTANDING).exists()
    assert set(obligations.values_list("state", flat=True)) == {"stopped"}
    flag = Flag.objects.get(officer=joiner)
    assert flag.is_open and flag.owner == world.welfare_lead
    handed = flag.events.get(type=EventType.OWNER_CHANGED)
    assert (handed.from_owner, handed.to_owner) == (world.supervisor, world.welfare_lead)
    assert pathway_queries.state(joiner).left_team
    assert PathwayEvent.objects.filter(officer=joiner, type="left_team").count() == 1


def test_every_app_that_holds_membership_registered_its_part_of_leaving():
    assert services.membership_end_handlers() == [
        "flags.hand_over",
        "support.obligations",
        "pathway.left_team",
        "moves.escalations",
    ]


def test_an_administrator_ending_the_officer_role_takes_the_officer_out_of_the_team(
    world: World,
):
    def end_role(joiner: Person) -> None:
        grant = RoleGrant.objects.get(person=joiner, role=Role.OFFICER)
        response = login(Client(), world.administrator).post(
            f"/manage/people/{joiner.pk}/", {"action": "end_role", "grant": grant.pk}
        )
        assert response.status_code == 302

    joiner = leave_and_wait(world, end_role)
    assert_left_the_team(world, joiner)
    assert joiner.pathway_events.get(type="left_team").note == (
        "The officer role was ended by an administrator."
    )


def test_deactivating_an_officers_account_takes_them_out_of_the_team(world: World):
    def deactivate(joiner: Person) -> None:
        response = login(Client(), world.administrator).post(
            f"/manage/people/{joiner.pk}/",
            {"action": "edit", "full_name": joiner.full_name, "email": joiner.email},
        )
        assert response.status_code == 302
        joiner.refresh_from_db()
        assert not joiner.is_active

    joiner = leave_and_wait(world, deactivate)
    assert_left_the_team(world, joiner)
    assert joiner.pathway_events.get(type="left_team").note == "The account was deactivated."


def test_a_recorded_move_takes_the_officer_out_of_the_team(world: World):
    def move(joiner: Person) -> None:
        staff = viewer(world.supervisor, Role.SUPERVISOR)
        req = ask_to_leave(joiner)
        req = move_services.move_acknowledge(by=staff, request=req)
        req = move_services.move_agree(by=staff, request=req, destination="Fraud")
        move_services.move_moved(by=staff, request=req)

    joiner = leave_and_wait(world, move)
    assert_left_the_team(world, joiner)
    assert joiner.pathway_events.get(type="left_team").note == "Moved to Fraud."


def test_ending_another_role_or_one_of_two_officer_roles_is_not_leaving(world: World):
    admin = viewer(world.administrator, Role.ADMINISTRATOR)
    second = RoleGrant.objects.create(
        person=world.officer, role=Role.OFFICER, team=world.other_team, starts_at=clock.now()
    )
    services.role_end(by=admin, grant=second)
    services.role_end(by=admin, grant=RoleGrant.objects.get(person=world.mentor))
    assert LineManagement.objects.current().filter(officer=world.officer).exists()
    assert MentorAssignment.objects.current().filter(officer=world.officer).exists()
    assert not PathwayEvent.objects.filter(type="left_team").exists()


def test_deactivating_twice_is_one_leaving_and_a_non_officer_keeps_their_roles(world: World):
    admin = viewer(world.administrator, Role.ADMINISTRATOR)
    for _ in range(2):
        services.person_update(
            by=admin,
            person=world.officer,
            full_name=world.officer.full_name,
            email=world.officer.email,
            is_active=False,
        )
    assert not LineManagement.objects.current().filter(officer=world.officer).exists()
    services.person_update(
        by=admin,
        person=world.supervisor,
        full_name=world.supervisor.full_name,
        email=world.supervisor.email,
        is_active=False,
    )
    assert RoleGrant.objects.current().filter(person=world.supervisor).exists()


def test_an_open_request_to_leave_stops_escalating_when_the_officer_leaves_by_another_door(
    world: World,
):
    from wellgate.moves.models import MoveBreach

    def ask_then_end_role(joiner: Person) -> None:
        ask_to_leave(joiner)  # nobody acknowledges it: its deadlines would escalate
        grant = RoleGrant.objects.get(person=joiner, role=Role.OFFICER)
        login(Client(), world.administrator).post(
            f"/manage/people/{joiner.pk}/", {"action": "end_role", "grant": grant.pk}
        )

    joiner = leave_and_wait(world, ask_then_end_role, days=30)
    assert_left_the_team(world, joiner)
    assert joiner.move_requests.get().escalation_complete
    assert not MoveBreach.objects.filter(request__officer=joiner).exists()
