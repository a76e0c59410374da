from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellgate.errors import Refused
from wellgate.exposure import rules
from wellgate.exposure.rules import ViewingSession
from wellgate.policy.rules import CATEGORY_RANK, MEDIA_KINDS, Limits, default_stages

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC
TZ = "Europe/London"
LIMITS = Limits()
STAGES = {s.code: s for s in default_stages()}


def at(day: int, hh: int, mm: int = 0, month: int = 6) -> dt.datetime:
    """A London time in June 2027 (summer time: an hour ahead of UTC)."""
    return dt.datetime(2027, month, day, hh, mm, tzinfo=LONDON)


def session(day: int, start: str, end: str, breaks: int = 0) -> ViewingSession:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return ViewingSession(at(day, h1, m1), at(day, h2, m2), breaks)


def codes(found: list[rules.LimitBreach] | list[rules.LimitWarning]) -> list[str]:
    return [f.code for f in found]


def check_stage(
    stage: str, seen: str | None, media: tuple[str, ...], mentor: bool = True
) -> rules.ClearanceCheck:
    s = STAGES[stage]
    return rules.within_clearance(seen, media, s.max_category, s.media, s.supervised, mentor)


# --- Categories ---------------------------------------------------------------------------


def test_categories_rank_from_c_to_a() -> None:
    assert [rules.category_rank(c) for c in (None, "C", "B", "A")] == [0, 1, 2, 3]


def test_ungraded_and_uncategorised_rank_as_category_a() -> None:
    assert rules.category_rank("indecent_ungraded") == rules.category_rank("A")
    assert rules.category_rank("uncategorised") == rules.category_rank("A")
    assert rules.category_rank("not_indecent") == 0


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.category_rank("D")


def test_the_effective_category_is_the_most_severe_counted() -> None:
    assert rules.effective_category({"C": 3, "B": 0}) == "C"
    assert rules.effective_category({"C": 3, "B": 1}) == "B"
    assert rules.effective_category({"C": 5, "uncategorised": 1}) == "A"
    assert rules.effective_category({"indecent_ungraded": 2}) == "A"
    assert rules.effective_category({"not_indecent": 10}) is None
    assert rules.effective_category({}) is None


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="E"):
        rules.effective_category({"E": 1})
    with pytest.raises(ValueError):
        rules.effective_category({"C": -1})


@given(st.dictionaries(st.sampled_from(rules.COUNT_KEYS), st.integers(0, 5)))
def test_the_effective_category_ranks_as_the_highest_key_counted(counts: dict[str, int]) -> None:
    expected = max((rules.category_rank(k) for k, n in counts.items() if n), default=0)
    assert CATEGORY_RANK[rules.effective_category(counts)] == expected


# --- Clearance ----------------------------------------------------------------------------


def test_a_category_c_session_with_the_mentor_counts_as_a_supervised_session() -> None:
    check = check_stage("cat_c", "C", ("image",))
    assert check.ok
    assert check.reasons == ()
    assert check.supervised_session
    assert not check.unexpected


def test_material_above_clearance_is_unexpected() -> None:
    check = check_stage("cat_c", "B", ("image",))
    assert check.codes == ("exposure.above_category",)
    assert check.unexpected
    assert not check.supervised_session
    assert check.reasons[0].message == (
        "The session included Category B material; the clearance at the time allowed up to "
        "Category C."
    )


def test_uncategorised_material_counts_as_category_a() -> None:
    check = check_stage("cat_b", "uncategorised", ("image",))
    assert check.codes == ("exposure.above_category",)
    assert "counted as Category A" in check.reasons[0].message
    assert check_stage("cat_a", "indecent_ungraded", ("image",)).ok


def test_not_indecent_material_needs_no_clearance() -> None:
    check = check_stage("cat_c", "not_indecent", ("image",))
    assert check.ok
    assert not check.supervised_session


def test_viewing_with_no_clearance_says_so() -> None:
    check = rules.within_clearance("C", ("image",), None, (), False, False)
    assert check.unexpected
    assert check.reasons[0].message.endswith("the clearance at the time allowed no viewing.")


def test_media_outside_clearance_is_unexpected() -> None:
    check = check_stage("cat_b", "B", ("image", "video_audio"))
    assert check.codes == ("exposure.media_not_cleared",)
    assert check.unexpected
    assert "video with sound" in check.reasons[0].message


def test_a_clearance_for_video_with_sound_covers_muted_video() -> None:
    assert rules.media_covered("video_muted", ("video_audio",))
    assert not rules.media_covered("video_audio", ("video_muted",))
    assert rules.media_covered("video", ("video_muted",))
    assert not rules.media_covered("video", ("image",))


