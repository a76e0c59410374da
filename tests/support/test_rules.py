from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellgate import calendar
from wellgate.errors import Refused
from wellgate.policy.rules import NATIONS, Escalation, PolicySettings
from wellgate.support import rules
from wellgate.support.rules import ObligationRecord, ObligationState, Planned

D = dt.date
ENGLAND = PolicySettings()
SCOTLAND = PolicySettings(nation="scotland")

nations = st.sampled_from(sorted(NATIONS))
dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


def record(
    kind: str,
    due_on: dt.date,
    state: ObligationState = "due",
    *,
    key: str | None = None,
    done_on: dt.date | None = None,
    rescheduled_to: dt.date | None = None,
) -> ObligationRecord:
    return ObligationRecord(
        kind=kind,
        due_on=due_on,
        state=state,
        key=key or f"{kind}:{due_on.isoformat()}",
        done_on=done_on,
        rescheduled_to=rescheduled_to,
    )


def stored(planned: list[Planned]) -> list[ObligationRecord]:
    return [record(p.kind, p.due_on, key=p.key) for p in planned]


# --- Working days -------------------------------------------------------------------------


def test_good_friday_and_easter_monday_are_skipped_in_england() -> None:
    # Thursday 25 March 2027; Good Friday 26, Easter Monday 29.
    assert calendar.working_days_after(D(2027, 3, 25), 1, "england") == D(2027, 3, 30)
    assert calendar.working_days_after(D(2027, 3, 25), 3, "england") == D(2027, 4, 1)


def test_scotland_works_on_easter_monday() -> None:
    assert calendar.working_days_after(D(2027, 3, 25), 1, "scotland") == D(2027, 3, 29)


def test_wales_keeps_the_english_easter_holidays() -> None:
    assert calendar.working_days_after(D(2027, 3, 25), 1, "wales") == D(2027, 3, 30)


def test_christmas_and_boxing_day_substitute_days_are_skipped() -> None:
    # 2027: Christmas on a Saturday, Boxing Day on a Sunday; substitutes Monday and Tuesday.
    assert calendar.working_days_after(D(2027, 12, 24), 1, "england") == D(2027, 12, 29)
    # 2022: Christmas on a Sunday; Boxing Day Monday 26, the substitute Tuesday 27.
    assert calendar.working_days_after(D(2022, 12, 23), 1, "england") == D(2022, 12, 28)
    assert not calendar.is_working_day(D(2022, 12, 27), "scotland")


def test_second_of_january_is_a_holiday_only_in_scotland() -> None:
    assert calendar.working_days_after(D(2025, 12, 31), 1, "england") == D(2026, 1, 2)
    assert calendar.working_days_after(D(2025, 12, 31), 1, "scotland") == D(2026, 1, 5)


def test_st_andrews_day_is_a_holiday_only_in_scotland() -> None:
    # Monday 30 November 2026.
    assert calendar.working_days_after(D(2026, 11, 27), 1, "england") == D(2026, 11, 30)
    assert calendar.working_days_after(D(2026, 11, 27), 1, "scotland") == D(2026, 12, 1)


def test_st_patricks_day_is_a_holiday_only_in_northern_ireland() -> None:
    assert calendar.working_days_after(D(2027, 3, 16), 1, "northern_ireland") == D(2027, 3, 18)
    assert calendar.working_days_after(D(2027, 3, 16), 1, "england") == D(2027, 3, 17)


def test_a_weekend_start_counts_from_monday() -> None:
    assert calendar.working_days_after(D(2027, 6, 12), 1, "england") == D(2027, 6, 14)


def test_zero_working_days_after_is_the_start_itself() -> None:
    assert calendar.working_days_after(D(2027, 3, 27), 0, "england") == D(2027, 3, 27)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError):
        calendar.working_days_after(D(2027, 3, 25), -1, "england")


def test_an_unknown_nation_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="england"):
        calendar.is_working_day(D(2027, 3, 25), "cornwall")


