"""Every write about welfare support: one transaction each, access checked, rules consulted.

Obligations are planned from the policy by the periodic job (and again at once after one is
closed), completed by the person the design names, rescheduled with the old date kept, and
escalated through the outbox with stable keys so that nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.urls import reverse

from wellgate import clock
from wellgate.calendar import local_date, start_of_day, today_for, zone_of
from wellgate.errors import Refused
from wellgate.flags import services as flag_services
from wellgate.flags.models import Flag, Severity, Source, State
from wellgate.notify.services import enqueue
from wellgate.people.access import Viewer, can
from wellgate.people.models import LineManagement, Person, Role, RoleGrant
from wellgate.people.queries import Recipients, team_ids_of
from wellgate.periodic import claim
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import PolicySettings
from wellgate.support import rules
from wellgate.support.models import (
    MEETING_KINDS,
    NEUTRAL_LABELS,
    OUTSTANDING,
    SIGN_LABELS,
    Appointment,
    AppointmentKind,
    AppointmentState,
    CalendarFeed,
    CopingStrategy,
    HelpfulMark,
    Meeting,
    Obligation,
    ObligationEvent,
    ObligationEventType,
    ObligationState,
    Observation,
    PlanningMark,
    TimeAway,
)


def _denied(
    message: str = "You cannot do this for this person in your current role.",
) -> Refused:
    return Refused.one("access.denied", message, None, 403)


# --- Time ---------------------------------------------------------------------------------


def policy_for(force_id: int, at: dt.datetime | None = None) -> PolicySettings:
    """The force's policy in force at ``at`` (default now)."""
    return policy_queries.at(force_id, at or clock.now())


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


# --- Escalation ---------------------------------------------------------------------------


def _recipients_of(recipients: Recipients, who: str, ob: Obligation) -> list[Person]:
    """The people an escalation names: the officer, their supervisor, or a force role."""
    if who == "officer":
        return [ob.officer]
    if who == "supervisor":
        return recipients.supervisor_of(ob.officer_id)
    return recipients.holders(who)


def _notice(e: rules.Escalation, who: str, ob: Obligation, today: dt.date) -> tuple[str, str, str]:
    """Title, body and link of one escalation notice for one kind of recipient."""
    if who == "officer":
        return f"Overdue: {ob.label}", e.message, reverse("my_support")
    late = (today - ob.effective_due_on).days
    title = (
        f"{ob.officer.full_name}: {ob.others_label} overdue by {late} day{'s' if late != 1 else ''}"
    )
    body = f"It was due on {rules.long_date(ob.effective_due_on)}."
    if who == "senior_leader":
        return title, body, reverse("escalations")
    return title, body, reverse("person_support", args=[ob.officer_id])


def _escalate_one(
    pk: int, *, policy: PolicySettings, today: dt.date, recipients: Recipients
) -> int:
    sent = 0
    with transaction.atomic():
        claimable = Obligation.objects.filter(pk=pk, state__in=OUTSTANDING).filter(
            Q(escalations_checked_on__isnull=True) | Q(escalations_checked_on__lt=today)
        )
        # Only the process that moves the date to today sends today's notices.
        if not claim(claimable, escalations_checked_on=today):
            return 0
        ob = Obligation.objects.select_related("officer").get(pk=pk)
        schedule = rules.escalation_schedule(ob.as_record(), policy)
        for e in schedule:
            if e.on_date > today:
                continue
            for who in e.notify:
                for person in _recipients_of(recipients, who, ob):
                    title, body, link = _notice(e, who, ob, today)
                    if enqueue(
                        recipient=person,
                        kind=f"support.{e.level}",
                        dedup_key=f"support.escalation:{ob.officer_id}:{e.key}:{person.pk}",
                        title=title,
                        body=body,
                        link=link,
                    ):
                        sent += 1
        if schedule and all(e.on_date <= today for e in schedule):
            Obligation.objects.filter(pk=pk).update(escalation_complete=True)
    return sent


