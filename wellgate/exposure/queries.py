"""Reads of exposure that pages and the API share: sessions, time used, the team's week,
cases and work packages. Lists are read in a fixed number of queries, whatever their length."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from wellgate import clock
from wellgate.calendar import zone_of
from wellgate.exposure import rules
from wellgate.exposure.models import (
    CATEGORY_CHOICES,
    KIND_CHOICES,
    Case,
    CaseVolume,
    ExposureSession,
    SessionTimer,
    WorkPackage,
    WorkPackageAssignment,
)
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway.rules import Clearance
from wellgate.people.access import Viewer
from wellgate.people.models import LineManagement, Person, Role, RoleGrant, Team
from wellgate.people.queries import team_ids_of
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import PolicySettings


def day_bounds(
    first: dt.date, last: dt.date, policy: PolicySettings
) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``first`` to the end of ``last``, local days of the force."""
    zone = zone_of(policy)
    return (
        dt.datetime.combine(first, dt.time(0), tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
    )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def sessions_between(officer: Person, first: dt.date, last: dt.date) -> QuerySet[ExposureSession]:
    """The officer's sessions that started on the local days ``first`` to ``last``, newest first."""
    start, end = day_bounds(first, last, policy_queries.current(officer.force_id))
    return (
        ExposureSession.objects.filter(officer=officer, started_at__gte=start, started_at__lt=end)
        .select_related("case", "work_package", "work_package__case")
        .order_by("-started_at", "-id")
    )


def sessions_of(officer: Person) -> QuerySet[ExposureSession]:
    return (
        ExposureSession.objects.filter(officer=officer)
        .select_related("case", "work_package", "work_package__case")
        .order_by("-started_at", "-id")
    )


def _viewing(sessions: Iterable[ExposureSession]) -> list[rules.ViewingSession]:
    return [rules.ViewingSession(s.started_at, s.ended_at, s.break_minutes) for s in sessions]


def recent_viewing(officer: Person, at: dt.datetime) -> list[rules.ViewingSession]:
    """Sessions of ``at``'s week and the evening before, as the limit rules read them."""
    policy = policy_queries.current(officer.force_id)
    day = at.astimezone(zone_of(policy)).date()
    start, _ = day_bounds(monday_of(day) - dt.timedelta(days=1), day, policy)
    return _viewing(
        ExposureSession.objects.filter(
            officer=officer, started_at__gte=start, started_at__lt=at
        ).only("started_at", "ended_at", "break_minutes")
    )


@dataclass(frozen=True)
class BeforeYouStart:
    """What the "before you start" panel says: the clearance, time used, limits, warnings."""

    clearance: Clearance
    stage_label: str
    paused: bool
    used: rules.TimeUsed
    warnings: tuple[rules.LimitWarning, ...]
    policy: PolicySettings


def before_you_start(officer: Person, at: dt.datetime | None = None) -> BeforeYouStart:
    """The clearance now, viewing so far today and this week, and the limits a session now
    would cross (checked for the next minute of viewing)."""
    at = at or clock.now()
    policy = policy_queries.current(officer.force_id)
    state = pathway_queries.state(officer, at)
    sessions = recent_viewing(officer, at)
    supervised = state.clearance.supervised
    used = rules.time_used(at, sessions, policy.limits, supervised, policy.time_zone)
    warnings = rules.limit_warnings(at, 1, sessions, policy.limits, supervised, policy.time_zone)
    return BeforeYouStart(
        clearance=state.clearance,
        stage_label=state.stage.label,
        paused=state.paused or state.move_requested,
        used=used,
        warnings=tuple(warnings),
        policy=policy,
    )


# --- The timer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimerStatus:
    timer: SessionTimer
    elapsed_minutes: int  # since the start, breaks included
    break_minutes: int
    on_break_minutes: int | None  # minutes into the break under way
    continuous_minutes: int  # viewing since the last qualifying break, earlier sessions too
    break_due: bool
    break_due_at: dt.datetime | None
    after_cutoff: bool
    policy: PolicySettings

    @property
    def stopped(self) -> bool:
        return self.timer.stopped_at is not None


def timer_status(timer: SessionTimer, at: dt.datetime | None = None) -> TimerStatus:
    at = timer.stopped_at or at or clock.now()
    policy = policy_queries.current(timer.force_id)
    limits = policy.limits
    on_break = (
        int((at - timer.on_break_since).total_seconds() // 60) if timer.on_break_since else None
    )
    breaks = timer.break_seconds // 60 + (on_break or 0)
    # Viewing before this timer counts if it ended less than a break before the timer began.
    earlier = rules.time_used(
        timer.started_at,
        recent_viewing(timer.officer, timer.started_at),
        limits,
        False,
        policy.time_zone,
    )
    carried = earlier.continuous_minutes if timer.viewing_since == timer.started_at else 0
    viewing_end = timer.on_break_since or at
    continuous = carried + max(0, int((viewing_end - timer.viewing_since).total_seconds() // 60))
    due_in = limits.continuous_minutes - continuous
    cutoff_h, _, cutoff_m = limits.no_viewing_after.partition(":")
    local = at.astimezone(zone_of(policy))
    cutoff = local.replace(hour=int(cutoff_h), minute=int(cutoff_m), second=0, microsecond=0)
    return TimerStatus(
        timer=timer,
        elapsed_minutes=int((at - timer.started_at).total_seconds() // 60),
        break_minutes=breaks,
        on_break_minutes=on_break,
        continuous_minutes=continuous,
        break_due=on_break is None and due_in <= 0,
        break_due_at=None if on_break is not None else at + dt.timedelta(minutes=max(due_in, 0)),
        after_cutoff=local >= cutoff,
        policy=policy,
    )


def timer_of(officer: Person) -> SessionTimer | None:
    return SessionTimer.objects.filter(officer=officer).select_related("work_package").first()


# --- The team's week -------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRow:
    officer: Person
    sessions: int
    viewing_minutes: int
    break_minutes: int
    limit_breaches: int
    unexpected: int
    breach_codes: tuple[str, ...]

    @property
    def hours(self) -> float:
        return round(self.viewing_minutes / 60, 1)


@dataclass(frozen=True)
class Week:
    monday: dt.date
    rows: list[WeekRow]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def totals(self) -> dict[str, int]:
        names = ("sessions", "viewing_minutes", "break_minutes", "limit_breaches", "unexpected")
        return {n: sum(getattr(r, n) for r in self.rows) for n in names}


def team_week(officers: Sequence[Person], monday: dt.date, policy: PolicySettings) -> Week:
    """Each officer's viewing in the week from ``monday``: one query for all their sessions.

    Hours are viewing time (breaks taken off); limit breaches are recomputed from the
    sessions by the same rules that flag them.
    """
    start, end = day_bounds(monday, monday + dt.timedelta(days=6), policy)
    by_officer: dict[int, list[ExposureSession]] = defaultdict(list)
    for s in ExposureSession.objects.filter(
        officer_id__in=[o.pk for o in officers], started_at__gte=start, started_at__lt=end
    ).only(
        "officer_id",
        "started_at",
        "ended_at",
        "minutes",
        "break_minutes",
        "unexpected",
        "clearance_supervised",
    ):
        by_officer[s.officer_id].append(s)
    rows = []
    for officer in officers:
        mine = by_officer.get(officer.pk, [])
        supervised = any(s.clearance_supervised for s in mine)
        breaches = (
            rules.limit_breaches(_viewing(mine), policy.limits, supervised, policy.time_zone)
            if mine
            else []
        )
        rows.append(
            WeekRow(
                officer=officer,
                sessions=len(mine),
                viewing_minutes=sum(s.viewing_minutes for s in mine),
                break_minutes=sum(s.break_minutes for s in mine),
                limit_breaches=len(breaches),
                unexpected=sum(1 for s in mine if s.unexpected),
                breach_codes=tuple(dict.fromkeys(b.code for b in breaches)),
            )
        )
    return Week(monday, rows)


# --- Cases and work packages -----------------------------------------------------------------
#
# A case belongs to a team (DESIGN.md §5): its supervisors and the welfare lead see it, and
# every team once the welfare lead shares it. Whoever sees a case sees only the officers they
# may see on it: a supervisor their own team's and reports, the welfare lead everyone.


def teams_of_force(force_id: int) -> QuerySet[Team]:
    return Team.objects.filter(force_id=force_id).order_by("name")


def cases_visible_to(viewer: Viewer) -> QuerySet[Case]:
    """The cases the viewer may open: the welfare lead's force, a supervisor's own teams'
    and the shared ones; nothing for anyone else (look ids up here: anything else is 404)."""
    qs = Case.objects.filter(force_id=viewer.force_id)
    if viewer.role == Role.WELFARE_LEAD:
        return qs
    if viewer.role == Role.SUPERVISOR:
        return qs.filter(
            Q(team_id__in=team_ids_of(viewer.person, Role.SUPERVISOR)) | Q(shared=True)
        )
    return qs.none()


def manages_case(viewer: Viewer, case: Case) -> bool:
    """Whether the viewer may close the case or import into it: the welfare lead, or a
    supervisor of its own team (a shared case stays its team's to close)."""
    if case.force_id != viewer.force_id:
        return False
    if viewer.role == Role.WELFARE_LEAD:
        return True
    return viewer.role == Role.SUPERVISOR and case.team_id in team_ids_of(
        viewer.person, Role.SUPERVISOR
    )


def officers_seen_on_cases(viewer: Viewer) -> QuerySet[Person] | None:
    """The officers whose work on a case the viewer may see (None: everyone in the force)."""
    if viewer.role == Role.WELFARE_LEAD:
        return None
    if viewer.role != Role.SUPERVISOR:
        return Person.objects.none()
    in_teams = (
        RoleGrant.objects.current()
        .filter(role=Role.OFFICER, team_id__in=team_ids_of(viewer.person, Role.SUPERVISOR))
        .values("person_id")
    )
    reports = LineManagement.objects.current().filter(supervisor=viewer.person)
    return Person.objects.filter(
        Q(pk__in=in_teams) | Q(pk__in=reports.values("officer_id")), force_id=viewer.force_id
    )


def seen_on_cases(viewer: Viewer, people: Iterable[Person]) -> list[Person]:
    """Those of ``people`` the viewer may see on a case, in the order given."""
    people = list(people)
    seen = officers_seen_on_cases(viewer)
    if seen is None:
        return people
    ids = set(seen.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    return [p for p in people if p.pk in ids]


def _assignments_seen_by(viewer: Viewer) -> QuerySet[WorkPackageAssignment]:
    qs = WorkPackageAssignment.objects.select_related("officer")
    seen = officers_seen_on_cases(viewer)
    return qs if seen is None else qs.filter(officer__in=seen)


def cases_of(viewer: Viewer) -> QuerySet[Case]:
    """The cases the viewer may open, open first, with how many packages each has."""
    return (
        cases_visible_to(viewer)
        .annotate(package_count=Count("packages", distinct=True))
        .select_related("imported_by", "team")
        .order_by(F("closed_at").asc(nulls_first=True), "-imported_at", "-id")
    )


def cases_open_to(officer: Person) -> QuerySet[Case]:
    """Open cases an officer may log a session against: their teams', the shared ones, and
    those they hold a work package of."""
    teams = (
        RoleGrant.objects.current()
        .filter(person=officer, role=Role.OFFICER, team__isnull=False)
        .values("team_id")
    )
    return (
        Case.objects.filter(force_id=officer.force_id, closed_at__isnull=True)
        .filter(Q(team_id__in=teams) | Q(shared=True) | Q(packages__assignments__officer=officer))
        .distinct()
        .order_by("case_ref")
    )


def case_for(viewer: Viewer, case_id: int | None) -> Case | None:
    """The case if the viewer may open it, with its volumes and packages, and on each package
    only the assignments of officers the viewer may see."""
    if case_id is None:
        return None
    return (
        cases_visible_to(viewer)
        .filter(pk=case_id)
        .select_related("imported_by", "closed_by", "team", "shared_by")
        .prefetch_related(
            "volumes",
            Prefetch(
                "packages",
                queryset=WorkPackage.objects.select_related("created_by").prefetch_related(
                    Prefetch("assignments", queryset=_assignments_seen_by(viewer))
                ),
            ),
        )
        .first()
    )


def package_for(viewer: Viewer, package_id: int | None) -> WorkPackage | None:
    """The package if the viewer may open its case, with the assignments they may see."""
    if package_id is None:
        return None
    return (
        WorkPackage.objects.filter(case__in=cases_visible_to(viewer), pk=package_id)
        .select_related("case")
        .prefetch_related(Prefetch("assignments", queryset=_assignments_seen_by(viewer)))
        .first()
    )


def packages_of(officer: Person) -> QuerySet[WorkPackage]:
    """Work packages assigned to the officer, of cases still open, newest first."""
    return (
        WorkPackage.objects.filter(assignments__officer=officer, case__closed_at__isnull=True)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class VolumeRow:
    category: str
    label: str
    counts: list[int]  # per kind, in ``VolumeTable.kinds`` order
    total: int


@dataclass(frozen=True)
class VolumeTable:
    kinds: list[tuple[str, str]]
    rows: list[VolumeRow]
    totals: list[int]
    total: int


def volume_table(volumes: Iterable[CaseVolume]) -> VolumeTable:
    """A case's volume as a table: categories down, media kinds across (only kinds present)."""
    cells: dict[tuple[str, str], int] = {(v.category, v.kind): v.count for v in volumes}
    kinds = [(k, label) for k, label in KIND_CHOICES if any(c[1] == k for c in cells)]
    rows = []
    for category, label in CATEGORY_CHOICES:
        counts = [cells.get((category, k), 0) for k, _ in kinds]
        if any(counts):
            rows.append(VolumeRow(category, label, counts, sum(counts)))
    totals = [sum(r.counts[i] for r in rows) for i in range(len(kinds))]
    return VolumeTable(kinds, rows, totals, sum(totals))


def category_totals(case: Case) -> dict[str, int]:
    """Items per category in the case (all media kinds)."""
    totals: dict[str, int] = defaultdict(int)
    for v in case.volumes.all():
        totals[v.category] += v.count
    return dict(totals)


def case_by_id(force_id: int, case_id: int | None) -> Case | None:
    if case_id is None:
        return None
    return Case.objects.filter(force_id=force_id, pk=case_id).first()


def package_by_id(force_id: int, package_id: int | None) -> WorkPackage | None:
    if package_id is None:
        return None
    return (
        WorkPackage.objects.filter(force_id=force_id, pk=package_id).select_related("case").first()
    )


def package_label(package: WorkPackage) -> str:
    what = dict(CATEGORY_CHOICES)[package.category]
    return f"Case {package.case.case_ref}: {what} items ({package.item_count:,})"


def person_in_force(force_id: int, person_id: int) -> Person | None:
    return Person.objects.filter(force_id=force_id, pk=person_id).first()