def test_working_days_between_counts_over_easter() -> None:
    assert calendar.working_days_between(D(2027, 3, 25), D(2027, 3, 31), "england") == 2
    assert calendar.working_days_between(D(2027, 3, 25), D(2027, 3, 31), "scotland") == 3
    assert calendar.working_days_between(D(2027, 3, 31), D(2027, 3, 25), "england") == -2
    assert calendar.working_days_between(D(2027, 3, 25), D(2027, 3, 25), "england") == 0


def test_working_day_on_or_after_keeps_a_working_day_and_skips_a_holiday() -> None:
    assert calendar.working_day_on_or_after(D(2027, 3, 25), "england") == D(2027, 3, 25)
    assert calendar.working_day_on_or_after(D(2027, 3, 26), "england") == D(2027, 3, 30)


@given(start=dates, n=st.integers(min_value=1, max_value=40), nation=nations)
def test_working_days_after_lands_on_a_working_day_strictly_after_the_start(
    start: dt.date, n: int, nation: str
) -> None:
    end = calendar.working_days_after(start, n, nation)
    assert end > start
    assert calendar.is_working_day(end, nation)
    assert calendar.working_days_between(start, end, nation) == n
    assert calendar.working_days_after(start, n + 1, nation) > end


@given(a=dates, b=dates, nation=nations)
def test_working_days_between_is_antisymmetric(a: dt.date, b: dt.date, nation: str) -> None:
    assert calendar.working_days_between(a, b, nation) == -calendar.working_days_between(
        b, a, nation
    )


# --- Month arithmetic ---------------------------------------------------------------------


def test_adding_a_month_to_the_31st_of_january_clamps_to_february() -> None:
    assert calendar.add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert calendar.add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert calendar.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert calendar.add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert calendar.add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)


@given(day=dates, months=st.integers(min_value=-60, max_value=60))
def test_add_months_moves_exactly_that_many_months_and_never_past_the_day(
    day: dt.date, months: int
) -> None:
    moved = calendar.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day
    if moved.day < day.day:  # clamped: it is the last day of its month
        assert (moved + dt.timedelta(days=1)).day == 1


# --- Planning obligations -----------------------------------------------------------------


def test_a_new_joiner_gets_each_cadence_obligation_at_its_first_date() -> None:
    joined = D(2027, 1, 4)
    planned = rules.plan_obligations(joined, [], ENGLAND, joined)
    assert {p.kind: p.due_on for p in planned} == {
        "psych_assessment": D(2027, 7, 4),
        "one_to_one": D(2027, 2, 1),
        "welfare_day": D(2027, 4, 4),
        "workload_review": D(2027, 2, 1),
        "structured_review": D(2027, 4, 4),
    }
    assert {p.key for p in planned} >= {"psych_assessment:2027-07-04", "one_to_one:2027-02-01"}


def test_the_still_right_review_waits_for_the_horizon() -> None:
    joined = D(2027, 1, 4)
    far = rules.plan_obligations(joined, [], ENGLAND, joined, horizon_days=3 * 366)
    assert [p.due_on for p in far if p.kind == "still_right_review"] == [D(2030, 1, 4)]
    near = rules.plan_obligations(joined, [], ENGLAND, D(2029, 7, 1))
    assert [p.due_on for p in near if p.kind == "still_right_review"] == [D(2030, 1, 4)]


def test_planning_again_over_what_was_planned_plans_nothing() -> None:
    joined = D(2027, 1, 4)
    planned = rules.plan_obligations(joined, [], ENGLAND, joined)
    assert rules.plan_obligations(joined, stored(planned), ENGLAND, joined) == []
    assert rules.plan_obligations(joined, stored(planned), ENGLAND, D(2027, 3, 1)) == []


def test_nothing_is_planned_while_one_of_the_kind_is_outstanding() -> None:
    joined = D(2027, 1, 4)
    due = record("one_to_one", D(2027, 2, 1))
    moved = record("one_to_one", D(2027, 2, 1), "rescheduled", rescheduled_to=D(2027, 2, 8))
    for history in ([due], [moved]):
        assert rules.next_due("one_to_one", joined, history, ENGLAND, D(2027, 2, 20)) == []