def test_a_supervised_stage_without_the_mentor_is_noted_but_not_unexpected() -> None:
    check = check_stage("cat_c", "C", ("image",), mentor=False)
    assert check.codes == ("exposure.mentor_required",)
    assert not check.ok
    assert not check.unexpected
    assert not check.supervised_session


def test_an_independent_officer_views_alone_and_it_is_not_a_supervised_session() -> None:
    check = check_stage("independent", "A", MEDIA_KINDS, mentor=False)
    assert check.ok
    assert not check.supervised_session


def test_several_reasons_are_all_given() -> None:
    check = check_stage("cat_c", "A", ("video_audio",), mentor=False)
    assert check.codes == (
        "exposure.above_category",
        "exposure.media_not_cleared",
        "exposure.mentor_required",
    )


@given(
    seen=st.sampled_from([None, *rules.COUNT_KEYS]),
    media=st.lists(st.sampled_from(MEDIA_KINDS), max_size=3),
    stage=st.sampled_from(sorted(STAGES)),
)
def test_a_session_is_within_clearance_exactly_when_category_and_media_are_covered(
    seen: str | None, media: list[str], stage: str
) -> None:
    s = STAGES[stage]
    check = rules.within_clearance(seen, media, s.max_category, s.media, s.supervised, True)
    covered = rules.category_rank(seen) <= rules.category_rank(s.max_category) and all(
        rules.media_covered(m, s.media) for m in media
    )
    assert check.ok == covered
    assert check.unexpected == (not covered)


# --- Work packages ------------------------------------------------------------------------


def package(stage: str, category: str | None, kinds: tuple[str, ...]) -> list[str]:
    s = STAGES[stage]
    return [r.code for r in rules.work_package_check(category, kinds, s.max_category, s.media)]


def test_a_category_c_package_can_go_to_a_category_c_officer() -> None:
    assert package("cat_c", "C", ("image",)) == []


def test_a_package_above_clearance_is_refused_with_the_reason() -> None:
    assert package("cat_c", "A", ("image",)) == ["package.above_category"]
    [reason] = rules.work_package_check("A", ("image",), "C", ("image",))
    assert reason.message == (
        "The package holds Category A items; the officer is cleared up to Category C."
    )


def test_a_package_of_uncategorised_items_needs_category_a() -> None:
    assert package("cat_b", "uncategorised", ("image",)) == ["package.above_category"]
    assert package("cat_a", "uncategorised", ("image",)) == []


def test_imported_video_needs_a_video_clearance() -> None:
    assert package("cat_c", "C", ("image", "video")) == ["package.media_not_cleared"]
    assert package("cat_b", "C", ("image", "video")) == []


def test_an_officer_with_no_clearance_gets_no_package() -> None:
    assert package("induction", "not_indecent", ("image",)) == ["package.no_clearance"]
    assert package("cat_c", "not_indecent", ("image",)) == []


def test_exposure_refused_carries_its_reasons() -> None:
    reasons = rules.work_package_check("A", ("video",), "C", ("image",))
    error = Refused(reasons)
    assert [r.code for r in error.details] == [
        "package.above_category",
        "package.media_not_cleared",
    ]


# --- Sessions -----------------------------------------------------------------------------


def test_a_session_needs_aware_times_and_sensible_breaks() -> None:
    with pytest.raises(ValueError):
        ViewingSession(dt.datetime(2027, 6, 14, 9), dt.datetime(2027, 6, 14, 10))
    with pytest.raises(ValueError):
        ViewingSession(at(14, 10), at(14, 9))
    with pytest.raises(ValueError):
        ViewingSession(at(14, 9), at(14, 10), 61)
    assert ViewingSession(at(14, 9), at(14, 10), 15).viewing_minutes == 45


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.limit_breaches([], LIMITS, False, "Europe/Atlantis")


# --- Limits after the event ---------------------------------------------------------------


def test_an_hour_of_viewing_is_within_every_limit() -> None:
    assert rules.limit_breaches([session(14, "09:00", "10:00")], LIMITS, False, TZ) == []


def test_more_than_an_hour_without_a_break_is_a_breach() -> None:
    [breach] = rules.limit_breaches([session(14, "09:00", "10:05")], LIMITS, False, TZ)
    assert breach.code == "limit.continuous"
    assert breach.minutes == 65
    assert breach.limit == 60
    assert breach.key == "limit.continuous:2027-06-14T09:00"
    assert breach.message == (
        "65 minutes of viewing from 09:00 with no 15-minute break; take a 15-minute break at "
        "least every 60 minutes."
    )


