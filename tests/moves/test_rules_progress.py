"""The pure rules added for the pages: each step's status, and counts under the k rule."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from wellgate.aggregates import suppress_small, total_or_none
from wellgate.moves import rules
from wellgate.moves.rules import Progress
from wellgate.policy.rules import PolicySettings

D = dt.date
DEADLINES = rules.deadlines(D(2027, 3, 25), PolicySettings())  # 31 Mar, 12 Apr, 26 Apr


def statuses(progress: Progress, today: dt.date) -> list[str]:
    return [r.status for r in rules.stage_rows(DEADLINES, progress, today)]


def test_each_step_reads_due_overdue_done_or_done_late() -> None:
    assert statuses(Progress(), D(2027, 3, 26)) == ["due", "due", "due"]
    assert statuses(Progress(), D(2027, 4, 1)) == ["overdue", "due", "due"]
    late = Progress(acknowledged_on=D(2027, 4, 2))
    assert statuses(late, D(2027, 4, 2)) == ["done_late", "due", "due"]
    moved = Progress(
        acknowledged_on=D(2027, 3, 26), agreed_on=D(2027, 4, 1), moved_on=D(2027, 4, 20)
    )
    assert statuses(moved, D(2027, 5, 1)) == ["done", "done", "done"]


def test_a_withdrawn_request_needs_nothing_more() -> None:
    withdrawn = Progress(acknowledged_on=D(2027, 3, 26), withdrawn_on=D(2027, 3, 29))
    assert statuses(withdrawn, D(2027, 6, 1)) == ["done", "not_needed", "not_needed"]


def test_each_status_is_a_sentence_with_its_date() -> None:
    rows = rules.stage_rows(DEADLINES, Progress(acknowledged_on=D(2027, 4, 2)), D(2027, 4, 13))
    assert [r.sentence for r in rows] == [
        "Done on 2 April 2027, after the deadline",
        "Overdue: it was due by 12 April 2027",
        "Due by 26 April 2027",
    ]


def test_deadline_outcomes_for_leaders() -> None:
    late = Progress(acknowledged_on=D(2027, 4, 2))
    assert rules.deadline_outcome("acknowledge", DEADLINES, late, D(2027, 4, 3)) == "missed"
    assert rules.deadline_outcome("agree", DEADLINES, late, D(2027, 4, 3)) == "open"
    on_time = Progress(acknowledged_on=D(2027, 3, 30))
    assert rules.deadline_outcome("acknowledge", DEADLINES, on_time, D(2027, 4, 3)) == "met"


def test_small_cells_are_hidden_and_one_more_so_none_can_be_worked_out() -> None:
    assert suppress_small({"open": 5, "moved": 9, "withdrawn": 0}, 5) == {
        "open": None,
        "moved": 9,
        "withdrawn": None,
    }
    assert suppress_small({"a": 6, "b": 7, "c": 8}, 5) == {"a": 6, "b": 7, "c": 8}
    assert suppress_small({"a": 1, "b": 2}, 5) == {"a": None, "b": None}
    assert total_or_none({"a": 1, "b": 2}, 5) is None
    assert total_or_none({"a": 3, "b": 2}, 5) == 5


@given(
    counts=st.dictionaries(
        st.sampled_from(["met", "missed", "open", "x"]), st.integers(0, 30), min_size=1
    ),
    k=st.integers(2, 10),
)
def test_no_hidden_cell_can_be_recovered_from_the_total(counts: dict[str, int], k: int) -> None:
    shown = suppress_small(counts, k)
    hidden = [name for name, n in shown.items() if n is None]
    for name, n in shown.items():
        assert n is None or (n == counts[name] and n >= k)
    # Never exactly one hidden cell beside a shown total: subtraction would reveal it.
    if total_or_none(counts, k) is not None:
        assert len(hidden) != 1


def test_a_cell_about_fewer_than_k_people_is_hidden_however_many_requests() -> None:
    # One officer who asked six times is still one person.
    assert suppress_small({"withdrawn": 6, "open": 0}, 5, {"withdrawn": 1, "open": 0}) == {
        "withdrawn": None,
        "open": None,
    }
    assert total_or_none({"withdrawn": 6}, 5, people=1) is None
    assert suppress_small({"a": 6, "b": 5, "c": 9}, 5, {"a": 5, "b": 5, "c": 9}) == {
        "a": 6,
        "b": 5,
        "c": 9,
    }
