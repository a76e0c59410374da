"""Every write of exposure: sessions and their timer (case imports and work packages are in
``cases.py``, re-exported here).

A session is recorded as it happened and checked against the clearance the officer held
**at the time**: above it, it is recorded all the same, marked unexpected, and the support
app opens a red flag and a debrief. Viewing limits never refuse a record: a limit crossed
opens an amber flag (once per limit and day) after the event. What is refused is input that
cannot be true (a session in the future, an end before its start, an unknown category), with
a stable code and the field to fix; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wellgate import clock
from wellgate.calendar import zone_of
from wellgate.errors import Detail, Refused
from wellgate.exposure import queries as exposure_queries
from wellgate.exposure import rules
from wellgate.exposure.cases import ImportOutcome as ImportOutcome
from wellgate.exposure.cases import case_close as case_close
from wellgate.exposure.cases import case_import as case_import
from wellgate.exposure.cases import case_share as case_share
from wellgate.exposure.cases import officers_who_worked_on as officers_who_worked_on
from wellgate.exposure.cases import work_package_assign as work_package_assign
from wellgate.exposure.cases import work_package_create as work_package_create
from wellgate.exposure.models import (
    COUNT_FIELDS,
    Case,
    ExposureSession,
    SessionTimer,
    Source,
    WorkPackage,
    WorkPackageAssignment,
)
from wellgate.flags import services as flag_services
from wellgate.flags.models import Flag, Severity
from wellgate.flags.models import Source as FlagSource
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway import services as pathway_services
from wellgate.pathway.models import PathwayEvent
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import MEDIA_KINDS, PolicySettings
from wellgate.support import services as support_services

# Longer than any shift: a typing slip ("600" for "60") rather than a session.
MAX_SESSION_MINUTES = 12 * 60
# Clocks of a workstation and the server differ a little; a minute ahead is not "the future".
CLOCK_SLACK = dt.timedelta(minutes=1)


def _not_found(field: str | None = None) -> Refused:
    return Refused.one("not_found", "Not found, or you do not have access to it.", field, 404)


def _aware(moment: dt.datetime, policy: PolicySettings) -> dt.datetime:
    return timezone.make_aware(moment, zone_of(policy)) if timezone.is_naive(moment) else moment


def _when(moment: dt.datetime, policy: PolicySettings) -> str:
    local = moment.astimezone(zone_of(policy))
    return f"{local:%H:%M} on {local.day} {local:%B}"


def _lock(officer: Person) -> None:
    # One writer per officer at a time: two overlapping sessions posted at once are one.
    Person.objects.select_for_update().filter(pk=officer.pk).first()


# --- Sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionOutcome:
    """A recorded session, how it compared with the clearance, and what followed from it."""

    session: ExposureSession
    check: rules.ClearanceCheck
    # Limits newly found crossed by this session (each opened an amber flag).
    breaches: tuple[rules.LimitBreach, ...]
    debrief_due_on: dt.date | None


def _check_session_input(
    *,
    officer: Person,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    minutes: int | None,
    max_category: str,
    media: Sequence[str],
    counts: Mapping[str, int],
    break_minutes: int,
    policy: PolicySettings,
    now: dt.datetime,
) -> tuple[list[Detail], dt.datetime | None, dt.datetime | None]:
    """Every reason the session cannot be true, and its start and end when they can."""
    problems: list[Detail] = []

    def add(code: str, message: str, field: str) -> None:
        problems.append(Detail(code, message, field))

    start = end = None
    if started_at is None:
        add("session.start_missing", "Give the time the session started.", "started_at")
    else:
        start = _aware(started_at, policy)
        if start > now + CLOCK_SLACK:
            add(
                "session.future",
                "The start is in the future: log a session once it has happened, or start the "
                "session timer.",
                "started_at",
            )
    if start is not None:
        if ended_at is not None:
            end = _aware(ended_at, policy)
            if end < start:
                add(
                    "session.end_before_start",
                    "The end is before the start: check both times.",
                    "ended_at",
                )
            elif minutes is not None and abs((end - start).total_seconds() / 60 - minutes) >= 1:
                add(
                    "session.duration_conflict",
                    f"The start and end are {int((end - start).total_seconds() // 60)} minutes "
                    f"apart, not {minutes}: give either the end or the length.",
                    "minutes",
                )
        elif minutes is not None:
            if minutes < 0:
                add("session.duration_negative", "The length cannot be negative.", "minutes")
            else:
                end = start + dt.timedelta(minutes=minutes)
        else:
            add(
                "session.duration_missing",
                "Give the time the session ended, or how long it lasted in minutes.",
                "ended_at",
            )
    if start is not None and end is not None and end >= start:
        if end > now + CLOCK_SLACK:
            add(
                "session.future",
                "The session would end in the future: log it once it has happened.",
                "ended_at" if ended_at is not None else "minutes",
            )
        length = int((end - start).total_seconds() // 60)
        if length < 1:
            add(
                "session.too_short",
                "The session must last at least a minute: check the end or the length.",
                "minutes" if ended_at is None else "ended_at",
            )
        elif length > MAX_SESSION_MINUTES:
            add(
                "session.too_long",
                f"{length} minutes is longer than any viewing session can be (at most "
                f"{MAX_SESSION_MINUTES // 60} hours): check the times or the length.",
                "minutes" if ended_at is None else "ended_at",
            )
        if break_minutes < 0:
            add("session.breaks_negative", "Breaks cannot be negative.", "break_minutes")
        elif break_minutes > length:
            add(
                "session.breaks_too_long",
                f"Breaks of {break_minutes} minutes are longer than the session "
                f"({length} minutes).",
                "break_minutes",
            )
    if max_category not in rules.COUNT_KEYS:
        add(
            "session.category_unknown",
            f"“{max_category}” is not a category; use one of {', '.join(rules.COUNT_KEYS)}.",
            "max_category",
        )
    if not media:
        add("session.media_missing", "Choose the media viewed (for example images).", "media")
    unknown_media = [m for m in media if m not in MEDIA_KINDS]
    if unknown_media:
        add(
            "session.media_unknown",
            f"Unknown media {', '.join(unknown_media)}; use {', '.join(MEDIA_KINDS)}.",
            "media",
        )
    unknown_keys = sorted(k for k in counts if k not in rules.COUNT_KEYS)
    if unknown_keys:
        add(
            "session.counts_unknown",
            f"Counts for unknown categories {', '.join(unknown_keys)}; use "
            f"{', '.join(rules.COUNT_KEYS)}.",
            "counts",
        )
    elif any(n < 0 for n in counts.values()):
        add("session.counts_negative", "Counts cannot be negative.", "counts")
    elif max_category in rules.COUNT_KEYS:
        counted = rules.effective_category(counts)
        if rules.category_rank(counted) > rules.category_rank(max_category):
            add(
                "session.counts_above_highest",
                f"The counts include {rules.describe_category(counted)} items, above the "
                f"highest category given ({rules.describe_category(max_category)}): correct "
                "one or the other.",
                "max_category",
            )
    return problems, start, end


def _session_links(
    officer: Person, case: Case | None, work_package: WorkPackage | None
) -> tuple[Case | None, list[Detail]]:
    problems: list[Detail] = []
    if case is not None and case.force_id != officer.force_id:
        raise _not_found("case")
    if (
        case is not None
        and work_package is None
        and not exposure_queries.cases_open_to(officer).filter(pk=case.pk).exists()
    ):
        raise _not_found("case")  # another team's case: not one the officer works on
    if work_package is not None:
        if work_package.force_id != officer.force_id:
            raise _not_found("work_package")
        if not WorkPackageAssignment.objects.filter(package=work_package, officer=officer).exists():
            problems.append(
                Detail(
                    "session.package_not_assigned",
                    "This work package is not assigned to this officer: choose one of theirs, "
                    "or only the case.",
                    "work_package",
                )
            )
        if case is not None and case.pk != work_package.case_id:
            problems.append(
                Detail(
                    "session.package_case_mismatch",
                    "The work package belongs to another case: choose its own case or none.",
                    "case",
                )
            )
        case = case or work_package.case
    return case, problems


@dataclass(frozen=True)
class SessionInput:
    """A viewing session as someone describes it: give the end or the length in minutes (or
    both, agreeing). ``timer`` is the stopped timer it came from, removed once recorded."""

    officer: Person
    started_at: dt.datetime | None
    max_category: str
    media: Sequence[str]
    ended_at: dt.datetime | None = None
    minutes: int | None = None
    counts: Mapping[str, int] | None = None
    mentor_present: bool = False
    case: Case | None = None
    work_package: WorkPackage | None = None
    break_minutes: int = 0
    source: str = Source.WEB
    timer: SessionTimer | None = None


@transaction.atomic
def session_record(*, by: Viewer, entry: SessionInput) -> SessionOutcome:
    """Record a viewing session as it happened and act on what it shows.

    Checked against the clearance held when the session started: within it at a supervised
    stage with a mentor present, it becomes a pathway ``supervised_session``; above it, it is
    still recorded, marked unexpected, and a red flag and a debrief follow. Limits crossed open
    amber flags.
    """
    officer, max_category, mentor_present = entry.officer, entry.max_category, entry.mentor_present
    work_package, break_minutes, source = entry.work_package, entry.break_minutes, entry.source
    if officer.force_id != by.force_id or not can(by, "exposure.log", officer):
        raise _not_found("officer_id")
    counts = {k: int(n) for k, n in (entry.counts or {}).items() if n is not None}
    media = list(dict.fromkeys(entry.media))
    now = clock.now()
    policy = policy_queries.current(officer.force_id)
    problems, start, end = _check_session_input(
        officer=officer,
        started_at=entry.started_at,
        ended_at=entry.ended_at,
        minutes=entry.minutes,
        max_category=max_category,
        media=media,
        counts=counts,
        break_minutes=break_minutes,
        policy=policy,
        now=now,
    )
    case, link_problems = _session_links(officer, entry.case, work_package)
    problems += link_problems
    if source not in Source.values:
        problems.append(Detail("session.source_unknown", "Unknown source.", "source"))
    if problems:
        raise Refused(problems)
    assert start is not None and end is not None
    _lock(officer)
    overlapping = (
        ExposureSession.objects.filter(officer=officer, started_at__lt=end, ended_at__gt=start)
        .order_by("started_at")
        .first()
    )
    if overlapping is not None:
        raise Refused.one(
            "session.overlap",
            f"A session from {_when(overlapping.started_at, policy)} to "
            f"{_when(overlapping.ended_at, policy)} is already logged and overlaps this one: "
            "log only time not yet recorded.",
            "started_at",
        )

    held = pathway_queries.clearance(officer, at=start)
    check = rules.within_clearance(
        max_category, media, held.max_category, held.media, held.supervised, mentor_present
    )
    event = _supervised_session(officer, start) if check.supervised_session else None
    session = ExposureSession.objects.create(
        force_id=officer.force_id,
        officer=officer,
        started_at=start,
        ended_at=end,
        minutes=int((end - start).total_seconds() // 60),
        break_minutes=break_minutes,
        max_category=max_category,
        media=media,
        mentor_present=mentor_present,
        case=case,
        work_package=work_package,
        source=source,
        unexpected=check.unexpected,
        reasons=[{"code": r.code, "message": r.message} for r in check.reasons],
        clearance_category=held.max_category or "",
        clearance_media=list(held.media),
        clearance_supervised=held.supervised,
        pathway_event=event,
        created_at=now,
        created_by=by.person,
        created_by_role=by.role,
        **{COUNT_FIELDS[k]: n for k, n in counts.items()},
    )
    debrief_due_on = None
    if check.unexpected:
        obligation = support_services.unexpected_exposure_recorded(
            officer=officer, occurred_at=start, source_ref=f"session:{session.pk}"
        )
        debrief_due_on = obligation.effective_due_on
    breaches = _flag_limits(officer, session, held.supervised)
    if entry.timer is not None and entry.timer.officer_id == officer.pk:
        SessionTimer.objects.filter(pk=entry.timer.pk).delete()
    return SessionOutcome(session, check, tuple(breaches), debrief_due_on)


def _supervised_session(officer: Person, start: dt.datetime) -> PathwayEvent | None:
    """The pathway evidence a supervised session is; none if the pathway refuses it (closed)."""
    try:
        return pathway_services.event_record(
            by=None, officer=officer, type="supervised_session", occurred_at=start
        )
    except Refused:
        return None


def _flag_limits(
    officer: Person, session: ExposureSession, supervised: bool
) -> list[rules.LimitBreach]:
    """Open an amber flag for each limit this session's day or week crossed (once per limit)."""
    policy = policy_queries.at(officer.force_id, session.started_at)
    zone = zone_of(policy)
    day = session.started_at.astimezone(zone).date()
    monday = day - dt.timedelta(days=day.weekday())
    # The day before the week too: a stretch of viewing may run on past midnight.
    window = (
        dt.datetime.combine(monday - dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=zone),
    )
    sessions = [
        rules.ViewingSession(s.started_at, s.ended_at, s.break_minutes)
        for s in ExposureSession.objects.filter(
            officer=officer, started_at__gte=window[0], started_at__lt=window[1]
        ).only("started_at", "ended_at", "break_minutes")
    ]
    found = rules.limit_breaches(sessions, policy.limits, supervised, policy.time_zone)
    # The limits this session can have crossed: its day's, its week's, and a stretch of
    # viewing it is part of (which may have begun the evening before).
    mine = [
        b
        for b in found
        if (b.code == "limit.weekly" and b.day == monday)
        or (b.code == "limit.continuous" and day - dt.timedelta(days=1) <= b.day <= day)
        or (b.code in ("limit.daily", "limit.after_hours") and b.day == day)
    ]
    refs = {f"limit:{b.key}": b for b in mine}
    already = set(
        Flag.objects.filter(
            officer=officer, source=FlagSource.LIMIT_BREACH, source_ref__in=list(refs)
        ).values_list("source_ref", flat=True)
    )
    opened = []
    for ref, breach in refs.items():
        if ref in already:
            continue
        flag_services.flag_open(
            officer=officer,
            source=FlagSource.LIMIT_BREACH,
            severity=Severity.AMBER,
            source_ref=ref,
            note=breach.message,
        )
        opened.append(breach)
    return opened


