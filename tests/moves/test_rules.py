from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellgate.calendar import is_working_day, working_days_after
from wellgate.errors import Refused
from wellgate.moves import rules
from wellgate.moves.rules import Deadlines, Progress
from wellgate.policy.rules import MoveDeadlines, PolicySettings

D = dt.date
ENGLAND = PolicySettings()
SCOTLAND = PolicySettings(nation="scotland")
ROLES = ("officer", "supervisor", "mentor", "welfare_lead", "senior_leader", "administrator")
# The Thursday before Easter 2027: Good Friday 26 March, Easter Monday 29 March.
EASTER_THURSDAY = D(2027, 3, 25)


def refusal(state: str, action: str, role: str, self_: bool, dest: str | None = "Fraud") -> str:
    with pytest.raises(Refused) as refused:
        rules.transition(state, action, role, self_, destination=dest)
    (code,) = refused.value.codes
    return code


# --- Transitions --------------------------------------------------------------------------


@pytest.mark.parametrize("role", rules.ACTING_ROLES)
def test_a_supervisor_or_welfare_lead_takes_a_request_through_to_the_move(role: str) -> None:
    state = rules.transition("requested", "acknowledge", role, False)
    assert state == "acknowledged"
    state = rules.transition(state, "agree", role, False, destination="Fraud team")
    assert state == "agreed"
    assert rules.transition(state, "moved", role, False) == "moved"


@pytest.mark.parametrize("state", ["requested", "acknowledged", "agreed"])
def test_the_officer_can_withdraw_at_any_open_stage(state: str) -> None:
    assert rules.transition(state, "withdraw", "officer", True) == "withdrawn"


@pytest.mark.parametrize("role", ["supervisor", "welfare_lead", "senior_leader", "administrator"])
def test_nobody_but_the_officer_can_withdraw(role: str) -> None:
    assert refusal("requested", "withdraw", role, False) == "move.withdraw_officer_only"


