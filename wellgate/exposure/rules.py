"""Exposure as pure rules: categories, clearance checks, viewing limits, work packages.

Pure: no ORM and no clock. Times are aware datetimes; the force's time zone is passed by
name, and days, weeks and the latest viewing time are read in that zone.

Categories run C < B < A. Items not yet categorised and ``indecent_ungraded`` items may be
anything, so for clearance they count as Category A; ``not_indecent`` items count as nothing.

A session outside clearance is recorded all the same (DESIGN.md §5): ``within_clearance``
says *why* it was outside, and whether that makes it an unexpected exposure (a red flag and
a debrief). Limits are warned about before a session and reported after it; they never
refuse a record, because the record must match what happened.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from wellgate.calendar import zone_named
from wellgate.errors import Detail
from wellgate.policy import rules as policy_rules

# --- Categories ---------------------------------------------------------------------------

COUNT_KEYS: tuple[str, ...] = ("A", "B", "C", "indecent_ungraded", "uncategorised", "not_indecent")
# May be anything until graded, so they are treated as the most severe.
COUNTED_AS_A: tuple[str, ...] = ("indecent_ungraded", "uncategorised")
CATEGORY_LABELS: dict[str, str] = {
    "A": "Category A",
    "B": "Category B",
    "C": "Category C",
    "indecent_ungraded": "indecent but not yet graded (counted as Category A)",
    "uncategorised": "not yet categorised (counted as Category A)",
    "not_indecent": "not indecent",
}
MEDIA_LABELS: dict[str, str] = {
    "image": "images",
    "video": "video",
    "video_muted": "muted video",
    "video_audio": "video with sound",
    "text": "text such as chat logs",
    "audio": "audio",
}


def clearance_category(category: str | None) -> str | None:
    """The clearance category a grading needs: ``A``, ``B``, ``C`` or ``None`` (nothing)."""
    if category is None or category == "not_indecent":
        return None
    if category in COUNTED_AS_A:
        return "A"
    if category in policy_rules.CATEGORIES:
        return category
    raise ValueError(f"Unknown category {category!r}; use one of {', '.join(COUNT_KEYS)}.")


def category_rank(category: str | None) -> int:
    """0 for nothing or not indecent, then C 1, B 2, A 3 (ungraded and uncategorised: 3)."""
    return policy_rules.CATEGORY_RANK[clearance_category(category)]


def effective_category(counts: Mapping[str, int]) -> str | None:
    """The most severe clearance category among the items counted, or ``None``.

    Keys are ``COUNT_KEYS``; a zero count is ignored.
    """
    unknown = sorted(k for k in counts if k not in COUNT_KEYS)
    if unknown:
        raise ValueError(f"Unknown count keys {', '.join(unknown)}; use {', '.join(COUNT_KEYS)}.")
    if any(n < 0 for n in counts.values()):
        raise ValueError("Counts cannot be negative.")
    present = [clearance_category(k) for k, n in counts.items() if n > 0]
    return max(present, key=lambda c: policy_rules.CATEGORY_RANK[c], default=None)


def describe_category(category: str | None) -> str:
    """``"Category B"``; ``"nothing"`` for ``None``."""
    return "nothing" if category is None else CATEGORY_LABELS[category]


# --- Clearance ----------------------------------------------------------------------------


UNEXPECTED_CODES: tuple[str, ...] = ("exposure.above_category", "exposure.media_not_cleared")


@dataclass(frozen=True)
class ClearanceCheck:
    """A session compared with the clearance held at the time.

    ``unexpected``: material above the clearance was seen (a red flag and a debrief).
    ``supervised_session``: within clearance at a supervised stage with the mentor present,
    so it counts towards the pathway gate.
    """

    ok: bool
    reasons: tuple[Detail, ...]
    unexpected: bool
    supervised_session: bool

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def media_covered(kind: str, clearance_media: Iterable[str]) -> bool:
    """Whether a clearance covers a media kind.

    Video with sound covers muted video (the same pictures, less of them). ``video`` as read
    from a grading tool may have sound or not, and is covered by either video clearance: the
    officer can watch it muted.
    """
    cleared = set(clearance_media)
    if kind in cleared:
        return True
    if kind == "video_muted":
        return "video_audio" in cleared
    if kind == "video":
        return bool({"video_muted", "video_audio"} & cleared)
    return False


def _media_words(kinds: Iterable[str]) -> str:
    return ", ".join(MEDIA_LABELS.get(k, k) for k in kinds)


def within_clearance(
    max_category_seen: str | None,
    media_kinds: Iterable[str],
    clearance_max_category: str | None,
    clearance_media: Iterable[str],
    supervised_required: bool,
    mentor_present: bool,
) -> ClearanceCheck:
    """Compare what a session showed with the clearance held at the time.

    Codes: ``exposure.above_category``, ``exposure.media_not_cleared``,
    ``exposure.mentor_required``.
    """
    seen = clearance_category(max_category_seen)
    kinds = tuple(dict.fromkeys(media_kinds))
    cleared_media = tuple(clearance_media)
    viewed = seen is not None or bool(kinds)
    reasons: list[Detail] = []
    if category_rank(seen) > category_rank(clearance_max_category):
        allowed = (
            "allowed no viewing"
            if clearance_max_category is None
            else f"allowed up to Category {clearance_max_category}"
        )
        what = (
            f"material {describe_category(max_category_seen)}"
            if max_category_seen in COUNTED_AS_A
            else f"{describe_category(seen)} material"
        )
        reasons.append(
            Detail(
                "exposure.above_category",
                f"The session included {what}; the clearance at the time {allowed}.",
                "max_category",
            )
        )
    outside = tuple(k for k in kinds if not media_covered(k, cleared_media))
    if outside:
        reasons.append(
            Detail(
                "exposure.media_not_cleared",
                f"The session included {_media_words(outside)}, which the clearance at the "
                "time did not cover.",
                "media",
            )
        )
    if viewed and supervised_required and not mentor_present:
        reasons.append(
            Detail(
                "exposure.mentor_required",
                "This stage is worked with a mentor present, and no mentor was recorded for "
                "this session.",
                "mentor_present",
            )
        )
    unexpected = any(r.code in UNEXPECTED_CODES for r in reasons)
    return ClearanceCheck(
        ok=not reasons,
        reasons=tuple(reasons),
        unexpected=unexpected,
        supervised_session=(
            not reasons and supervised_required and mentor_present and seen is not None
        ),
    )


def work_package_check(
    package_category: str | None,
    package_kinds: Iterable[str],
    clearance_max_category: str | None,
    clearance_media: Iterable[str],
) -> list[Detail]:
    """Why a work package may not be assigned to an officer (empty: it may).

    ``package_category`` is the grading of the package's items (``uncategorised`` and
    ``indecent_ungraded`` need Category A). ``package_kinds`` are media kinds, including
    ``video`` as read from a grading tool.

    Codes: ``package.no_clearance``, ``package.above_category``, ``package.media_not_cleared``.
    """
    if clearance_max_category is None:
        return [
            Detail(
                "package.no_clearance",
                "The officer may not view any material at present, so no work package can be "
                "assigned to them.",
                "officer",
            )
        ]
    reasons: list[Detail] = []
    needed = clearance_category(package_category)
    if category_rank(needed) > category_rank(clearance_max_category):
        what = (
            f"items {describe_category(package_category)}"
            if package_category in COUNTED_AS_A
            else f"{describe_category(package_category)} items"
        )
        reasons.append(
            Detail(
                "package.above_category",
                f"The package holds {what}; the officer is cleared up to Category "
                f"{clearance_max_category}.",
                "officer",
            )
        )
    cleared_media = tuple(clearance_media)
    outside = tuple(k for k in dict.fromkeys(package_kinds) if not media_covered(k, cleared_media))
    if outside:
        reasons.append(
            Detail(
                "package.media_not_cleared",
                f"The package holds {_media_words(outside)}, which the officer's clearance does "
                "not cover.",
                "officer",
            )
        )
    return reasons


# --- Limits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewingSession:
    """A stretch of viewing: aware start and end, and the total minutes of breaks taken."""

    start: dt.datetime
    end: dt.datetime
    break_minutes: int = 0

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Session times must carry a time zone.")
        if self.end < self.start:
            raise ValueError("A session cannot end before it starts.")
        if self.break_minutes < 0:
            raise ValueError("Breaks cannot be negative.")
        if self.break_minutes > self.minutes:
            raise ValueError("Breaks cannot be longer than the session.")

    @property
    def minutes(self) -> int:
        """Whole minutes from start to end."""
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def viewing_minutes(self) -> int:
        """Minutes spent viewing: the session less its breaks."""
        return self.minutes - self.break_minutes


@dataclass(frozen=True)
class LimitWarning:
    """Said before a session: the limit it would cross."""

    code: str
    message: str


@dataclass(frozen=True)
class LimitBreach:
    """Found after the event: a limit crossed, on which local day, by how much, once by key."""

    code: str
    message: str
    day: dt.date
    minutes: int
    limit: int
    key: str


LIMIT_CODES: tuple[str, ...] = (
    "limit.continuous",
    "limit.daily",
    "limit.after_hours",
    "limit.weekly",
)


def _cutoff(limits: policy_rules.Limits) -> dt.time:
    hh, _, mm = limits.no_viewing_after.partition(":")
    return dt.time(int(hh), int(mm))


def daily_limit(limits: policy_rules.Limits, supervised: bool) -> int:
    """The day's viewing limit in minutes: lower at a supervised stage."""
    return limits.daily_minutes_supervised if supervised else limits.daily_minutes


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class _Block:
    """Sessions with no qualifying break between them: one stretch of continuous viewing."""

    start: dt.datetime
    end: dt.datetime
    viewing: int
    breaks: int  # qualifying breaks taken inside the sessions

    def allowed(self, limits: policy_rules.Limits) -> int:
        # Only the total of breaks is recorded, so assume they were well placed: k breaks
        # split the viewing into k + 1 stretches.
        return limits.continuous_minutes * (self.breaks + 1)