# --- The session timer -------------------------------------------------------------------


def _timer_access(by: Viewer, officer: Person) -> None:
    if officer.force_id != by.force_id or not can(by, "exposure.log", officer):
        raise _not_found()


def timer_of(officer: Person) -> SessionTimer | None:
    return SessionTimer.objects.filter(officer=officer).first()


@transaction.atomic
def timer_start(
    *,
    by: Viewer,
    officer: Person,
    mentor_present: bool = False,
    work_package: WorkPackage | None = None,
    case: Case | None = None,
) -> SessionTimer:
    """Start timing a session now; the start is kept on the server."""
    _timer_access(by, officer)
    case, problems = _session_links(officer, case, work_package)
    if problems:
        raise Refused(problems)
    _lock(officer)
    running = timer_of(officer)
    if running is not None:
        policy = policy_queries.current(officer.force_id)
        raise Refused.one(
            "timer.running",
            f"A session timer is already running since {_when(running.started_at, policy)}: "
            "stop it, or discard it, before starting another.",
        )
    now = clock.now()
    return SessionTimer.objects.create(
        officer=officer,
        force_id=officer.force_id,
        started_at=now,
        viewing_since=now,
        mentor_present=mentor_present,
        work_package=work_package,
        case=case,
        started_by=by.person,
    )


