"""Reads of check-ins that pages and the API share, with the row-level rule of DESIGN.md §3:
the officer reads all of their own; the welfare lead reads only what the officer shared;
nobody else reads any."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from wellgate.calendar import local_date
from wellgate.checkins import catalogue, rules
from wellgate.checkins.models import CheckIn, CheckInSkip, ConversationNudge
from wellgate.checkins.rules import Instrument
from wellgate.flags.models import Flag, Source, State
from wellgate.flags.queries import flags_visible_to
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person, Role, RoleGrant
from wellgate.people.queries import holders
from wellgate.policy import queries as policy_queries


def checkins_visible_to(viewer: Viewer, person: Person) -> QuerySet[CheckIn]:
    """The check-ins of ``person`` whose answers and scores ``viewer`` may read."""
    if not can(viewer, "checkins.view", person):
        return CheckIn.objects.none()
    qs = CheckIn.objects.filter(officer=person).order_by("-created_at", "-id")
    if viewer.person.pk == person.pk:
        return qs
    if viewer.role == Role.WELFARE_LEAD:
        return qs.filter(shared_with_welfare_lead=True)
    return qs.none()


def shared_in_force(viewer: Viewer) -> QuerySet[CheckIn]:
    """Every check-in of the viewer's force shared with the welfare lead (welfare lead only)."""
    if viewer.role != Role.WELFARE_LEAD or not can(viewer, "force.welfare", viewer.person.force):
        return CheckIn.objects.none()
    return (
        CheckIn.objects.filter(force_id=viewer.force_id, shared_with_welfare_lead=True)
        .select_related("officer")
        .order_by("-created_at", "-id")
    )


def checkin_flag_queue(viewer: Viewer) -> QuerySet[Flag]:
    """Open check-in flags to act on, red first (only the welfare lead sees any)."""
    if viewer.role != Role.WELFARE_LEAD:
        return Flag.objects.none()
    return (
        flags_visible_to(viewer)
        .filter(source=Source.CHECKIN, state=State.OPEN)
        .order_by("-severity", "opened_at", "id")  # "red" sorts after "amber": descending
    )


def own_checkin(viewer: Viewer, checkin_id: int) -> CheckIn | None:
    return CheckIn.objects.filter(pk=checkin_id, officer=viewer.person).first()


def flags_of(checkin: CheckIn) -> list[Flag]:
    """The flags a check-in opened (to tell its officer what happens next)."""
    return list(
        Flag.objects.filter(
            officer_id=checkin.officer_id,
            source=Source.CHECKIN,
            source_ref=f"checkin:{checkin.pk}",
        )
    )


def skips_of(person: Person) -> QuerySet[CheckInSkip]:
    return CheckInSkip.objects.filter(officer=person).order_by("-created_at", "-id")


def last_nudge(person: Person) -> ConversationNudge | None:
    return ConversationNudge.objects.filter(officer=person).select_related("supervisor").first()


def due_for(person: Person, now: dt.datetime) -> list[rules.Due]:
    """The check-ins due for ``person`` today on the force's cadence."""
    policy = policy_queries.current(person.force_id)
    first_grant = (
        RoleGrant.objects.current(now)
        .filter(person=person, role=Role.OFFICER)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if first_grant is None:
        return []
    done: dict[str, dt.date] = {}
    for model in (CheckIn, CheckInSkip):
        rows = (
            model.objects.filter(officer=person, created_at__lte=now)
            .values("instrument_id")
            .annotate(at=Max("created_at"))
            .order_by()
        )
        for r in rows:
            day = local_date(r["at"], policy)
            done[r["instrument_id"]] = max(done.get(r["instrument_id"], day), day)
    return rules.due_checkins(
        last_done=done,
        joined_on=local_date(first_grant, policy),
        today=local_date(now, policy),
        pulse_weeks=policy.checkins.pulse_weeks,
        full_months=policy.checkins.full_months,
    )


@dataclass(frozen=True)
class Line:
    """One total of a check-in in plain words: "Total 12 out of 27: Moderate. <meaning>"."""

    key: str
    label: str
    value: float
    low: float
    high: float
    band: rules.Band | None


def lines_of(instrument: Instrument, score: rules.Score) -> list[Line]:
    """The totals worth showing people: every banded one, and the overall total."""
    found = []
    for key in instrument.keys:
        if key not in score.totals or (key != rules.TOTAL and key not in score.bands):
            continue
        low, high = rules.key_range(instrument, key)
        found.append(
            Line(key, rules.key_label(key), score.totals[key], low, high, score.bands.get(key))
        )
    return found


@dataclass(frozen=True)
class Row:
    """A check-in as the lists show it."""

    checkin: CheckIn
    instrument: Instrument | None
    lines: list[Line]

    @property
    def title(self) -> str:
        return self.instrument.title if self.instrument else self.checkin.instrument_id


def rows_of(checkins: list[CheckIn]) -> list[Row]:
    rows = []
    for c in checkins:
        instrument = catalogue.instrument(c.instrument_id)
        rows.append(Row(c, instrument, lines_of(instrument, c.score) if instrument else []))
    return rows


@dataclass(frozen=True)
class Trend:
    """One instrument's check-ins over time, oldest first, for a chart and its table."""

    instrument: Instrument
    keys: tuple[str, ...]
    rows: list[Row]


# Points on one chart: enough for two years of fortnightly pulses.
TREND_POINTS = 52


def trends_of(checkins: list[CheckIn]) -> list[Trend]:
    """Per instrument (in the catalogue's order), the latest check-ins, oldest first."""
    by_instrument: dict[str, list[CheckIn]] = {}
    for c in checkins:
        by_instrument.setdefault(c.instrument_id, []).append(c)
    trends = []
    for instrument_id, instrument in catalogue.instruments().items():
        mine = sorted(by_instrument.get(instrument_id, []), key=lambda c: (c.created_at, c.pk))
        if not mine:
            continue
        rows = rows_of(mine[-TREND_POINTS:])
        keys = tuple(line.key for line in rows[-1].lines)
        trends.append(Trend(instrument, keys, rows))
    return trends


def welfare_leads_named(force_id: int) -> list[str]:
    """The names of the force's welfare leads (told to the officer before a check-in)."""
    return [p.full_name for p in holders(force_id, Role.WELFARE_LEAD)]