def test_the_next_one_counts_from_the_day_the_last_was_done() -> None:
    done = record("one_to_one", D(2027, 2, 1), "done", done_on=D(2027, 2, 10))
    assert rules.next_due("one_to_one", D(2027, 1, 4), [done], ENGLAND, D(2027, 2, 10)) == [
        Planned("one_to_one", D(2027, 3, 10), "one_to_one:2027-03-10")
    ]


def test_a_missed_one_counts_from_its_due_date() -> None:
    missed = record("psych_assessment", D(2027, 7, 4), "missed")
    assert rules.next_due("psych_assessment", D(2027, 1, 4), [missed], ENGLAND, D(2027, 8, 1)) == [
        Planned("psych_assessment", D(2028, 1, 4), "psych_assessment:2028-01-04")
    ]


def test_a_missed_rescheduled_one_counts_from_its_new_date() -> None:
    missed = record("welfare_day", D(2027, 4, 4), "missed", rescheduled_to=D(2027, 4, 20))
    [planned] = rules.next_due("welfare_day", D(2027, 1, 4), [missed], ENGLAND, D(2027, 4, 21))
    assert planned.due_on == D(2027, 7, 20)


def test_cadences_follow_the_policy() -> None:
    policy = replace(ENGLAND, cadences=replace(ENGLAND.cadences, one_to_one_weeks=2))
    [planned] = rules.next_due("one_to_one", D(2027, 1, 4), [], policy, D(2027, 1, 4))
    assert planned.due_on == D(2027, 1, 18)


def test_structured_reviews_fall_at_three_and_six_months_then_yearly() -> None:
    joined = D(2027, 1, 31)
    history: list[ObligationRecord] = []
    dues = []
    today = joined
    for _ in range(4):
        [planned] = rules.next_due("structured_review", joined, history, ENGLAND, today)
        dues.append(planned.due_on)
        history.append(record("structured_review", planned.due_on, "done", done_on=planned.due_on))
        today = planned.due_on
    # 31 January + 3 months clamps to 30 April.
    assert dues == [D(2027, 4, 30), D(2027, 7, 31), D(2028, 7, 31), D(2029, 7, 31)]


def test_a_late_three_month_review_still_leaves_the_six_month_one_in_place() -> None:
    late = record("structured_review", D(2027, 4, 30), "done", done_on=D(2027, 5, 20))
    [planned] = rules.next_due("structured_review", D(2027, 1, 31), [late], ENGLAND, D(2027, 5, 20))
    assert planned.due_on == D(2027, 7, 31)


def test_the_still_right_review_comes_every_three_years() -> None:
    joined = D(2027, 1, 4)
    [first] = rules.next_due("still_right_review", joined, [], ENGLAND, joined)
    assert first.due_on == D(2030, 1, 4)
    done = record("still_right_review", first.due_on, "done", done_on=D(2030, 1, 10))
    [second] = rules.next_due("still_right_review", joined, [done], ENGLAND, D(2030, 1, 10))
    assert second.due_on == D(2033, 1, 10)


def test_six_monthly_assessments_clamp_at_the_end_of_february() -> None:
    [planned] = rules.next_due("psych_assessment", D(2027, 8, 31), [], ENGLAND, D(2027, 8, 31))
    assert planned.due_on == D(2028, 2, 29)
    [planned] = rules.next_due("psych_assessment", D(2026, 8, 31), [], ENGLAND, D(2026, 8, 31))
    assert planned.due_on == D(2027, 2, 28)


def test_an_officer_added_late_is_not_planned_into_the_past() -> None:
    joined, today = D(2025, 1, 6), D(2027, 3, 1)
    planned = rules.plan_obligations(joined, [], ENGLAND, today)
    assert {p.kind for p in planned} == {
        "psych_assessment",
        "one_to_one",
        "welfare_day",
        "workload_review",
        "structured_review",
    }
    assert all(p.due_on == today for p in planned)


def test_after_catching_up_the_structured_review_becomes_yearly() -> None:
    joined, today = D(2025, 1, 6), D(2027, 3, 1)
    done = record("structured_review", today, "done", done_on=today)
    [planned] = rules.next_due("structured_review", joined, [done], ENGLAND, today)
    assert planned.due_on == D(2028, 3, 1)