def test_a_fifteen_minute_break_allows_another_hour() -> None:
    assert rules.limit_breaches([session(14, "09:00", "11:00", 15)], LIMITS, False, TZ) == []
    found = rules.limit_breaches([session(14, "09:00", "11:30", 15)], LIMITS, False, TZ)
    assert codes(found) == ["limit.continuous"]


def test_sessions_less_than_a_break_apart_run_together() -> None:
    close = [session(14, "09:00", "09:40"), session(14, "09:50", "10:20")]
    assert codes(rules.limit_breaches(close, LIMITS, False, TZ)) == ["limit.continuous"]
    apart = [session(14, "09:00", "09:40"), session(14, "09:55", "10:35")]
    assert rules.limit_breaches(apart, LIMITS, False, TZ) == []


def four_hours(day: int) -> list[ViewingSession]:
    return [
        session(day, "08:00", "09:00"),
        session(day, "09:15", "10:15"),
        session(day, "10:30", "11:30"),
        session(day, "11:45", "12:45"),
    ]


def test_four_hours_a_day_is_the_limit_and_two_at_a_supervised_stage() -> None:
    assert rules.limit_breaches(four_hours(14), LIMITS, False, TZ) == []
    [breach] = rules.limit_breaches(four_hours(14), LIMITS, True, TZ)
    assert breach.code == "limit.daily"
    assert (breach.minutes, breach.limit, breach.day) == (240, 120, dt.date(2027, 6, 14))
    assert breach.key == "limit.daily:2027-06-14"
    assert breach.message == (
        "240 minutes of viewing on Monday 14 June 2027, above the daily limit of 120 minutes "
        "at a supervised stage."
    )
    more = [*four_hours(14), session(14, "13:00", "13:30")]
    assert codes(rules.limit_breaches(more, LIMITS, False, TZ)) == ["limit.daily"]


def test_viewing_after_four_in_the_afternoon_is_read_in_local_time() -> None:
    # 14:30 to 15:10 UTC is 15:30 to 16:10 in London in June.
    late = ViewingSession(
        dt.datetime(2027, 6, 14, 14, 30, tzinfo=UTC), dt.datetime(2027, 6, 14, 15, 10, tzinfo=UTC)
    )
    [breach] = rules.limit_breaches([late], LIMITS, False, TZ)
    assert breach.code == "limit.after_hours"
    assert breach.minutes == 10
    assert breach.key == "limit.after_hours:2027-06-14"
    on_time = ViewingSession(
        dt.datetime(2027, 6, 14, 14, 30, tzinfo=UTC), dt.datetime(2027, 6, 14, 15, 0, tzinfo=UTC)
    )
    assert rules.limit_breaches([on_time], LIMITS, False, TZ) == []

    # In winter London is on UTC: the same times are fine, and 16:00 UTC is the limit.
    def january(hh: int, mm: int) -> dt.datetime:
        return dt.datetime(2027, 1, 11, hh, mm, tzinfo=UTC)

    assert (
        rules.limit_breaches([ViewingSession(january(14, 30), january(15, 10))], LIMITS, False, TZ)
        == []
    )
    [winter] = rules.limit_breaches(
        [ViewingSession(january(15, 30), january(16, 10))], LIMITS, False, TZ
    )
    assert (winter.code, winter.minutes) == ("limit.after_hours", 10)


def test_twenty_hours_a_week_is_the_limit_monday_to_sunday() -> None:
    week = [s for day in range(14, 19) for s in four_hours(day)]  # Monday to Friday
    assert rules.limit_breaches(week, LIMITS, False, TZ) == []
    sunday = session(20, "10:00", "11:00")
    [breach] = rules.limit_breaches([*week, sunday], LIMITS, False, TZ)
    assert breach.code == "limit.weekly"
    assert (breach.minutes, breach.limit, breach.day) == (1260, 1200, dt.date(2027, 6, 14))
    assert breach.key == "limit.weekly:2027-W24"
    next_monday = session(21, "10:00", "11:00")
    assert rules.limit_breaches([*week, next_monday], LIMITS, False, TZ) == []


def test_breaches_are_the_same_each_time_they_are_worked_out() -> None:
    sessions = [session(14, "15:00", "17:30"), *four_hours(15)]
    first = rules.limit_breaches(sessions, LIMITS, True, TZ)
    assert first == rules.limit_breaches(list(reversed(sessions)), LIMITS, True, TZ)
    assert codes(first) == [
        "limit.continuous",
        "limit.daily",
        "limit.after_hours",
        "limit.daily",
    ]
    assert len({b.key for b in first}) == len(first)


def test_limits_follow_the_policy() -> None:
    strict = Limits(continuous_minutes=30, break_minutes=10, no_viewing_after="15:00")
    found = rules.limit_breaches([session(14, "14:30", "15:15")], strict, False, TZ)
    assert codes(found) == ["limit.continuous", "limit.after_hours"]