@pytest.mark.parametrize("action", rules.NO_SUCH_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_no_role_can_decline_cancel_or_close_a_request(action: str, role: str) -> None:
    for self_ in (True, False):
        assert refusal("requested", action, role, self_) == "move.no_decline"


def test_an_unknown_action_is_refused_with_the_steps_listed() -> None:
    with pytest.raises(Refused) as refused:
        rules.transition("requested", "hide", "supervisor", False)
    assert refused.value.codes == ["move.unknown_action"]
    assert "acknowledge" in str(refused.value)


def test_an_officer_cannot_take_their_own_request_forward() -> None:
    for role in ("officer", "supervisor", "welfare_lead"):
        assert refusal("requested", "acknowledge", role, True) == "move.own_request"


@pytest.mark.parametrize("role", ["mentor", "senior_leader", "administrator", "officer"])
def test_other_roles_cannot_take_a_request_forward(role: str) -> None:
    assert refusal("requested", "acknowledge", role, False) == "move.role_not_allowed"


def test_steps_are_taken_in_order() -> None:
    assert refusal("requested", "agree", "supervisor", False) == "move.out_of_order"
    assert refusal("requested", "moved", "supervisor", False) == "move.out_of_order"
    assert refusal("acknowledged", "acknowledge", "supervisor", False) == "move.out_of_order"
    with pytest.raises(Refused) as refused:
        rules.transition("acknowledged", "moved", "supervisor", False)
    assert str(refused.value) == (
        "This request is acknowledged; the next step is to agree a destination."
    )


def test_agreeing_needs_a_destination() -> None:
    for missing in (None, "", "   "):
        assert (
            refusal("acknowledged", "agree", "supervisor", False, missing)
            == "move.destination_required"
        )
    with pytest.raises(Refused) as refused:
        rules.transition("acknowledged", "agree", "supervisor", False)
    assert refused.value.details[0].field == "destination"


@pytest.mark.parametrize("state", rules.FINAL_STATES)
def test_nothing_changes_after_the_move_or_a_withdrawal(state: str) -> None:
    for action in rules.ACTIONS:
        assert refusal(state, action, "officer", True) == "move.finished"
        assert refusal(state, action, "supervisor", False) == "move.finished"


def test_an_unknown_state_is_refused() -> None:
    assert refusal("declined", "acknowledge", "supervisor", False) == "move.unknown_state"


def test_every_path_only_moves_forward_or_to_the_officers_withdrawal() -> None:
    order = ("requested", "acknowledged", "agreed", "moved")
    actions = (*rules.ACTIONS, *rules.NO_SUCH_ACTIONS)
    for state, action, role, self_ in itertools.product(
        rules.STATES, actions, ROLES, (True, False)
    ):
        try:
            new = rules.transition(state, action, role, self_, destination="Fraud")
        except Refused:
            continue
        assert new in rules.STATES
        if new == "withdrawn":
            assert self_ and action == "withdraw"
        else:
            assert order.index(new) == order.index(state) + 1
            assert not self_ and role in rules.ACTING_ROLES


def test_the_buttons_shown_match_the_rules() -> None:
    assert rules.allowed_actions("requested", "officer", True) == ("withdraw",)
    assert rules.allowed_actions("requested", "supervisor", False) == ("acknowledge",)
    assert rules.allowed_actions("acknowledged", "welfare_lead", False) == ("agree",)
    assert rules.allowed_actions("agreed", "supervisor", False) == ("moved",)
    assert rules.allowed_actions("agreed", "senior_leader", False) == ()
    assert rules.allowed_actions("moved", "officer", True) == ()


# --- Deadlines ----------------------------------------------------------------------------


def test_a_request_on_the_thursday_before_easter_skips_the_bank_holidays() -> None:
    assert rules.deadlines(EASTER_THURSDAY, ENGLAND) == Deadlines(
        acknowledge_by=D(2027, 3, 31),  # Tuesday 30 and Wednesday 31 March
        agree_by=D(2027, 4, 12),
        move_by=D(2027, 4, 26),
    )


def test_in_scotland_easter_monday_is_a_working_day() -> None:
    assert rules.deadlines(EASTER_THURSDAY, SCOTLAND) == Deadlines(
        acknowledge_by=D(2027, 3, 30),
        agree_by=D(2027, 4, 9),
        move_by=D(2027, 4, 23),
    )


def test_a_request_at_the_weekend_counts_from_monday() -> None:
    assert rules.deadlines(D(2027, 6, 12), ENGLAND).acknowledge_by == D(2027, 6, 15)


def test_deadlines_follow_the_policy() -> None:
    policy = replace(ENGLAND, moves=MoveDeadlines(1, 5, 10))
    assert rules.deadlines(EASTER_THURSDAY, policy) == Deadlines(
        D(2027, 3, 30), D(2027, 4, 5), D(2027, 4, 12)
    )


@given(
    requested_on=st.dates(min_value=D(2024, 1, 1), max_value=D(2032, 12, 31)),
    nation=st.sampled_from(["england", "wales", "scotland", "northern_ireland"]),
)
def test_deadlines_fall_on_working_days_in_order(requested_on: dt.date, nation: str) -> None:
    d = rules.deadlines(requested_on, PolicySettings(nation=nation))
    assert requested_on < d.acknowledge_by < d.agree_by < d.move_by
    assert all(is_working_day(x, nation) for x in (d.acknowledge_by, d.agree_by, d.move_by))


# --- Breaches -----------------------------------------------------------------------------


def easter_breaches(progress: Progress, today: dt.date) -> list[tuple[str, str, dt.date]]:
    found = rules.breaches(
        "move:7", rules.deadlines(EASTER_THURSDAY, ENGLAND), progress, ENGLAND, today
    )
    return [(b.stage, b.level, b.on_date) for b in found]


def test_a_request_nobody_answers_escalates_on_the_right_days_once_each() -> None:
    deadlines = rules.deadlines(EASTER_THURSDAY, ENGLAND)
    sent: dict[str, dt.date] = {}
    day = EASTER_THURSDAY
    while day <= D(2027, 5, 31):
        for breach in rules.breaches("move:7", deadlines, Progress(), ENGLAND, day):
            sent.setdefault(breach.key, day)
        day += dt.timedelta(days=1)
    assert sent == {
        "move:7:acknowledge:welfare_lead": D(2027, 4, 1),
        "move:7:acknowledge:senior_leader": D(2027, 4, 5),
        "move:7:agree:welfare_lead": D(2027, 4, 13),
        "move:7:agree:senior_leader": D(2027, 4, 15),
        "move:7:move:welfare_lead": D(2027, 4, 27),
        "move:7:move:senior_leader": D(2027, 4, 27),
    }


def test_nothing_is_breached_before_a_deadline_passes() -> None:
    assert easter_breaches(Progress(), D(2027, 3, 31)) == []


def test_a_deadline_met_on_the_day_never_breaches() -> None:
    progress = Progress(
        acknowledged_on=D(2027, 3, 31), agreed_on=D(2027, 4, 12), moved_on=D(2027, 4, 26)
    )
    assert easter_breaches(progress, D(2027, 12, 31)) == []


def test_a_late_acknowledgement_stays_on_record_and_stops_the_senior_escalation() -> None:
    late = Progress(acknowledged_on=D(2027, 4, 2))
    assert easter_breaches(late, D(2027, 4, 9)) == [
        ("acknowledge", "welfare_lead", D(2027, 4, 1)),
    ]


def test_acknowledging_on_the_escalation_day_is_still_a_breach() -> None:
    assert easter_breaches(Progress(acknowledged_on=D(2027, 4, 1)), D(2027, 4, 9)) == [
        ("acknowledge", "welfare_lead", D(2027, 4, 1)),
    ]


def test_agreeing_also_meets_the_acknowledge_deadline() -> None:
    on_time = Progress(agreed_on=D(2027, 3, 30))
    assert easter_breaches(on_time, D(2027, 5, 31))[:1] == [
        ("move", "welfare_lead", D(2027, 4, 27)),
    ]
    assert all(stage == "move" for stage, _, _ in easter_breaches(on_time, D(2027, 5, 31)))


def test_a_missed_move_deadline_reaches_a_senior_leader_the_same_day() -> None:
    progress = Progress(acknowledged_on=D(2027, 3, 30), agreed_on=D(2027, 4, 6))
    assert easter_breaches(progress, D(2027, 4, 27)) == [
        ("move", "welfare_lead", D(2027, 4, 27)),
        ("move", "senior_leader", D(2027, 4, 27)),
    ]


def test_a_withdrawal_stops_later_escalations() -> None:
    withdrawn = Progress(withdrawn_on=D(2027, 4, 2))
    assert easter_breaches(withdrawn, D(2027, 5, 31)) == [
        ("acknowledge", "welfare_lead", D(2027, 4, 1)),
    ]


def test_breaches_have_a_code_and_a_sentence() -> None:
    [breach] = rules.breaches(
        "move:7", rules.deadlines(EASTER_THURSDAY, ENGLAND), Progress(), ENGLAND, D(2027, 4, 1)
    )
    assert breach.code == "move.acknowledge_missed"
    assert breach.due == D(2027, 3, 31)
    assert breach.message == (
        "The deadline to acknowledge the request (31 March 2027) was missed; "
        "the welfare lead is told."
    )


@given(
    requested_on=st.dates(min_value=D(2024, 1, 1), max_value=D(2032, 12, 31)),
    nation=st.sampled_from(["england", "scotland", "northern_ireland"]),
)
def test_escalations_fall_on_working_days_after_their_deadline(
    requested_on: dt.date, nation: str
) -> None:
    policy = PolicySettings(nation=nation)
    for breach in rules.breach_schedule("m", rules.deadlines(requested_on, policy), policy):
        assert breach.on_date > breach.due
        assert is_working_day(breach.on_date, nation)


@given(
    days=st.tuples(
        st.integers(min_value=0, max_value=40),
        st.integers(min_value=0, max_value=40),
        st.integers(min_value=0, max_value=40),
    )
)
def test_a_deadline_met_in_time_never_breaches(days: tuple[int, int, int]) -> None:
    deadlines = rules.deadlines(EASTER_THURSDAY, ENGLAND)
    ack, agree, move = sorted(EASTER_THURSDAY + dt.timedelta(days=n) for n in days)
    progress = Progress(acknowledged_on=ack, agreed_on=agree, moved_on=move)
    found = {b.stage for b in rules.breaches("m", deadlines, progress, ENGLAND, D(2028, 1, 1))}
    missed = rules.missed_deadlines(deadlines, progress, D(2028, 1, 1))
    for stage in rules.STAGES:
        met = progress.stage_done_on(stage)
        assert met is not None
        assert (met > deadlines.for_stage(stage)) == (stage in missed)
        if met <= deadlines.for_stage(stage):
            assert stage not in found
        if met > working_days_after(deadlines.for_stage(stage), 1, "england"):
            assert stage in found


def test_a_step_taken_late_before_anyone_was_told_still_misses_its_deadline() -> None:
    # In Scotland the destination was due by Friday 9 April and agreed on Saturday 10 April,
    # before the welfare lead would have been told on Monday 12 April.
    deadlines = rules.deadlines(EASTER_THURSDAY, SCOTLAND)
    progress = Progress(acknowledged_on=D(2027, 3, 26), agreed_on=D(2027, 4, 10))
    assert rules.breaches("m", deadlines, progress, SCOTLAND, D(2027, 4, 20)) == []
    assert rules.missed_deadlines(deadlines, progress, D(2027, 4, 20)) == ("agree",)


def test_a_withdrawal_before_a_deadline_misses_nothing() -> None:
    deadlines = rules.deadlines(EASTER_THURSDAY, ENGLAND)
    withdrawn = Progress(withdrawn_on=D(2027, 3, 30))
    assert rules.missed_deadlines(deadlines, withdrawn, D(2027, 6, 1)) == ()
    assert rules.missed_deadlines(deadlines, Progress(), D(2027, 4, 1)) == ("acknowledge",)


# --- What the officer is told -------------------------------------------------------------


def test_the_officer_is_told_what_happens_next_and_by_when() -> None:
    deadlines = rules.deadlines(EASTER_THURSDAY, ENGLAND)
    step = rules.next_step("requested", deadlines, EASTER_THURSDAY)
    assert step is not None
    assert step.stage == "acknowledge"
    assert not step.overdue
    assert step.message == (
        "Your supervisor or the welfare lead will acknowledge your request by 31 March 2027."
    )
    late = rules.next_step("acknowledged", deadlines, D(2027, 4, 13))
    assert late is not None
    assert late.overdue
    assert rules.next_step("moved", deadlines, D(2027, 4, 13)) is None
    assert rules.next_step("withdrawn", deadlines, D(2027, 4, 13)) is None