def test_one_done_early_does_not_reuse_its_key() -> None:
    early = record(
        "one_to_one", D(2027, 3, 1), "done", done_on=D(2027, 2, 1), key="one_to_one:2027-03-01"
    )
    [planned] = rules.next_due("one_to_one", D(2027, 1, 4), [early], ENGLAND, D(2027, 2, 1))
    assert planned.due_on == D(2027, 3, 1)
    assert planned.key == "one_to_one:2027-03-01#2"
    again = [early, record("one_to_one", planned.due_on, key=planned.key)]
    assert rules.next_due("one_to_one", D(2027, 1, 4), again, ENGLAND, D(2027, 2, 1)) == []


def test_a_debrief_is_not_planned_from_a_cadence() -> None:
    with pytest.raises(ValueError):
        rules.next_due("debrief", D(2027, 1, 4), [], ENGLAND, D(2027, 1, 4))
    planned = rules.plan_obligations(D(2027, 1, 4), [], ENGLAND, D(2027, 1, 4), 10_000)
    assert "debrief" not in {p.kind for p in planned}


@settings(max_examples=40, deadline=None)
@given(
    joined=st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
    days_later=st.integers(min_value=0, max_value=1200),
    step=st.integers(min_value=4, max_value=60),
    outcome=st.sampled_from(["done", "missed"]),
)
def test_planning_is_idempotent_however_the_history_unfolds(
    joined: dt.date, days_later: int, step: int, outcome: ObligationState
) -> None:
    # Plan, store, close whatever is due, move on; at every point a second plan adds nothing.
    history: list[ObligationRecord] = []
    today = joined
    end = joined + dt.timedelta(days=days_later)
    while today <= end:
        planned = rules.plan_obligations(joined, history, ENGLAND, today)
        assert all(p.due_on >= today for p in planned)
        history.extend(stored(planned))
        assert rules.plan_obligations(joined, history, ENGLAND, today) == []
        history = [
            replace(r, state=outcome, done_on=today if outcome == "done" else None)
            if r.outstanding and r.effective_due <= today
            else r
            for r in history
        ]
        today += dt.timedelta(days=step)
    assert len({r.key for r in history}) == len(history)


# --- Debriefs -----------------------------------------------------------------------------


def test_a_debrief_is_due_three_working_days_after_an_exposure_over_easter() -> None:
    assert rules.debrief_due(D(2027, 3, 25), ENGLAND) == D(2027, 4, 1)
    assert rules.debrief_due(D(2027, 3, 25), SCOTLAND) == D(2027, 3, 31)


def test_a_debrief_is_keyed_by_its_cause() -> None:
    assert rules.plan_debrief("session:42", D(2027, 3, 25), ENGLAND) == Planned(
        "debrief", D(2027, 4, 1), "debrief:session:42"
    )


# --- Changing an obligation ---------------------------------------------------------------


def test_an_obligation_is_completed_on_the_day_it_happened() -> None:
    done = rules.complete(record("one_to_one", D(2027, 2, 1)), D(2027, 2, 3), D(2027, 2, 4))
    assert done.state == "done"
    assert done.done_on == D(2027, 2, 3)


def test_an_obligation_cannot_be_done_in_the_future() -> None:
    with pytest.raises(Refused) as refused:
        rules.complete(record("one_to_one", D(2027, 2, 1)), D(2027, 2, 5), D(2027, 2, 4))
    assert refused.value.codes == ["obligation.done_in_future"]
    assert refused.value.details[0].field == "done_on"


def test_a_closed_obligation_cannot_change() -> None:
    done = record("one_to_one", D(2027, 2, 1), "done", done_on=D(2027, 2, 1))
    missed = record("one_to_one", D(2027, 2, 1), "missed")
    for closed in (done, missed):
        with pytest.raises(Refused) as refused:
            rules.reschedule(closed, D(2027, 3, 1), D(2027, 2, 2))
        assert refused.value.codes == ["obligation.closed"]
        with pytest.raises(Refused):
            rules.complete(closed, D(2027, 2, 2), D(2027, 2, 2))


def test_an_obligation_cannot_be_missed_before_it_is_due() -> None:
    with pytest.raises(Refused) as refused:
        rules.miss(record("one_to_one", D(2027, 2, 1)), D(2027, 1, 31))
    assert refused.value.codes == ["obligation.not_yet_due"]
    assert rules.miss(record("one_to_one", D(2027, 2, 1)), D(2027, 2, 1)).state == "missed"


