"""Requests to leave: who may do what, what each step leaves behind, and what nobody can do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection

from tests.factories import World, make_obligation, refused, viewer
from tests.moves.helpers import ask_to_leave
from wellgate import clock
from wellgate.errors import Refused
from wellgate.moves import rules, services
from wellgate.moves.models import MoveEvent, MoveRequest
from wellgate.notify.models import OutboxMessage
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway import services as pathway_services
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import AppendOnlyError, LineManagement, Role, RoleGrant
from wellgate.people.queries import current_roles
from wellgate.support.models import Obligation

EASTER_THURSDAY = dt.datetime(2027, 3, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def cleared(world: World) -> Iterator[World]:
    """The world officer, joined and cleared to Category C (so a suspension shows); the
    clock stays just after the walk."""
    from tests.pathway.helpers import Walk

    walk = Walk(world)
    walk.join()
    walk.induction()
    walk.advance()
    with time_machine.travel(walk.now + dt.timedelta(minutes=1), tick=True):
        assert pathway_queries.clearance(world.officer).max_category == "C"
        yield world


def as_role(world: World, role: str):  # type: ignore[no-untyped-def]
    return viewer(world.by_role(role), role)


# --- Asking ---------------------------------------------------------------------------------


def test_asking_to_leave_suspends_clearance_in_the_same_step(cleared: World):
    req = ask_to_leave(cleared.officer)
    assert req.state == "requested"
    assert pathway_queries.clearance(cleared.officer).max_category is None
    assert pathway_queries.state(cleared.officer).move_requested
    assert PathwayEvent.objects.filter(officer=cleared.officer, type="move_requested").count() == 1
    assert list(MoveEvent.objects.filter(request=req).values_list("type", flat=True)) == [
        "requested"
    ]


def test_the_deadlines_are_fixed_in_working_days_when_the_officer_asks(world: World):
    with time_machine.travel(EASTER_THURSDAY, tick=False):
        req = ask_to_leave(world.officer)
    assert req.deadlines == rules.Deadlines(
        dt.date(2027, 3, 31), dt.date(2027, 4, 12), dt.date(2027, 4, 26)
    )


def test_the_supervisor_and_welfare_lead_are_told_at_once_and_never_the_reason(world: World):
    req = ask_to_leave(world.officer, reason="My marriage is struggling with this work.")
    told = OutboxMessage.objects.filter(kind="moves.requested")
    assert set(told.values_list("recipient", flat=True)) == {
        world.supervisor.pk,
        world.welfare_lead.pk,
    }
    for message in told:
        assert "marriage" not in message.title + message.body
        assert message.link == f"/moves/{req.pk}/"
        assert "cannot be declined" in message.body


def test_only_the_officer_asks_and_only_for_themselves(world: World):
    for role in ("supervisor", "welfare_lead", "senior_leader", "administrator", "mentor"):
        error = refused(
            services.move_request, by=as_role(world, role), officer=world.officer, reason=""
        )
        assert (error.codes, error.status) == (["move.self_only"], 403)
    error = refused(
        services.move_request, by=as_role(world, "officer"), officer=world.other_officer
    )
    assert error.codes == ["move.self_only"]
    assert not MoveRequest.objects.exists()


def test_asking_twice_while_a_request_is_open_is_refused(world: World):
    ask_to_leave(world.officer)
    error = refused(services.move_request, by=as_role(world, "officer"))
    assert error.codes == ["move.already_requested"]
    assert MoveRequest.objects.count() == 1


def test_a_reason_that_is_too_long_is_refused_naming_the_field(world: World):
    error = refused(services.move_request, by=as_role(world, "officer"), reason="x" * 5001)
    assert (error.codes, error.details[0].field) == (["move.reason_too_long"], "reason")
    assert not MoveRequest.objects.exists() and not PathwayEvent.objects.exists()


def test_a_failure_after_the_suspension_rolls_back_the_request_and_the_suspension(
    cleared: World, monkeypatch: pytest.MonkeyPatch
):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr(services, "_tell", broken)
    with pytest.raises(RuntimeError):
        ask_to_leave(cleared.officer)
    assert not MoveRequest.objects.exists() and not MoveEvent.objects.exists()
    assert not PathwayEvent.objects.filter(type="move_requested").exists()
    assert pathway_queries.clearance(cleared.officer).max_category == "C"


def test_the_private_reason_is_encrypted_at_rest(world: World):
    req = ask_to_leave(world.officer, reason="Nightmares since the Harbour case.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM moves_moverequest WHERE id = %s", [req.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("fernet:") and "Harbour" not in raw
    assert MoveRequest.objects.get(pk=req.pk).reason == "Nightmares since the Harbour case."


# --- Taking it forward ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "welfare_lead"])
def test_the_supervisor_or_welfare_lead_takes_the_request_through_to_the_move(
    cleared: World, role: str
):
    world = cleared
    obligation = make_obligation(world.officer, "one_to_one")
    req = ask_to_leave(world.officer)
    staff = as_role(world, role)
    req = services.move_acknowledge(by=staff, request=req)
    assert req.state == "acknowledged" and req.acknowledged_by == staff.person
    req = services.move_agree(by=staff, request=req, destination="  Fraud squad ")
    assert (req.state, req.destination) == ("agreed", "Fraud squad")
    req = services.move_moved(by=staff, request=req)
    assert req.state == "moved" and req.moved_by == staff.person
    # The officer has left the team: pathway, role, line management, obligations.
    assert pathway_queries.state(world.officer).left_team
    assert PathwayEvent.objects.get(officer=world.officer, type="left_team").actor is None
    assert Role.OFFICER not in current_roles(world.officer)
    assert not LineManagement.objects.current().filter(officer=world.officer).exists()
    obligation.refresh_from_db()
    assert obligation.state == "stopped"
    assert obligation.events.filter(type="stopped").count() == 1
    # History is kept: the grant and the line management ended, nothing was deleted.
    assert RoleGrant.objects.filter(person=world.officer, role=Role.OFFICER).count() == 1
    assert LineManagement.objects.filter(officer=world.officer).count() == 1
    assert list(MoveEvent.objects.filter(request=req).values_list("type", flat=True)) == [
        "requested",
        "acknowledged",
        "agreed",
        "moved",
    ]
    told = set(OutboxMessage.objects.filter(recipient=world.officer).values_list("kind", flat=True))
    assert {"moves.acknowledged", "moves.agreed", "moves.moved"} <= told


def test_nothing_is_planned_for_an_officer_who_has_left(world: World):
    from wellgate.support.services import obligations_plan_due

    staff = as_role(world, "supervisor")
    req = ask_to_leave(world.officer)
    services.move_acknowledge(by=staff, request=req)
    services.move_agree(by=staff, request=req, destination="Fraud")
    services.move_moved(by=staff, request=req)
    obligations_plan_due(now=clock.now() + dt.timedelta(days=1))
    assert not Obligation.objects.filter(officer=world.officer, state="due").exists()


def test_steps_are_taken_in_order(world: World):
    req = ask_to_leave(world.officer)
    staff = as_role(world, "supervisor")
    assert refused(services.move_moved, by=staff, request=req).codes == ["move.out_of_order"]
    assert refused(services.move_agree, by=staff, request=req, destination="Fraud").codes == [
        "move.out_of_order"
    ]
    services.move_acknowledge(by=staff, request=req)
    error = refused(services.move_agree, by=staff, request=req, destination="  ")
    assert (error.codes, error.details[0].field) == (["move.destination_required"], "destination")
    assert MoveRequest.objects.get(pk=req.pk).state == "acknowledged"


def test_a_supervisor_of_another_team_does_not_even_see_the_request(world: World):
    req = ask_to_leave(world.officer)
    other = viewer(world.other_supervisor, Role.SUPERVISOR)
    error = refused(services.move_acknowledge, by=other, request=req)
    assert (error.codes, error.status) == (["not_found"], 404)


def test_a_senior_leader_sees_an_escalated_request_but_cannot_take_it_forward(world: World):
    from tests.moves.helpers import escalated_move_request

    req = escalated_move_request(world)
    error = refused(services.move_acknowledge, by=as_role(world, "senior_leader"), request=req)
    assert (error.codes, error.status) == (["move.role_not_allowed"], 403)


def test_the_officer_cannot_take_their_own_request_forward(world: World):
    req = ask_to_leave(world.officer)
    error = refused(services.move_acknowledge, by=as_role(world, "officer"), request=req)
    assert (error.codes, error.status) == (["move.own_request"], 403)


# --- Withdrawing ----------------------------------------------------------------------------


def test_withdrawing_keeps_viewing_suspended_until_the_officer_resumes(cleared: World):
    world = cleared
    req = ask_to_leave(world.officer)
    services.move_acknowledge(by=as_role(world, "supervisor"), request=req)
    req = services.move_withdraw(by=as_role(world, "officer"), request=req)
    assert req.state == "withdrawn" and req.withdrawn_at is not None
    state = pathway_queries.state(world.officer)
    assert not state.move_requested and state.paused
    assert pathway_queries.clearance(world.officer).max_category is None
    told = OutboxMessage.objects.filter(kind="moves.withdrawn")
    assert set(told.values_list("recipient", flat=True)) == {
        world.supervisor.pk,
        world.welfare_lead.pk,
    }
    pathway_services.event_record(
        by=as_role(world, "officer"), officer=world.officer, type="resumed"
    )
    assert pathway_queries.clearance(world.officer).max_category == "C"


def test_after_withdrawing_the_officer_may_ask_again(world: World):
    req = ask_to_leave(world.officer)
    services.move_withdraw(by=as_role(world, "officer"), request=req)
    again = ask_to_leave(world.officer)
    assert again.pk != req.pk and again.state == "requested"


@pytest.mark.parametrize("role", ["supervisor", "welfare_lead", "senior_leader"])
def test_nobody_but_the_officer_can_withdraw(world: World, role: str):
    from tests.moves.helpers import escalated_move_request

    req = escalated_move_request(world)
    error = refused(services.move_withdraw, by=as_role(world, role), request=req)
    assert error.codes == ["move.withdraw_officer_only"]
    assert MoveRequest.objects.get(pk=req.pk).state == "requested"


# --- What nobody can do ---------------------------------------------------------------------


@pytest.mark.parametrize("action", [*rules.NO_SUCH_ACTIONS, "hide", "declined", ""])
def test_no_role_can_decline_cancel_hide_or_close_a_request(world: World, action: str):
    from tests.moves.helpers import escalated_move_request

    req = escalated_move_request(world)
    people = [as_role(world, r) for r in ("officer", "supervisor", "welfare_lead", "senior_leader")]
    people += [
        as_role(world, "mentor"),
        as_role(world, "administrator"),
        viewer(world.other_supervisor, Role.SUPERVISOR),
        viewer(world.foreign_welfare_lead, Role.WELFARE_LEAD),
    ]
    for by in people:
        with pytest.raises(Refused) as exc:
            services.move_step(by=by, request=req, action=action)
        assert exc.value.codes[0] in {"move.no_decline", "move.unknown_action", "not_found"}
    assert MoveRequest.objects.get(pk=req.pk).state == "requested"


def test_a_request_and_its_history_can_never_be_deleted(world: World):
    from tests.moves.helpers import escalated_move_request

    req = escalated_move_request(world)
    with pytest.raises(AppendOnlyError):
        req.delete()
    with pytest.raises(AppendOnlyError):
        MoveRequest.objects.filter(pk=req.pk).delete()
    with pytest.raises(AppendOnlyError):
        MoveEvent.objects.filter(request=req).delete()
    with pytest.raises(AppendOnlyError):
        req.breaches.all().delete()
    event = MoveEvent.objects.filter(request=req).first()
    assert event is not None
    with pytest.raises(AppendOnlyError):
        event.save()
    assert MoveRequest.objects.filter(pk=req.pk).exists()