def escalations_send(*, now: dt.datetime) -> int:
    """Send every escalation that overdue obligations have earned by today (the tick step).

    The officer and supervisor first, then the welfare lead, then (psychological assessments)
    the senior leaders, on the working days the rules give. Each notice has a stable key, so
    a re-run or a second tick process sends nothing twice.
    """
    sent = 0
    pending = Obligation.objects.filter(state__in=OUTSTANDING, escalation_complete=False)
    for force_id in sorted(set(pending.values_list("force_id", flat=True).distinct().order_by())):
        policy = policy_for(force_id, now)
        today = today_for(policy, now)
        ids = list(
            pending.filter(force_id=force_id, effective_due_on__lt=today, officer__is_active=True)
            .filter(Q(escalations_checked_on__isnull=True) | Q(escalations_checked_on__lt=today))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        recipients = Recipients(force_id, now)
        for pk in ids:
            sent += _escalate_one(pk, policy=policy, today=today, recipients=recipients)
    return sent


# --- Meetings and observations ------------------------------------------------------------


def _check_signs(signs: Sequence[str]) -> list[str]:
    unknown = rules.unknown_stress_signs(signs)
    if unknown:
        raise Refused.one(
            "support.unknown_sign",
            f"Not on the checklist: {', '.join(unknown)}. Use {', '.join(rules.STRESS_SIGN_CODES)}.",
            "signs",
        )
    return list(dict.fromkeys(signs))


def _check_day(day: dt.date, today: dt.date, field_name: str) -> None:
    if day > today:
        raise Refused.one(
            "support.date_in_future",
            "Record it on the day it happened, not a day still to come.",
            field_name,
        )


def _require_recorder(by: Viewer, officer: Person) -> None:
    if not can(by, "support.record", officer):
        raise _denied()
    if by.person.pk == officer.pk:
        raise _denied("Nobody records their own 1:1s or observations: ask a colleague.")


def _owner_for(by: Viewer, officer: Person) -> Person | None:
    return by.person if by.role == Role.SUPERVISOR else flag_services.default_owner(officer)


def _signs_sentence(signs: Iterable[str]) -> str:
    return "Signs noticed: " + "; ".join(SIGN_LABELS[s].lower() for s in signs) + "."


@transaction.atomic
def meeting_record(
    *,
    by: Viewer,
    officer: Person,
    kind: str,
    held_on: dt.date,
    how_are_you: str = "",
    workload: str = "",
    signs: Sequence[str] = (),
    agreed_actions: str = "",
    note: str = "",
    obligation: Obligation | None = None,
    closes_flag: Flag | None = None,
) -> Meeting:
    """Record a 1:1, workload review, debrief or structured review with its welfare discussion.

    It completes the obligation it answers (the one given, else the earliest outstanding of
    its kind) and may close one of the officer's open flags. Stress signs ticked without
    closing a flag open an amber flag, as an observation would.
    """
    _require_recorder(by, officer)
    if kind not in MEETING_KINDS:
        raise Refused.one(
            "meeting.kind_unknown",
            f"Choose one of: {', '.join(NEUTRAL_LABELS[k] for k in MEETING_KINDS)}.",
            "kind",
        )
    policy = policy_for(officer.force_id)
    today = today_for(policy)
    _check_day(held_on, today, "held_on")
    signs = _check_signs(signs)
    if closes_flag is not None:
        if closes_flag.officer_id != officer.pk or closes_flag.state != State.OPEN:
            raise Refused.one(
                "meeting.flag_unknown", "Choose one of this officer's open flags.", "closes_flag"
            )
        if held_on < local_date(closes_flag.opened_at, policy):
            raise Refused.one(
                "flag.meeting_before_flag",
                "A meeting held before the flag was raised cannot close it.",
                "closes_flag",
            )
    if obligation is not None:
        ob: Obligation | None = _lock(obligation)
        assert ob is not None
        if ob.officer_id != officer.pk or ob.kind != kind or not ob.outstanding:
            raise Refused.one(
                "meeting.obligation_mismatch",
                f"Choose an outstanding {NEUTRAL_LABELS[kind].lower()} of this officer.",
                "obligation",
            )
    else:
        ob = _earliest_outstanding(officer, kind)
    if ob is not None:
        _check_recorder(by, ob)
        _complete(ob, by=by, done_on=held_on, today=today)
    meeting = Meeting.objects.create(
        force_id=officer.force_id,
        officer=officer,
        kind=kind,
        held_on=held_on,
        recorded_by=by.person,
        recorded_role=by.role,
        recorded_at=clock.now(),
        how_are_you=how_are_you.strip(),
        workload=workload.strip(),
        signs=signs,
        agreed_actions=agreed_actions.strip(),
        note=note.strip(),
        obligation=ob,
    )
    if closes_flag is not None:
        _close_with(by, closes_flag, meeting)
    elif rules.observation_flag(signs):
        flag_services.flag_open(
            officer=officer,
            source=Source.OBSERVATION,
            severity=Severity.AMBER,
            owner=_owner_for(by, officer),
            source_ref=f"meeting:{meeting.pk}",
            note=_signs_sentence(signs),
            by=by,
        )
    if ob is not None:
        _plan_next(officer, policy, today)
    return meeting


def _close_with(by: Viewer, flag: Flag, meeting: Meeting) -> Flag:
    return flag_services.flag_close(
        by=by,
        flag=flag,
        action=f"{meeting.label} on {rules.long_date(meeting.held_on)}",
        action_ref=f"meeting:{meeting.pk}",
    )


@transaction.atomic
def flag_close_with_meeting(*, by: Viewer, flag: Flag, meeting: Meeting) -> Flag:
    """Close a flag with a 1:1 or debrief already recorded for the same officer after it opened."""
    if meeting.officer_id != flag.officer_id:
        raise Refused.one(
            "flag.meeting_other_officer",
            "Choose a meeting recorded with the officer the flag is about.",
            "meeting_id",
        )
    policy = policy_for(flag.force_id)
    if meeting.held_on < local_date(flag.opened_at, policy):
        raise Refused.one(
            "flag.meeting_before_flag",
            "A meeting held before the flag was raised cannot close it.",
            "meeting_id",
        )
    return _close_with(by, flag, meeting)


@transaction.atomic
def observation_record(
    *,
    by: Viewer,
    officer: Person,
    observed_on: dt.date | None = None,
    signs: Sequence[str] = (),
    note: str = "",
) -> tuple[Observation, Flag | None]:
    """Record stress signs noticed in an officer; any sign opens an amber flag for the
    supervisor, closed later by a recorded conversation."""
    _require_recorder(by, officer)
    policy = policy_for(officer.force_id)
    today = today_for(policy)
    day = observed_on or today
    _check_day(day, today, "observed_on")
    signs = _check_signs(signs)
    if not signs and not note.strip():
        raise Refused.one(
            "observation.empty", "Tick at least one sign or write what you noticed.", "signs"
        )
    observation = Observation.objects.create(
        force_id=officer.force_id,
        officer=officer,
        observed_on=day,
        recorded_by=by.person,
        recorded_role=by.role,
        recorded_at=clock.now(),
        signs=signs,
        note=note.strip(),
    )
    flag = None
    if rules.observation_flag(signs):
        flag = flag_services.flag_open(
            officer=officer,
            source=Source.OBSERVATION,
            severity=Severity.AMBER,
            owner=_owner_for(by, officer),
            source_ref=f"observation:{observation.pk}",
            note=_signs_sentence(signs),
            by=by,
        )
    return observation, flag


# --- Psychological assessments and welfare days -------------------------------------------


def _require_welfare_lead(by: Viewer, officer: Person) -> None:
    if not (can(by, "force.welfare", officer.force) and can(by, "support.record", officer)):
        raise _denied("Only the force's welfare lead records psychological assessments.")


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


@transaction.atomic
def psych_book(*, by: Viewer, officer: Person, starts_at: dt.datetime) -> Appointment:
    """Book a psychological assessment (a new booking replaces one not yet attended)."""
    _require_welfare_lead(by, officer)
    if starts_at <= clock.now():
        raise Refused.one(
            "appointment.in_past",
            "Book a time still to come; record a past assessment as attended instead.",
            "starts_at",
        )
    policy = policy_for(officer.force_id)
    Appointment.objects.filter(
        officer=officer, kind=AppointmentKind.PSYCH_ASSESSMENT, state=AppointmentState.BOOKED
    ).update(state=AppointmentState.CANCELLED)
    local = starts_at.astimezone(zone_of(policy))
    appointment = Appointment.objects.create(
        force_id=officer.force_id,
        officer=officer,
        kind=AppointmentKind.PSYCH_ASSESSMENT,
        obligation=_earliest_outstanding(officer, "psych_assessment"),
        day=local.date(),
        starts_at=starts_at,
        booked_by=by.person,
        booked_at=clock.now(),
    )
    enqueue(
        recipient=officer,
        kind="support.appointment",
        dedup_key=f"appointment:{appointment.pk}:booked",
        title="A wellbeing appointment has been booked for you",
        body=f"On {rules.long_date(local.date())} at {local:%H:%M}.",
        link=reverse("my_support"),
    )
    return appointment


@transaction.atomic
def psych_attendance_record(*, by: Viewer, appointment: Appointment, attended: bool) -> Appointment:
    """Record whether a booked assessment was attended. Attendance only: never what was said."""
    _require_welfare_lead(by, appointment.officer)
    appointment = (
        Appointment.objects.select_for_update().select_related("officer").get(pk=appointment.pk)
    )
    if (
        appointment.kind != AppointmentKind.PSYCH_ASSESSMENT
        or appointment.state != AppointmentState.BOOKED
    ):
        raise Refused.one(
            "appointment.not_booked",
            "Attendance is recorded once, for a booked assessment.",
            "appointment",
        )
    if appointment.starts_at is not None and appointment.starts_at > clock.now():
        raise Refused.one(
            "appointment.not_yet",
            "This assessment has not started yet; record attendance after it.",
            "appointment",
        )
    policy = policy_for(appointment.force_id)
    if attended:
        appointment = _psych_attended(
            by=by,
            officer=appointment.officer,
            day=appointment.day,
            policy=policy,
            appointment=appointment,
        )
        _plan_next(appointment.officer, policy, today_for(policy))
        return appointment
    appointment.state = AppointmentState.DID_NOT_ATTEND
    appointment.attendance_recorded_by = by.person
    appointment.attendance_recorded_at = clock.now()
    appointment.save(update_fields=["state", "attendance_recorded_by", "attendance_recorded_at"])
    return appointment


@transaction.atomic
def psych_attended_record(*, by: Viewer, officer: Person, attended_on: dt.date) -> Appointment:
    """Record an assessment the officer attended that was not booked through Wellgate."""
    _require_welfare_lead(by, officer)
    policy = policy_for(officer.force_id)
    appointment = _psych_attended(by=by, officer=officer, day=attended_on, policy=policy)
    _plan_next(officer, policy, today_for(policy))
    return appointment


def _require_self(by: Viewer) -> Person:
    if not can(by, "support.self", by.person.force):
        raise _denied("Only an officer does this, for themselves.")
    return by.person


def _supervisor_of(officer: Person) -> Person | None:
    lm = (
        LineManagement.objects.current()
        .filter(officer=officer, supervisor__is_active=True)
        .select_related("supervisor")
        .first()
    )
    return lm.supervisor if lm else None


@transaction.atomic
def welfare_day_book(*, by: Viewer, day: dt.date) -> Appointment:
    """The officer books their welfare day; the welfare-day obligation moves to that day."""
    officer = _require_self(by)
    policy = policy_for(officer.force_id)
    today = today_for(policy)
    if day < today:
        raise Refused.one("welfare_day.in_past", "Choose a day from today onwards.", "day")
    ob = _earliest_outstanding(officer, "welfare_day")
    if ob is not None and ob.effective_due_on != day:
        previous = ob.effective_due_on
        record = rules.reschedule(ob.as_record(), day, today)
        _apply(
            ob,
            record,
            by=by,
            event=ObligationEventType.RESCHEDULED,
            note="Welfare day booked.",
            from_date=previous,
        )
    Appointment.objects.filter(
        officer=officer,
        kind=AppointmentKind.WELFARE_DAY,
        state=AppointmentState.BOOKED,
        day__gte=today,
    ).update(state=AppointmentState.CANCELLED)
    appointment = Appointment.objects.create(
        force_id=officer.force_id,
        officer=officer,
        kind=AppointmentKind.WELFARE_DAY,
        obligation=ob,
        day=day,
        booked_by=officer,
        booked_at=clock.now(),
    )
    supervisor = _supervisor_of(officer)
    if supervisor is not None:
        enqueue(
            recipient=supervisor,
            kind="support.welfare_day",
            dedup_key=f"appointment:{appointment.pk}:supervisor",
            title=f"{officer.full_name} has booked a welfare day on {rules.long_date(day)}",
            link=reverse("person_support", args=[officer.pk]),
        )
    return appointment


# --- Time away ----------------------------------------------------------------------------


@transaction.atomic
def time_away_take(*, by: Viewer, kind: str = "short_break") -> TimeAway:
    """Time away: one click, no approval, no reason. The supervisor is told, to cover work."""
    officer = _require_self(by)
    if kind not in rules.TIME_AWAY_CODES:
        raise Refused.one(
            "time_away.kind_unknown",
            f"Choose one of: {', '.join(rules.TIME_AWAY_CODES)}.",
            "kind",
        )
    taken = TimeAway.objects.create(
        force_id=officer.force_id, officer=officer, kind=kind, taken_at=clock.now()
    )
    supervisor = _supervisor_of(officer)
    if supervisor is not None:
        label = {c.code: c.label for c in rules.TIME_AWAY_KINDS}[kind]
        enqueue(
            recipient=supervisor,
            kind="support.time_away",
            dedup_key=f"time_away:{taken.pk}",
            title=f"{officer.full_name} is taking time away",
            body=f"{label}. No approval is needed and no reason is asked.",
            link=reverse("person_support", args=[officer.pk]),
        )
    return taken


# --- Calendar feed ------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, by: Viewer) -> tuple[CalendarFeed, str]:
    """A new personal calendar link (the previous one stops working); the secret is shown once."""
    person = _require_self(by)
    now = clock.now()
    CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)
    secret = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        person=person, digest=CalendarFeed.digest_of(secret), prefix=secret[:10], created_at=now
    )
    return feed, secret