def test_a_reschedule_keeps_the_original_date_visible() -> None:
    moved = rules.reschedule(record("welfare_day", D(2027, 4, 4)), D(2027, 4, 20), D(2027, 4, 1))
    assert moved.state == "rescheduled"
    assert moved.due_on == D(2027, 4, 4)
    assert moved.effective_due == D(2027, 4, 20)


def test_a_reschedule_must_be_to_a_new_date_from_today() -> None:
    due = record("welfare_day", D(2027, 4, 4))
    with pytest.raises(Refused) as past:
        rules.reschedule(due, D(2027, 3, 31), D(2027, 4, 1))
    assert past.value.codes == ["obligation.reschedule_in_past"]
    with pytest.raises(Refused) as same:
        rules.reschedule(due, D(2027, 4, 4), D(2027, 4, 1))
    assert same.value.codes == ["obligation.reschedule_same_date"]


def test_an_obligation_record_refuses_unknown_values() -> None:
    with pytest.raises(ValueError):
        record("massage", D(2027, 4, 4))
    with pytest.raises(ValueError):
        record("welfare_day", D(2027, 4, 4), "cancelled")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        record("welfare_day", D(2027, 4, 4), "rescheduled")


# --- Escalation ---------------------------------------------------------------------------


def sent_by_day(
    obligation: ObligationRecord, policy: PolicySettings, start: dt.date, days: int
) -> dict[str, dt.date]:
    """Run the daily job over ``days`` days and note the day each key was first sent."""
    sent: dict[str, dt.date] = {}
    for offset in range(days):
        today = start + dt.timedelta(days=offset)
        for e in rules.escalations(obligation, policy, today):
            sent.setdefault(e.key, today)
    return sent


def test_an_overdue_assessment_escalates_on_the_right_working_days_once_each() -> None:
    # Joined Monday 4 January 2027: the assessment is due Sunday 4 July.
    [planned] = rules.next_due("psych_assessment", D(2027, 1, 4), [], ENGLAND, D(2027, 1, 4))
    assessment = record(planned.kind, planned.due_on, key=planned.key)
    sent = sent_by_day(assessment, ENGLAND, D(2027, 1, 4), 300)
    assert sent == {
        "psych_assessment:2027-07-04:overdue": D(2027, 7, 5),
        # 4 July + 14 days is Sunday 18 July.
        "psych_assessment:2027-07-04:welfare_lead": D(2027, 7, 19),
        "psych_assessment:2027-07-04:senior_leader": D(2027, 8, 3),
    }


def test_escalation_stops_once_the_assessment_is_recorded() -> None:
    assessment = record("psych_assessment", D(2027, 7, 4))
    assert [e.level for e in rules.escalations(assessment, ENGLAND, D(2027, 7, 20))] == [
        "overdue",
        "welfare_lead",
    ]
    done = rules.complete(assessment, D(2027, 7, 21), D(2027, 7, 21))
    assert rules.escalations(done, ENGLAND, D(2027, 9, 1)) == []
    assert rules.escalations(replace(assessment, state="missed"), ENGLAND, D(2027, 9, 1)) == []


def test_escalation_dates_skip_bank_holidays() -> None:
    # Due Thursday 25 March 2027: overdue on Tuesday 30 March, after Easter.
    one_to_one = record("one_to_one", D(2027, 3, 25))
    schedule = rules.escalation_schedule(one_to_one, ENGLAND)
    assert [(e.level, e.on_date) for e in schedule] == [
        ("overdue", D(2027, 3, 30)),
        ("welfare_lead", D(2027, 4, 8)),
    ]
    # Due Monday 16 August: 14 days later is the late summer bank holiday in England only.
    review = record("workload_review", D(2027, 8, 16))
    assert rules.escalation_schedule(review, ENGLAND)[1].on_date == D(2027, 8, 31)
    assert rules.escalation_schedule(review, SCOTLAND)[1].on_date == D(2027, 8, 30)


