"""When check-ins fall due (pure rules)."""

from __future__ import annotations

import datetime as dt

from wellgate.calendar import add_months
from wellgate.checkins.rules import FULL_SET, Due, due_checkins

JOINED = dt.date(2025, 1, 6)


def due(today: dt.date, **last_done: dt.date) -> list[Due]:
    return due_checkins(
        last_done=last_done, joined_on=JOINED, today=today, pulse_weeks=2, full_months=3
    )


def test_a_new_joiner_is_due_everything_from_the_day_they_joined():
    assert due(JOINED) == [Due("pulse", ("pulse",), JOINED), Due("full", FULL_SET, JOINED)]


def test_the_pulse_falls_due_again_after_the_policy_weeks():
    done = {i: dt.date(2025, 2, 1) for i in ("pulse", *FULL_SET)}
    assert due(dt.date(2025, 2, 14), **done) == []
    assert due(dt.date(2025, 2, 15), **done) == [Due("pulse", ("pulse",), dt.date(2025, 2, 15))]


def test_the_full_set_falls_due_after_the_policy_months_only_for_what_is_old():
    done = {i: dt.date(2025, 1, 31) for i in FULL_SET} | {"pulse": dt.date(2025, 4, 29)}
    done["pcl5"] = dt.date(2025, 3, 1)
    assert due(dt.date(2025, 4, 29), **done) == []
    assert due(dt.date(2025, 4, 30), **done) == [
        Due("full", ("phq9", "gad7", "proqol5"), dt.date(2025, 4, 30))
    ]


def test_a_skip_counts_as_done_so_declining_brings_no_reminder():
    # The caller passes the later of the last check-in and the last skip as "done".
    assert (
        due(
            dt.date(2025, 3, 1),
            pulse=dt.date(2025, 2, 25),
            **{i: dt.date(2025, 2, 25) for i in FULL_SET},
        )
        == []
    )


def test_months_are_added_within_shorter_months():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)