@transaction.atomic
def calendar_feed_revoke(*, by: Viewer) -> int:
    """Stop every calendar link of the viewer at once."""
    person = _require_self(by)
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


# --- Coping strategies --------------------------------------------------------------------


@transaction.atomic
def coping_share(*, by: Viewer, title: str, text: str, anonymous: bool) -> CopingStrategy:
    """Share something that helps with one's team, named or anonymously."""
    officer = _require_self(by)
    title, text = title.strip(), text.strip()
    if not title:
        raise Refused.one("coping.title_missing", "Give it a short title.", "title")
    if len(title) > 120:
        raise Refused.one("coping.title_long", "Keep the title under 120 characters.", "title")
    if not text:
        raise Refused.one("coping.text_missing", "Describe what helps.", "text")
    teams = team_ids_of(officer)
    if not teams:
        raise Refused.one("coping.no_team", "You are not in a team to share with yet.")
    return CopingStrategy.objects.create(
        force_id=officer.force_id,
        team_id=teams[0],
        author=officer,
        anonymous=anonymous,
        title=title,
        text=text,
        created_at=clock.now(),
    )


@transaction.atomic
def coping_mark_helpful(*, by: Viewer, strategy: CopingStrategy) -> bool:
    """Mark a teammate's strategy as helpful; once per person (a second mark changes nothing)."""
    person = _require_self(by)
    if strategy.team_id not in team_ids_of(person):
        raise Refused.one("not_found", "Not found, or you do not have access to it.", None, 404)
    if strategy.author_id == person.pk:
        raise Refused.one("coping.own", "You cannot mark your own strategy as helpful.")
    try:
        with transaction.atomic():
            HelpfulMark.objects.create(strategy=strategy, person=person, at=clock.now())
    except IntegrityError:
        return False
    return True