def test_only_a_psychological_assessment_reaches_a_senior_leader() -> None:
    for kind in rules.KIND_CODES:
        levels = [e.level for e in rules.escalation_schedule(record(kind, D(2027, 3, 1)), ENGLAND)]
        expected = ["overdue", "welfare_lead"]
        if kind == "psych_assessment":
            expected.append("senior_leader")
        assert levels == expected


def test_the_first_notice_goes_to_the_officer_and_supervisor() -> None:
    [overdue, welfare, senior] = rules.escalation_schedule(
        record("psych_assessment", D(2027, 3, 1)), ENGLAND
    )
    assert overdue.notify == ("officer", "supervisor")
    assert overdue.code == "obligation.overdue"
    assert overdue.message == "The psychological assessment due on 1 March 2027 is overdue."
    assert welfare.notify == ("welfare_lead",)
    assert senior.notify == ("senior_leader",)


def test_nothing_escalates_on_the_due_date_itself() -> None:
    due = record("one_to_one", D(2027, 3, 1))
    assert rules.escalations(due, ENGLAND, D(2027, 3, 1)) == []
    assert not rules.is_overdue(due, D(2027, 3, 1))
    assert rules.is_overdue(due, D(2027, 3, 2))


def test_a_rescheduled_obligation_escalates_from_its_new_date_under_new_keys() -> None:
    due = record("psych_assessment", D(2027, 7, 5))
    before = rules.escalations(due, ENGLAND, D(2027, 7, 6))
    assert [e.key for e in before] == ["psych_assessment:2027-07-05:overdue"]
    moved = rules.reschedule(due, D(2027, 7, 20), D(2027, 7, 6))
    assert rules.escalations(moved, ENGLAND, D(2027, 7, 20)) == []
    after = rules.escalations(moved, ENGLAND, D(2027, 7, 21))
    assert [e.key for e in after] == ["psych_assessment:2027-07-05@2027-07-20:overdue"]


def test_escalation_intervals_follow_the_policy() -> None:
    policy = replace(ENGLAND, escalation=Escalation(overdue_to_welfare_lead_days=7))
    schedule = rules.escalation_schedule(record("one_to_one", D(2027, 3, 1)), policy)
    assert schedule[1].on_date == D(2027, 3, 8)


@given(due=dates, kind=st.sampled_from(rules.KIND_CODES), nation=nations)
def test_escalations_fall_on_working_days_after_the_due_date_in_order(
    due: dt.date, kind: str, nation: str
) -> None:
    schedule = rules.escalation_schedule(record(kind, due), PolicySettings(nation=nation))
    days = [e.on_date for e in schedule]
    assert all(d > due and calendar.is_working_day(d, nation) for d in days)
    assert days == sorted(days)
    assert len({e.key for e in schedule}) == len(schedule)


# --- Checklists ---------------------------------------------------------------------------


def test_the_stress_signs_checklist_has_the_ten_signs_of_the_design() -> None:
    assert rules.STRESS_SIGN_CODES == (
        "withdrawal",
        "irritability",
        "fatigue",
        "sickness_absence",
        "lateness",
        "cynicism",
        "hypervigilance",
        "over_protectiveness",
        "drinking",
        "intrusive_thoughts",
    )
    assert all(sign.label for sign in rules.STRESS_SIGNS)


def test_unknown_stress_signs_are_named() -> None:
    assert rules.unknown_stress_signs(["fatigue", "grumpy"]) == ("grumpy",)
    assert rules.unknown_stress_signs(rules.STRESS_SIGN_CODES) == ()


def test_an_observation_with_any_sign_opens_an_amber_flag() -> None:
    assert rules.observation_flag(["fatigue"]) == "amber"
    assert rules.observation_flag([]) is None


def test_time_away_kinds_have_distinct_codes_and_labels() -> None:
    assert len(set(rules.TIME_AWAY_CODES)) == len(rules.TIME_AWAY_KINDS) >= 2
    assert all(kind.label for kind in rules.TIME_AWAY_KINDS)


def test_every_obligation_kind_has_a_label_and_a_recorder() -> None:
    assert set(rules.KIND_LABELS) == set(rules.RECORDED_BY) == set(rules.KIND_CODES)