@given(
    day=st.integers(min_value=14, max_value=18),
    start_minute=st.integers(min_value=8 * 60, max_value=14 * 60),
    minutes=st.integers(min_value=0, max_value=60),
    supervised=st.booleans(),
)
def test_a_single_hour_in_working_hours_never_breaches(
    day: int, start_minute: int, minutes: int, supervised: bool
) -> None:
    start = at(day, start_minute // 60, start_minute % 60)
    one = ViewingSession(start, start + dt.timedelta(minutes=minutes))
    assert rules.limit_breaches([one], LIMITS, supervised, TZ) == []


@given(minutes=st.integers(min_value=61, max_value=400), breaks=st.integers(0, 14))
def test_over_an_hour_without_a_full_break_always_breaches(minutes: int, breaks: int) -> None:
    start = at(14, 8)
    found = rules.limit_breaches(
        [ViewingSession(start, start + dt.timedelta(minutes=minutes + breaks), breaks)],
        LIMITS,
        False,
        TZ,
    )
    assert "limit.continuous" in codes(found)


# --- Warnings before a session ------------------------------------------------------------


def test_a_long_session_is_warned_to_take_a_break() -> None:
    [warning] = rules.limit_warnings(at(14, 9), 90, [], LIMITS, False, TZ)
    assert warning.code == "limit.continuous"
    assert warning.message == "Take a 15-minute break after 60 minutes of viewing."


def test_starting_straight_after_an_hour_is_warned_to_break_first() -> None:
    [warning] = rules.limit_warnings(
        at(14, 10, 5), 30, [session(14, "09:00", "10:00")], LIMITS, False, TZ
    )
    assert warning.code == "limit.continuous"
    assert warning.message.endswith("take a 15-minute break before you start.")
    assert (
        rules.limit_warnings(at(14, 10, 15), 30, [session(14, "09:00", "10:00")], LIMITS, False, TZ)
        == []
    )


def test_a_session_running_past_four_is_warned() -> None:
    [warning] = rules.limit_warnings(at(14, 15, 30), 60, [], LIMITS, False, TZ)
    assert warning.code == "limit.after_hours"
    assert warning.message == (
        "Stop by 16:00, in 30 minutes: the policy is not to view material later."
    )
    [late] = rules.limit_warnings(at(14, 16, 30), 10, [], LIMITS, False, TZ)
    assert late.code == "limit.after_hours"
    assert rules.limit_warnings(at(14, 15, 30), 30, [], LIMITS, False, TZ) == []


def test_the_daily_limit_is_warned_with_the_time_left() -> None:
    done = four_hours(14)[:3]  # 180 minutes
    warnings = rules.limit_warnings(at(14, 13), 60, done, LIMITS, True, TZ)
    assert codes(warnings) == ["limit.daily"]
    assert warnings[0].message == (
        "You have viewed for 180 minutes today; the daily limit of 120 minutes is already reached."
    )
    assert rules.limit_warnings(at(14, 13), 60, done, LIMITS, False, TZ) == []
    [warning] = rules.limit_warnings(at(14, 13), 61, done, LIMITS, False, TZ)[1:]
    assert warning.message == (
        "You have viewed for 180 minutes today; the daily limit is 240 minutes, so 60 are left."
    )


def test_the_weekly_limit_is_warned() -> None:
    week = [s for day in range(14, 19) for s in four_hours(day)]  # 1,200 minutes
    assert rules.limit_warnings(at(19, 10), 0, week, LIMITS, False, TZ) == []
    [warning] = rules.limit_warnings(at(19, 10), 30, week, LIMITS, False, TZ)
    assert warning.code == "limit.weekly"
    assert warning.message == (
        "You have viewed for 1200 minutes this week; the weekly limit of 1200 minutes is "
        "already reached."
    )
    assert rules.limit_warnings(at(21, 10), 30, week, LIMITS, False, TZ) == []


def test_time_used_shows_the_day_and_the_week_so_far() -> None:
    sessions = [*four_hours(14), session(15, "09:00", "09:50")]
    used = rules.time_used(at(15, 9, 55), sessions, LIMITS, False, TZ)
    assert (used.today_minutes, used.today_left) == (50, 190)
    assert (used.week_minutes, used.week_left) == (290, 910)
    assert used.break_due_in == 10
    later = rules.time_used(at(15, 11), sessions, LIMITS, False, TZ)
    assert later.break_due_in == 60


def test_a_planned_time_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError):
        rules.limit_warnings(dt.datetime(2027, 6, 14, 9), 30, [], LIMITS, False, TZ)
