"""Obligations: planned from the policy (by the tick, and again at once after one is closed),
completed by the person the design names, missed, or rescheduled with the old date kept.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Min

from wellgate import clock
from wellgate.calendar import local_date, start_of_day, today_for
from wellgate.errors import Refused
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person, Role, RoleGrant
from wellgate.periodic import claim
from wellgate.policy.rules import PolicySettings
from wellgate.support import rules
from wellgate.support.models import (
    OUTSTANDING,
    Appointment,
    AppointmentKind,
    AppointmentState,
    Obligation,
    ObligationEvent,
    ObligationEventType,
    ObligationState,
    PlanningMark,
)
from wellgate.support.services._common import _check_day, _denied, policy_for

# --- Planning -----------------------------------------------------------------------------


def _create_obligation(
    *,
    officer_id: int,
    force_id: int,
    planned: rules.Planned,
    source_ref: str = "",
    by: Viewer | None = None,
) -> Obligation | None:
    """Store a planned obligation; None when its key exists (planned before, or concurrently)."""
    now = clock.now()
    try:
        with transaction.atomic():
            ob = Obligation.objects.create(
                force_id=force_id,
                officer_id=officer_id,
                kind=planned.kind,
                key=planned.key,
                due_on=planned.due_on,
                effective_due_on=planned.due_on,
                source_ref=source_ref[:120],
                created_at=now,
            )
            ObligationEvent.objects.create(
                obligation=ob,
                type=ObligationEventType.PLANNED,
                at=now,
                by=by.person if by else None,
                by_role=by.role if by else "system",
                to_date=planned.due_on,
            )
    except IntegrityError:
        return None
    return ob


def _claim_planning(officer_id: int, today: dt.date) -> bool:
    """Claim today's planning of one officer; False when another process already did."""
    stale = PlanningMark.objects.filter(officer_id=officer_id, planned_on__lt=today)
    if claim(stale, planned_on=today):
        return True
    if PlanningMark.objects.filter(officer_id=officer_id).exists():
        return False
    try:
        with transaction.atomic():
            PlanningMark.objects.create(officer_id=officer_id, planned_on=today)
    except IntegrityError:
        return False  # another tick inserted it first (PostgreSQL waits for its commit)
    return True


def _plan_officer(
    *,
    officer_id: int,
    force_id: int,
    joined_on: dt.date,
    policy: PolicySettings,
    today: dt.date,
    claim: bool,
) -> int:
    with transaction.atomic():
        if claim and not _claim_planning(officer_id, today):
            return 0
        history = [o.as_record() for o in Obligation.objects.filter(officer_id=officer_id)]
        created = 0
        for planned in rules.plan_obligations(joined_on, history, policy, today):
            if _create_obligation(officer_id=officer_id, force_id=force_id, planned=planned):
                created += 1
        return created


def joined_on(
    officer: Person, policy: PolicySettings, at: dt.datetime | None = None
) -> dt.date | None:
    """The day the officer joined a team (their current officer role began), or None."""
    started = (
        RoleGrant.objects.current(at)
        .filter(person=officer, role=Role.OFFICER)
        .aggregate(first=Min("starts_at"))["first"]
    )
    return local_date(started, policy) if started else None


def _plan_next(officer: Person, policy: PolicySettings, today: dt.date) -> None:
    # After one is closed, its successor appears at once rather than at the next tick.
    joined = joined_on(officer, policy)
    if joined is not None:
        _plan_officer(
            officer_id=officer.pk,
            force_id=officer.force_id,
            joined_on=joined,
            policy=policy,
            today=today,
            claim=False,
        )