# --- Hooks for other apps -----------------------------------------------------------------


@transaction.atomic
def unexpected_exposure_recorded(
    *, officer: Person, occurred_at: dt.datetime, source_ref: str
) -> Obligation:
    """An officer saw material above their clearance: a red flag (the welfare lead is told at
    once) and a debrief due within the policy's working days (the TRiM 72-hour point).

    Called by the exposure app inside its own transaction, after its own access checks.
    ``source_ref`` names the exposure record (``"session:42"``): calling twice does nothing new.
    """
    policy = policy_for(officer.force_id, occurred_at)
    day = local_date(occurred_at, policy)
    planned = rules.plan_debrief(source_ref, day, policy)
    ob = _create_obligation(
        officer_id=officer.pk, force_id=officer.force_id, planned=planned, source_ref=source_ref
    ) or Obligation.objects.get(officer=officer, key=planned.key)
    flag_services.flag_open(
        officer=officer,
        source=Source.UNEXPECTED_EXPOSURE,
        severity=Severity.RED,
        source_ref=source_ref,
        note="Material above the officer's clearance was seen. A debrief is due by "
        f"{rules.long_date(ob.effective_due_on)}.",
    )
    supervisor = _supervisor_of(officer)
    if supervisor is not None:
        enqueue(
            recipient=supervisor,
            kind="support.debrief",
            dedup_key=f"support.debrief:{officer.pk}:{planned.key}:{supervisor.pk}",
            title=f"Debrief {officer.full_name} by {rules.long_date(ob.effective_due_on)}",
            body="An unexpected exposure was recorded. Hold and record a debrief.",
            link=reverse("person_support", args=[officer.pk]),
        )
    return ob