def _running(by: Viewer, officer: Person) -> SessionTimer:
    _timer_access(by, officer)
    timer = SessionTimer.objects.select_for_update().filter(officer=officer).first()
    if timer is None or timer.stopped_at is not None:
        raise Refused.one("timer.not_running", "No session timer is running: start one first.")
    return timer


def _end_break(timer: SessionTimer, now: dt.datetime) -> None:
    if timer.on_break_since is not None:
        timer.break_seconds += int((now - timer.on_break_since).total_seconds())
        timer.on_break_since = None
        timer.viewing_since = now


@transaction.atomic
def timer_break(*, by: Viewer, officer: Person) -> SessionTimer:
    """Start a break, or end the break under way (viewing starts again from now)."""
    timer = _running(by, officer)
    now = clock.now()
    if timer.on_break_since is None:
        timer.on_break_since = now
    else:
        _end_break(timer, now)
    timer.save(update_fields=["on_break_since", "break_seconds", "viewing_since"])
    return timer


@transaction.atomic
def timer_stop(*, by: Viewer, officer: Person) -> SessionTimer:
    """Stop the clock now (one click); what was seen is then logged from the stopped timer."""
    timer = _running(by, officer)
    now = clock.now()
    _end_break(timer, now)
    timer.stopped_at = now
    timer.save(update_fields=["on_break_since", "break_seconds", "viewing_since", "stopped_at"])
    return timer


@transaction.atomic
def timer_discard(*, by: Viewer, officer: Person) -> bool:
    """Throw the timer away without logging anything (started by mistake)."""
    _timer_access(by, officer)
    deleted, _ = SessionTimer.objects.filter(officer=officer).delete()
    return bool(deleted)
