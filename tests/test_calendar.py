"""The force calendar: zone, today, month arithmetic and working days (pure)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from wellgate import calendar
from wellgate.policy.rules import PolicySettings

LONDON = PolicySettings(time_zone="Europe/London")
UTC = dt.UTC
D = dt.date


def test_the_zone_comes_from_the_policy():
    assert calendar.zone_of(LONDON) == zoneinfo.ZoneInfo("Europe/London")


def test_an_unknown_zone_is_refused_by_name():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        calendar.zone_of(PolicySettings(time_zone="Mars/Olympus"))


def test_today_is_the_force_s_day_not_utc_s():
    # 23:30 UTC in British Summer Time is already the next day in London.
    late = dt.datetime(2027, 6, 14, 23, 30, tzinfo=UTC)
    assert calendar.today_for(LONDON, late) == D(2027, 6, 15)
    assert calendar.local_date(late, LONDON) == D(2027, 6, 15)
    assert calendar.today_for(PolicySettings(time_zone="UTC"), late) == D(2027, 6, 14)


def test_today_without_a_moment_reads_the_wellgate_clock():
    with time_machine.travel(dt.datetime(2027, 12, 31, 23, 59, tzinfo=UTC), tick=False):
        assert calendar.today_for(LONDON) == D(2027, 12, 31)
        assert calendar.now_in(LONDON).tzinfo == zoneinfo.ZoneInfo("Europe/London")


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        calendar.local_date(dt.datetime(2027, 6, 14, 12, 0), LONDON)


def test_the_start_of_a_day_is_local_midnight():
    start = calendar.start_of_day(D(2027, 6, 15), LONDON)
    assert start == dt.datetime(2027, 6, 14, 23, 0, tzinfo=UTC)
    assert calendar.local_date(start, LONDON) == D(2027, 6, 15)


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert calendar.add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert calendar.add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert calendar.add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)
    assert calendar.add_months(D(2027, 11, 15), 3) == D(2028, 2, 15)


def test_working_days_skip_the_nation_s_bank_holidays():
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March (not in Scotland).
    assert calendar.working_days_after(D(2027, 3, 25), 1, "england") == D(2027, 3, 30)
    assert calendar.working_days_after(D(2027, 3, 25), 1, "scotland") == D(2027, 3, 29)
    assert calendar.working_day_on_or_after(D(2027, 3, 27), "england") == D(2027, 3, 30)
    assert calendar.working_days_between(D(2027, 3, 25), D(2027, 3, 30), "england") == 1


@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    n=st.integers(min_value=0, max_value=30),
    nation=st.sampled_from(["england", "wales", "scotland", "northern_ireland"]),
)
def test_working_days_between_undoes_working_days_after(start: dt.date, n: int, nation: str):
    end = calendar.working_days_after(start, n, nation)
    assert calendar.working_days_between(start, end, nation) == n