def obligations_plan_due(*, now: dt.datetime) -> int:
    """Plan every active officer's obligations from their force's policy (the tick step).

    Idempotent: each officer is claimed once a day, and every obligation has a key unique
    per officer, so a re-run or a second tick process creates nothing twice.
    """
    created = 0
    officers = RoleGrant.objects.current(now).filter(role=Role.OFFICER, person__is_active=True)
    force_ids = officers.values_list("person__force_id", flat=True).distinct().order_by()
    for force_id in sorted(set(force_ids)):
        policy = policy_for(force_id, now)
        today = today_for(policy, now)
        rows = (
            officers.filter(person__force_id=force_id)
            .exclude(
                person_id__in=PlanningMark.objects.filter(planned_on__gte=today).values(
                    "officer_id"
                )
            )
            .values("person_id")
            .annotate(first=Min("starts_at"))
            .order_by("person_id")
        )
        for row in rows:
            created += _plan_officer(
                officer_id=row["person_id"],
                force_id=force_id,
                joined_on=local_date(row["first"], policy),
                policy=policy,
                today=today,
                claim=True,
            )
    return created


# --- Changing an obligation ---------------------------------------------------------------


def _may_record(by: Viewer, ob: Obligation) -> bool:
    """Whether ``by`` records this kind of obligation for this officer (DESIGN.md §6)."""
    recorders = rules.RECORDED_BY[ob.kind]
    if by.person.pk == ob.officer_id:
        return (
            by.role == Role.OFFICER
            and "officer" in recorders
            and can(by, "self.decide", ob.officer)
        )
    if not can(by, "support.record", ob.officer):
        return False
    # The welfare lead is the force's welfare contact and may record any of them.
    return by.role == Role.WELFARE_LEAD or by.role in recorders


def _check_recorder(by: Viewer, ob: Obligation) -> None:
    if not can(by, "obligations.view", ob.officer):
        raise Refused.one("not_found", "Not found, or you do not have access to it.", None, 404)
    if not _may_record(by, ob):
        who = " or ".join(r.replace("_", " ") for r in rules.RECORDED_BY[ob.kind])
        raise _denied(f"A {ob.label.lower()} is recorded by the {who}, not by you.")