@transaction.atomic
def case_closed(*, officers: Iterable[Person], case_ref: str, by: Viewer) -> list[Obligation]:
    """A case the officers worked on has closed: each gets a debrief to share the outcome."""
    if not can(by, "support.team", by.person.force):
        raise _denied("Only a supervisor or the welfare lead marks a case closed.")
    case_ref = case_ref.strip()
    if not case_ref:
        raise Refused.one("case.ref_missing", "Give the case reference.", "case_ref")
    created = []
    for officer in officers:
        if officer.force_id != by.force_id:
            raise Refused.one("not_found", "Not found, or you do not have access to it.", None, 404)
        policy = policy_for(officer.force_id)
        source_ref = f"case:{case_ref}"
        planned = rules.plan_debrief(source_ref, today_for(policy), policy)
        ob = _create_obligation(
            officer_id=officer.pk,
            force_id=officer.force_id,
            planned=planned,
            source_ref=source_ref,
            by=by,
        )
        if ob is None:
            continue
        created.append(ob)
        supervisor = _supervisor_of(officer)
        if supervisor is not None and supervisor.pk != by.person.pk:
            enqueue(
                recipient=supervisor,
                kind="support.debrief",
                dedup_key=f"support.debrief:{officer.pk}:{planned.key}:{supervisor.pk}",
                title=f"Case {case_ref} closed: debrief {officer.full_name}",
                body=f"Share the outcome by {rules.long_date(planned.due_on)}.",
                link=reverse("person_support", args=[officer.pk]),
            )
    return created


@transaction.atomic
def obligations_stop(*, officer: Person, by: Viewer | None, reason: str = "") -> int:
    """The officer has left the team: their outstanding obligations stop (state ``stopped``,
    with an entry in each one's history), so nothing more is planned, due or escalated.
    Done, missed and stopped ones stay as they are. Returns how many were stopped.

    Registered (``apps.py``) to run inside ``people.services.membership_end``, after its
    access check (the officer's role has ended by then, so planning finds nothing new either).
    """
    now = clock.now()
    stopped = 0
    for ob in Obligation.objects.select_for_update().filter(officer=officer, state__in=OUTSTANDING):
        ob.state = ObligationState.STOPPED
        ob.escalation_complete = True
        ob.save(update_fields=["state", "escalation_complete"])
        ObligationEvent.objects.create(
            obligation=ob,
            type=ObligationEventType.STOPPED,
            at=now,
            by=by.person if by else None,
            by_role=by.role if by else "system",
            note=f"The officer left the team. {reason}".strip(),
        )
        stopped += 1
    return stopped
