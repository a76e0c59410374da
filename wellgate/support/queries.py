"""Reads about welfare support that pages, the API and other apps (the pathway gate) share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, OuterRef, QuerySet, Value

from wellgate.notify.ical import CalendarEvent
from wellgate.people.access import Viewer
from wellgate.people.models import LineManagement, Person, Role
from wellgate.people.queries import officers_of_force, reports_of, team_ids_of
from wellgate.policy.rules import PolicySettings
from wellgate.support import rules
from wellgate.support.models import (
    OUTSTANDING,
    Appointment,
    AppointmentKind,
    AppointmentState,
    CalendarFeed,
    CopingStrategy,
    HelpfulMark,
    Meeting,
    Obligation,
    ObligationEvent,
    Observation,
    TimeAway,
)


def psych_assessments_attended(officer: Person) -> tuple[dt.datetime, ...]:
    """When the officer attended a psychological assessment, oldest first (the pathway gate)."""
    return psych_assessments_attended_by_officer([officer.pk]).get(officer.pk, ())


def psych_assessments_attended_by_officer(
    officer_ids: Iterable[int],
) -> dict[int, tuple[dt.datetime, ...]]:
    """Assessments attended, per officer, for many officers in one query."""
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = (
        Appointment.objects.filter(
            officer_id__in=list(officer_ids),
            kind=AppointmentKind.PSYCH_ASSESSMENT,
            state=AppointmentState.ATTENDED,
            attended_at__isnull=False,
        )
        .order_by("attended_at")
        .values_list("officer_id", "attended_at")
    )
    for officer_id, at in rows:
        if at is not None:
            found[officer_id].append(at)
    return {k: tuple(v) for k, v in found.items()}


# --- Who may be seen ----------------------------------------------------------------------


def supported_officers(viewer: Viewer) -> QuerySet[Person]:
    """The officers whose support the viewer follows: their own reports (supervisor), the
    whole force (welfare lead), themselves (officer), nobody otherwise."""
    if viewer.role == Role.WELFARE_LEAD:
        return officers_of_force(viewer.force_id)
    if viewer.role == Role.SUPERVISOR:
        return reports_of(viewer.person)
    if viewer.role == Role.OFFICER:
        return Person.objects.filter(pk=viewer.person.pk)
    return Person.objects.none()


def obligations_visible_to(viewer: Viewer) -> QuerySet[Obligation]:
    """Every obligation the viewer may see (look ids up here: anything else is a 404)."""
    qs = Obligation.objects.filter(force_id=viewer.force_id).select_related("officer", "done_by")
    if viewer.role == Role.WELFARE_LEAD:
        return qs
    if viewer.role == Role.SUPERVISOR:
        reports = LineManagement.objects.current().filter(supervisor=viewer.person)
        return qs.filter(officer_id__in=reports.values("officer_id"), officer__is_active=True)
    if viewer.role == Role.OFFICER:
        return qs.filter(officer=viewer.person)
    return qs.none()


def meetings_visible_to(viewer: Viewer) -> QuerySet[Meeting]:
    """Meetings the viewer may cite (to close a flag): of the officers they support."""
    if viewer.role not in (Role.SUPERVISOR, Role.WELFARE_LEAD):
        return Meeting.objects.none()
    return Meeting.objects.filter(force_id=viewer.force_id, officer__in=supported_officers(viewer))


# --- One officer --------------------------------------------------------------------------


def obligations_of(officer: Person) -> QuerySet[Obligation]:
    """The officer's whole timeline, the soonest due first, then the rest newest first."""
    return Obligation.objects.filter(officer=officer).select_related("done_by")


def outstanding_of(officer: Person) -> QuerySet[Obligation]:
    return obligations_of(officer).filter(state__in=OUTSTANDING).order_by("effective_due_on", "id")


def history_of(officer: Person) -> QuerySet[Obligation]:
    return (
        obligations_of(officer).exclude(state__in=OUTSTANDING).order_by("-effective_due_on", "-id")
    )


def events_of(obligations: Iterable[Obligation]) -> dict[int, list[ObligationEvent]]:
    """The history of each obligation (for showing reschedules), in one query."""
    found: dict[int, list[ObligationEvent]] = defaultdict(list)
    for e in ObligationEvent.objects.filter(obligation__in=list(obligations)).select_related("by"):
        found[e.obligation_id].append(e)
    return found


def meetings_of(officer: Person) -> QuerySet[Meeting]:
    return Meeting.objects.filter(officer=officer).select_related("recorded_by")


def observations_of(officer: Person) -> QuerySet[Observation]:
    return Observation.objects.filter(officer=officer).select_related("recorded_by")


def time_away_of(officer: Person) -> QuerySet[TimeAway]:
    return TimeAway.objects.filter(officer=officer)


def appointments_of(officer: Person) -> QuerySet[Appointment]:
    return Appointment.objects.filter(officer=officer).exclude(state=AppointmentState.CANCELLED)


def upcoming_appointments(officer: Person, today: dt.date) -> QuerySet[Appointment]:
    return appointments_of(officer).filter(state=AppointmentState.BOOKED, day__gte=today)