def _lock(ob: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().select_related("officer").get(pk=ob.pk)


def _apply(
    ob: Obligation,
    record: rules.ObligationRecord,
    *,
    by: Viewer,
    event: str,
    note: str = "",
    from_date: dt.date | None = None,
) -> Obligation:
    ob.state = record.state
    ob.done_on = record.done_on
    ob.rescheduled_to = record.rescheduled_to
    ob.effective_due_on = record.effective_due
    fields = ["state", "done_on", "rescheduled_to", "effective_due_on"]
    if record.state == ObligationState.DONE:
        ob.done_by = by.person
        fields.append("done_by")
    if record.state == ObligationState.RESCHEDULED:
        # A new date escalates afresh from that date (the rules key its notices by it).
        ob.escalations_checked_on = None
        ob.escalation_complete = False
        fields += ["escalations_checked_on", "escalation_complete"]
    ob.save(update_fields=fields)
    ObligationEvent.objects.create(
        obligation=ob,
        type=event,
        at=clock.now(),
        by=by.person,
        by_role=by.role,
        from_date=from_date,
        to_date=record.rescheduled_to
        if event == ObligationEventType.RESCHEDULED
        else record.done_on,
        note=note.strip(),
    )
    return ob


def _complete(
    ob: Obligation, *, by: Viewer, done_on: dt.date, today: dt.date, note: str = ""
) -> Obligation:
    record = rules.complete(ob.as_record(), done_on, today)
    return _apply(ob, record, by=by, event=ObligationEventType.DONE, note=note)


@transaction.atomic
def obligation_complete(
    *, by: Viewer, obligation: Obligation, done_on: dt.date | None = None, note: str = ""
) -> Obligation:
    """Record an obligation as done on ``done_on`` (default today) by the person the design
    names for its kind; a psychological assessment is recorded as attended."""
    _check_recorder(by, obligation)
    policy = policy_for(obligation.force_id)
    today = today_for(policy)
    ob = _lock(obligation)
    day = done_on or today
    if ob.kind == "psych_assessment":
        rules.complete(ob.as_record(), day, today)  # refuses a closed one or a future day
        _psych_attended(
            by=by,
            officer=ob.officer,
            day=day,
            policy=policy,
            appointment=_booking_for(ob, day),
            obligation=ob,
        )
        ob.refresh_from_db()
    else:
        _complete(ob, by=by, done_on=day, today=today, note=note)
    _plan_next(ob.officer, policy, today)
    return ob


@transaction.atomic
def obligation_miss(*, by: Viewer, obligation: Obligation, note: str = "") -> Obligation:
    """Record that an obligation did not happen (a supervisor's or welfare lead's judgement)."""
    _check_recorder(by, obligation)
    if by.person.pk == obligation.officer_id:
        raise _denied("Your supervisor or the welfare lead records a missed obligation.")
    policy = policy_for(obligation.force_id)
    today = today_for(policy)
    ob = _lock(obligation)
    record = rules.miss(ob.as_record(), today)
    _apply(ob, record, by=by, event=ObligationEventType.MISSED, note=note)
    _plan_next(ob.officer, policy, today)
    return ob


@transaction.atomic
def obligation_reschedule(
    *, by: Viewer, obligation: Obligation, to: dt.date, note: str = ""
) -> Obligation:
    """Move an obligation to a new date; the original date stays on the record."""
    _check_recorder(by, obligation)
    policy = policy_for(obligation.force_id)
    ob = _lock(obligation)
    previous = ob.effective_due_on
    record = rules.reschedule(ob.as_record(), to, today_for(policy))
    return _apply(
        ob, record, by=by, event=ObligationEventType.RESCHEDULED, note=note, from_date=previous
    )


def _earliest_outstanding(officer: Person, kind: str) -> Obligation | None:
    return (
        Obligation.objects.select_for_update()
        .filter(officer=officer, kind=kind, state__in=OUTSTANDING)
        .order_by("effective_due_on", "id")
        .first()
    )


# --- Assessments attended (shared with the appointments) ----------------------------------


def _booking_for(ob: Obligation, day: dt.date) -> Appointment | None:
    """The booking an assessment recorded as done on ``day`` fulfils; a booking for another
    day is replaced (it did not happen as booked)."""
    booked = (
        Appointment.objects.select_for_update()
        .filter(obligation=ob, kind=AppointmentKind.PSYCH_ASSESSMENT, state=AppointmentState.BOOKED)
        .first()
    )
    if booked is None:
        return None
    if booked.day == day and (booked.starts_at is None or booked.starts_at <= clock.now()):
        return booked
    booked.state = AppointmentState.CANCELLED
    booked.save(update_fields=["state"])
    return None


def _psych_attended(
    *,
    by: Viewer,
    officer: Person,
    day: dt.date,
    policy: PolicySettings,
    appointment: Appointment | None = None,
    obligation: Obligation | None = None,
) -> Appointment:
    """Mark an assessment attended (creating the record if it was never booked here) and
    complete the outstanding assessment obligation."""
    today = today_for(policy)
    _check_day(day, today, "attended_on")
    now = clock.now()
    if appointment is None:
        appointment = Appointment.objects.create(
            force_id=officer.force_id,
            officer=officer,
            kind=AppointmentKind.PSYCH_ASSESSMENT,
            day=day,
            booked_by=by.person,
            booked_at=now,
        )
    appointment.state = AppointmentState.ATTENDED
    appointment.attended_at = appointment.starts_at or start_of_day(day, policy)
    appointment.attendance_recorded_by = by.person
    appointment.attendance_recorded_at = now
    ob = obligation
    if ob is None and appointment.obligation_id is not None:
        ob = Obligation.objects.select_for_update().get(pk=appointment.obligation_id)
    elif ob is None:
        # Recorded before the officer's first tick: it answers the first one planned.
        _plan_next(officer, policy, today)
        ob = _earliest_outstanding(officer, "psych_assessment")
    # One recorded elsewhere meanwhile stays as it is: never complete the next one by mistake.
    if ob is not None and ob.outstanding:
        _complete(ob, by=by, done_on=day, today=today)
        appointment.obligation = ob
    appointment.save()
    return appointment