def _blocks(sessions: Sequence[ViewingSession], limits: policy_rules.Limits) -> list[_Block]:
    blocks: list[_Block] = []
    for s in sorted(sessions, key=lambda s: s.start):
        breaks = s.break_minutes // limits.break_minutes
        gap = dt.timedelta(minutes=limits.break_minutes)
        if blocks and s.start - blocks[-1].end < gap:
            last = blocks[-1]
            blocks[-1] = _Block(
                last.start,
                max(last.end, s.end),
                last.viewing + s.viewing_minutes,
                last.breaks + breaks,
            )
        else:
            blocks.append(_Block(s.start, s.end, s.viewing_minutes, breaks))
    return blocks


def _minutes_after_cutoff(s: ViewingSession, zone: zoneinfo.ZoneInfo, cutoff: dt.time) -> int:
    local_start = s.start.astimezone(zone)
    limit_at = dt.datetime.combine(local_start.date(), cutoff, tzinfo=zone)
    if s.end <= limit_at:
        return 0
    return int((s.end - max(s.start, limit_at)).total_seconds() // 60)


def limit_breaches(
    sessions: Sequence[ViewingSession],
    limits: policy_rules.Limits,
    supervised: bool,
    tz: str,
) -> list[LimitBreach]:
    """Every limit the sessions crossed, in order of day then code.

    - ``limit.continuous``: viewing longer than the continuous limit (60 minutes) without a
      qualifying break (15 minutes); sessions less than a break apart run together;
    - ``limit.daily``: a local day's viewing above the daily limit (240 minutes; 120 at a
      supervised stage); a session counts on the day it started;
    - ``limit.after_hours``: any viewing after the latest viewing time (16:00) of the day a
      session started;
    - ``limit.weekly``: a Monday-to-Sunday week's viewing above the weekly limit (1,200).

    ``key`` is unique per limit and day (per stretch for continuous viewing), so a breach
    found again is not flagged twice.
    """
    zone = zone_named(tz)
    cutoff = _cutoff(limits)
    found: list[LimitBreach] = []
    for block in _blocks(sessions, limits):
        if block.viewing > block.allowed(limits):
            start = block.start.astimezone(zone)
            found.append(
                LimitBreach(
                    "limit.continuous",
                    f"{block.viewing} minutes of viewing from {start:%H:%M} with "
                    f"{_breaks_words(block.breaks, limits)}; take a {limits.break_minutes}-minute "
                    f"break at least every {limits.continuous_minutes} minutes.",
                    start.date(),
                    block.viewing,
                    block.allowed(limits),
                    f"limit.continuous:{start:%Y-%m-%dT%H:%M}",
                )
            )
    per_day: dict[dt.date, int] = {}
    late: dict[dt.date, int] = {}
    per_week: dict[dt.date, int] = {}
    for s in sessions:
        day = s.start.astimezone(zone).date()
        per_day[day] = per_day.get(day, 0) + s.viewing_minutes
        per_week[_monday(day)] = per_week.get(_monday(day), 0) + s.viewing_minutes
        after = _minutes_after_cutoff(s, zone, cutoff)
        if after:
            late[day] = late.get(day, 0) + after
    day_limit = daily_limit(limits, supervised)
    for day, total in per_day.items():
        if total > day_limit:
            found.append(
                LimitBreach(
                    "limit.daily",
                    f"{total} minutes of viewing on {_day_words(day)}, above the daily limit of "
                    f"{day_limit} minutes{' at a supervised stage' if supervised else ''}.",
                    day,
                    total,
                    day_limit,
                    f"limit.daily:{day.isoformat()}",
                )
            )
    for day, minutes in late.items():
        found.append(
            LimitBreach(
                "limit.after_hours",
                f"{minutes} minutes of viewing after {limits.no_viewing_after} on "
                f"{_day_words(day)}; viewing stops at {limits.no_viewing_after}.",
                day,
                minutes,
                0,
                f"limit.after_hours:{day.isoformat()}",
            )
        )
    for monday, total in per_week.items():
        if total > limits.weekly_minutes:
            iso = monday.isocalendar()
            found.append(
                LimitBreach(
                    "limit.weekly",
                    f"{total} minutes of viewing in the week starting {_day_words(monday)}, "
                    f"above the weekly limit of {limits.weekly_minutes} minutes.",
                    monday,
                    total,
                    limits.weekly_minutes,
                    f"limit.weekly:{iso.year}-W{iso.week:02d}",
                )
            )
    return sorted(found, key=lambda b: (b.day, LIMIT_CODES.index(b.code), b.key))


@dataclass(frozen=True)
class TimeUsed:
    """An officer's viewing so far, as shown before a session starts."""

    today_minutes: int
    today_limit: int
    week_minutes: int
    week_limit: int
    continuous_minutes: int  # viewing since the last qualifying break, if still going
    continuous_allowed: int

    @property
    def today_left(self) -> int:
        return max(0, self.today_limit - self.today_minutes)

    @property
    def week_left(self) -> int:
        return max(0, self.week_limit - self.week_minutes)

    @property
    def break_due_in(self) -> int:
        """Minutes of viewing left before a break is due."""
        return max(0, self.continuous_allowed - self.continuous_minutes)


def time_used(
    at: dt.datetime,
    sessions: Sequence[ViewingSession],
    limits: policy_rules.Limits,
    supervised: bool,
    tz: str,
) -> TimeUsed:
    """Viewing so far on ``at``'s local day and week, and in the current stretch.

    Sessions that start at or after ``at`` are ignored.
    """
    if at.tzinfo is None:
        raise ValueError("The time must carry a time zone.")
    zone = zone_named(tz)
    day = at.astimezone(zone).date()
    before = [s for s in sessions if s.start < at]
    today = sum(s.viewing_minutes for s in before if s.start.astimezone(zone).date() == day)
    week = sum(
        s.viewing_minutes
        for s in before
        if _monday(s.start.astimezone(zone).date()) == _monday(day)
    )
    continuous, allowed = 0, limits.continuous_minutes
    blocks = _blocks(before, limits)
    if blocks and at - blocks[-1].end < dt.timedelta(minutes=limits.break_minutes):
        continuous, allowed = blocks[-1].viewing, blocks[-1].allowed(limits)
    return TimeUsed(
        today_minutes=today,
        today_limit=daily_limit(limits, supervised),
        week_minutes=week,
        week_limit=limits.weekly_minutes,
        continuous_minutes=continuous,
        continuous_allowed=allowed,
    )


def limit_warnings(
    planned_start: dt.datetime,
    planned_minutes: int,
    sessions: Sequence[ViewingSession],
    limits: policy_rules.Limits,
    supervised: bool,
    tz: str,
) -> list[LimitWarning]:
    """The limits a planned session would cross, given the sessions already recorded.

    Same codes as ``limit_breaches``. A warning never stops the session.
    """
    if planned_minutes < 0:
        raise ValueError("The planned length cannot be negative.")
    used = time_used(planned_start, sessions, limits, supervised, tz)
    zone = zone_named(tz)
    warnings: list[LimitWarning] = []
    if used.continuous_minutes + planned_minutes > used.continuous_allowed:
        if used.break_due_in == 0:
            text = (
                f"You have viewed for {used.continuous_minutes} minutes since your last break: "
                f"take a {limits.break_minutes}-minute break before you start."
            )
        else:
            text = (
                f"Take a {limits.break_minutes}-minute break after {used.break_due_in} "
                f"minutes of viewing."
            )
        warnings.append(LimitWarning("limit.continuous", text))
    if used.today_minutes + planned_minutes > used.today_limit:
        warnings.append(
            LimitWarning(
                "limit.daily",
                f"You have viewed for {used.today_minutes} minutes today; "
                + _left_words("daily", used.today_limit, used.today_left),
            )
        )
    local_start = planned_start.astimezone(zone)
    limit_at = dt.datetime.combine(local_start.date(), _cutoff(limits), tzinfo=zone)
    planned_end = planned_start + dt.timedelta(minutes=planned_minutes)
    if local_start >= limit_at:
        warnings.append(
            LimitWarning(
                "limit.after_hours",
                f"It is after {limits.no_viewing_after}: the policy is not to view material "
                "this late.",
            )
        )
    elif planned_end > limit_at:
        left = int((limit_at - planned_start).total_seconds() // 60)
        warnings.append(
            LimitWarning(
                "limit.after_hours",
                f"Stop by {limits.no_viewing_after}, in {left} minutes: the policy is not to "
                "view material later.",
            )
        )
    if used.week_minutes + planned_minutes > used.week_limit:
        warnings.append(
            LimitWarning(
                "limit.weekly",
                f"You have viewed for {used.week_minutes} minutes this week; "
                + _left_words("weekly", used.week_limit, used.week_left),
            )
        )
    return warnings


def _breaks_words(breaks: int, limits: policy_rules.Limits) -> str:
    if breaks == 0:
        return f"no {limits.break_minutes}-minute break"
    return f"{breaks} {limits.break_minutes}-minute break{'s' if breaks > 1 else ''}"


def _left_words(which: str, limit: int, left: int) -> str:
    if left == 0:
        return f"the {which} limit of {limit} minutes is already reached."
    return f"the {which} limit is {limit} minutes, so {left} are left."


def _day_words(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"