def live_feed(person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).first()


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The live feed with this secret, for an active person; None otherwise."""
    return (
        CalendarFeed.objects.select_related("person")
        .filter(
            digest=CalendarFeed.digest_of(secret), revoked_at__isnull=True, person__is_active=True
        )
        .first()
    )


# --- Lists --------------------------------------------------------------------------------


def outstanding_for(viewer: Viewer) -> QuerySet[Obligation]:
    """Outstanding obligations of the people the viewer supports, the most urgent first."""
    return (
        Obligation.objects.filter(officer__in=supported_officers(viewer), state__in=OUTSTANDING)
        .select_related("officer")
        .order_by("effective_due_on", "officer__full_name", "id")
    )


def overdue_in_force(force_id: int, today: dt.date) -> QuerySet[Obligation]:
    """Every overdue obligation of the force's active officers, the longest overdue first."""
    return (
        Obligation.objects.filter(
            force_id=force_id,
            state__in=OUTSTANDING,
            effective_due_on__lt=today,
            officer__is_active=True,
        )
        .select_related("officer")
        .order_by("effective_due_on", "officer__full_name", "id")
    )


def booked_psych(force_id: int) -> QuerySet[Appointment]:
    """Assessments booked and not yet recorded as attended or missed."""
    return (
        Appointment.objects.filter(
            force_id=force_id,
            kind=AppointmentKind.PSYCH_ASSESSMENT,
            state=AppointmentState.BOOKED,
        )
        .select_related("officer")
        .order_by("day", "starts_at", "id")
    )


@dataclass(frozen=True)
class EscalatedRow:
    obligation: Obligation
    officer: Person
    days_late: int
    level: str  # the highest level reached: "welfare_lead" or "senior_leader"
    since: dt.date  # when that level was reached

    @property
    def level_label(self) -> str:
        return {"welfare_lead": "Welfare lead", "senior_leader": "Senior leader"}[self.level]


def escalated(
    force_id: int, policy: PolicySettings, today: dt.date, *, at_least: str
) -> list[EscalatedRow]:
    """Outstanding obligations escalated to ``at_least`` (``welfare_lead`` or
    ``senior_leader``) or beyond by today: who is affected and how late, the latest first."""
    order = rules.ESCALATION_LEVELS
    days = policy.escalation.overdue_to_welfare_lead_days
    qs = overdue_in_force(force_id, today)
    if at_least == "senior_leader":
        days = policy.escalation.psych_overdue_to_senior_days
        qs = qs.filter(kind="psych_assessment")
    # Each level falls on or after due date + its interval: a cheap filter before the rules.
    qs = qs.filter(effective_due_on__lte=today - dt.timedelta(days=days))
    rows = []
    for ob in qs:
        reached = [
            e
            for e in rules.escalations(ob.as_record(), policy, today)
            if order.index(e.level) >= order.index(at_least)
        ]
        if reached:
            top = reached[-1]
            rows.append(
                EscalatedRow(
                    ob, ob.officer, (today - ob.effective_due_on).days, top.level, top.on_date
                )
            )
    return rows


@dataclass(frozen=True)
class SeniorEscalation:
    """An escalation addressed to the senior leaders: who, what is overdue, and nothing more."""

    officer: Person  # named, because the senior leader must act on it
    what: str
    days_late: int
    since: dt.date  # when it reached the senior leaders


def escalated_to_senior_leaders(
    force_id: int, policy: PolicySettings, today: dt.date
) -> list[SeniorEscalation]:
    """The escalations a senior leader must act on (a psychological assessment overdue past
    the senior interval), each naming its officer and what is overdue. Obligations are
    otherwise aggregate for senior leaders (DESIGN.md §3), so no other detail is read out."""
    rows = []
    for r in escalated(force_id, policy, today, at_least="senior_leader"):
        if "senior_leader" not in rules.ESCALATION_NOTIFY[r.level]:
            continue
        rows.append(SeniorEscalation(r.officer, r.obligation.others_label, r.days_late, r.since))
    return rows


def coping_for(viewer: Viewer) -> QuerySet[CopingStrategy]:
    """Strategies shared in the viewer's teams, with how many found each helpful and whether
    the viewer did."""
    teams = team_ids_of(viewer.person)
    return (
        CopingStrategy.objects.filter(team_id__in=teams)
        .select_related("author")
        .annotate(
            helpful=Count("marks", distinct=True),
            marked=Exists(HelpfulMark.objects.filter(strategy=OuterRef("pk"), person=viewer.person))
            if teams
            else Value(False, output_field=BooleanField()),
        )
        .order_by("-created_at", "-id")
    )


CALENDAR_PAST_DAYS = 90
NEUTRAL_TITLES = {
    AppointmentKind.PSYCH_ASSESSMENT: "Wellbeing appointment",
    AppointmentKind.WELFARE_DAY: "Wellbeing day",
}


def calendar_events(person: Person, today: dt.date) -> list[CalendarEvent]:
    """The person's appointments and what is due, under neutral titles, for their feed."""
    since = today - dt.timedelta(days=CALENDAR_PAST_DAYS)
    events = []
    booked_days: set[tuple[int | None, dt.date]] = set()
    for a in appointments_of(person).filter(day__gte=since):
        booked_days.add((a.obligation_id, a.day))
        events.append(
            CalendarEvent(
                uid=f"appointment-{a.pk}@wellgate",
                summary=NEUTRAL_TITLES[AppointmentKind(a.kind)],
                day=a.day,
                starts_at=a.starts_at,
            )
        )
    for ob in outstanding_of(person).filter(effective_due_on__gte=since):
        if (ob.pk, ob.effective_due_on) in booked_days:
            continue
        events.append(
            CalendarEvent(
                uid=f"obligation-{ob.pk}@wellgate",
                summary="Wellbeing day" if ob.kind == "welfare_day" else "Wellbeing reminder",
                day=ob.effective_due_on,
            )
        )
    return events
