"""Psychological assessments (booking and attendance only, never what was said) and welfare days."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from wellgate import clock
from wellgate.calendar import today_for, zone_of
from wellgate.errors import Refused
from wellgate.notify.services import enqueue
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person
from wellgate.support import rules
from wellgate.support.models import (
    Appointment,
    AppointmentKind,
    AppointmentState,
    ObligationEventType,
)
from wellgate.support.services._common import _denied, _require_self, _supervisor_of, policy_for
from wellgate.support.services.obligations import (
    _apply,
    _earliest_outstanding,
    _plan_next,
    _psych_attended,
)


def _require_welfare_lead(by: Viewer, officer: Person) -> None:
    if not (can(by, "force.welfare", officer.force) and can(by, "support.record", officer)):
        raise _denied("Only the force's welfare lead records psychological assessments.")


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
