"""Worked examples of the staged-exposure pathway rules (DESIGN.md §4)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from wellgate.errors import Detail, Refused
from wellgate.pathway.rules import (
    EVENT_TYPES,
    NO_CLEARANCE,
    ROLES,
    Clearance,
    Event,
    GateContext,
    PathwayState,
    clearance_at,
    clearance_of,
    decide,
    evaluate,
)
from wellgate.policy.rules import Gate, PolicySettings, default_stages

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
OFFICER, SUPERVISOR, MENTOR, WELFARE, SENIOR, SYSTEM = 1, 2, 3, 4, 5, 6
ACTOR_OF = {
    "officer": OFFICER,
    "supervisor": SUPERVISOR,
    "mentor": MENTOR,
    "welfare_lead": WELFARE,
    "senior_leader": SENIOR,
    "system": SYSTEM,
}
DEFAULT = PolicySettings()


class Pathway:
    """One officer's log, built through ``decide`` as the service would."""

    def __init__(self, policy: PolicySettings = DEFAULT) -> None:
        self.policy = policy
        self.events: list[Event] = []
        self.now = T0
        self.context = GateContext()
        self.ok("joined", "supervisor")

    def later(self, days: float = 0, hours: float = 0) -> None:
        self.now += timedelta(days=days, hours=hours)

    def event(self, type: str, role: str = "officer", actor: int | None = None, **kw) -> Event:
        return Event(
            type=type,
            subject_id=OFFICER,
            actor_id=ACTOR_OF[role] if actor is None else actor,
            by_role=role,
            recorded_at=self.now,
            occurred_at=kw.pop("occurred_at", self.now),
            **kw,
        )

    def record(self, type: str, role: str = "officer", **kw) -> list[str]:
        """Propose an event; append it when accepted. Returns the refusal codes."""
        e = self.event(type, role, **kw)
        refusals = decide(self.events, self.policy, self.now, e, self.context)
        if not refusals:
            self.events.append(e)
        return [r.code for r in refusals]

    def ok(self, type: str, role: str = "officer", **kw) -> None:
        codes = self.record(type, role, **kw)
        assert codes == [], f"{type} by {role} refused: {codes}"

    def state(self) -> PathwayState:
        return evaluate(self.events, self.policy, self.now, self.context)

    def unmet(self) -> list[str]:
        return [r.code for r in self.state().unmet]

    def complete_gate(self) -> None:
        """Record everything the current stage's gate asks for."""
        state = self.state()
        assert state.next_stage is not None
        if state.stage.code == self.policy.stages[0].code:
            self.ok("briefing_given", "supervisor")
            self.ok("guidance_acknowledged", "officer")
            self.ok("mentor_assigned", "supervisor")
        else:
            for _ in range(self.policy.gate.min_supervised_sessions):
                self.ok("supervised_session", "mentor")
            self.later(days=self.policy.gate.reflection_days)
            self.ok("reflection_discussed", "mentor")
        self.ok("readiness_declared", "officer", ready=True)
        self.ok("signed_off", "supervisor")
        if state.next_stage.code in self.policy.gate.psych_assessment_before:
            self.context = GateContext(psych_assessments=(self.now - timedelta(days=1),))

    def advance(self, role: str = "supervisor") -> None:
        self.complete_gate()
        self.ok("advanced", role, stage=self.state().next_stage.code)
        self.later(days=1)

    def reach(self, code: str) -> None:
        while self.state().stage.code != code:
            self.advance()


# --------------------------------------------------------------------------- starting out


def test_new_joiner_starts_at_induction_with_no_clearance():
    p = Pathway()
    state = p.state()
    assert state.stage.code == "induction"
    assert state.clearance.max_category is None
    assert state.clearance.media == ()
    assert state.stage_entered_at == T0
    assert state.next_stage is not None and state.next_stage.code == "cat_c"
    assert not state.gate_complete


def test_an_empty_log_is_at_the_first_stage():
    state = evaluate([], DEFAULT, T0)
    assert state.stage.code == "induction"
    assert state.stage_entered_at is None
    assert state.clearance == NO_CLEARANCE


def test_induction_gate_asks_for_briefing_guidance_mentor_readiness_and_sign_off():
    assert Pathway().unmet() == [
        "gate.briefing",
        "gate.guidance",
        "gate.mentor",
        "gate.readiness",
        "gate.sign_off",
    ]


def test_induction_gate_needs_no_sessions_or_reflection_period():
    p = Pathway()
    p.complete_gate()
    assert p.state().gate_complete


def test_supervisor_advances_a_new_joiner_to_category_c_with_a_mentor():
    p = Pathway()
    p.advance()
    state = p.state()
    assert state.stage.code == "cat_c"
    assert state.clearance == Clearance("C", ("image",), True)
    assert state.stage_entered_at == p.now - timedelta(days=1)


def test_welfare_lead_may_advance_too():
    p = Pathway()
    p.advance(role="welfare_lead")
    assert p.state().stage.code == "cat_c"


def test_whole_default_pathway_reaches_independent_grading():
    p = Pathway()
    p.reach("independent")
    state = p.state()
    assert state.clearance == Clearance(
        "A", ("image", "video_muted", "video_audio", "text", "audio"), False
    )
    assert state.next_stage is None
    assert state.unmet == ()
    assert not state.gate_complete


@pytest.mark.parametrize(
    ("code", "category", "media"),
    [
        ("cat_c", "C", ("image",)),
        ("cat_b", "B", ("image", "video_muted")),
        ("cat_a", "A", ("image", "video_muted")),
    ],
)
def test_each_mentored_stage_grants_its_clearance(code, category, media):
    p = Pathway()
    p.reach(code)
    assert p.state().clearance == Clearance(category, media, True)


# --------------------------------------------------------------------------- the gate


def test_supervised_sessions_are_counted_at_the_current_stage():
    p = Pathway()
    p.advance()
    p.ok("supervised_session", "mentor")
    state = p.state()
    assert state.supervised_sessions_at_stage == 1
    message = next(r.message for r in state.unmet if r.code == "gate.supervised_sessions")
    assert message == "1 of 2 supervised sessions done at this stage."


def test_wellgate_itself_may_record_a_supervised_session():
    p = Pathway()
    p.advance()
    p.ok("supervised_session", "system")
    assert p.state().supervised_sessions_at_stage == 1


def test_sessions_before_an_advance_do_not_count_at_the_new_stage():
    p = Pathway()
    p.ok("supervised_session", "mentor")
    p.ok("supervised_session", "mentor")
    p.advance()
    assert p.state().supervised_sessions_at_stage == 0
    assert "gate.supervised_sessions" in p.unmet()


def test_reflection_period_is_unmet_before_any_session():
    p = Pathway()
    p.advance()
    message = next(r.message for r in p.state().unmet if r.code == "gate.reflection_period")
    assert "first supervised session" in message


def test_reflection_period_says_until_when():
    p = Pathway()
    p.advance()
    p.ok("supervised_session", "mentor")
    first = p.now
    p.later(days=6, hours=23)
    message = next(r.message for r in p.state().unmet if r.code == "gate.reflection_period")
    assert message.startswith("Wait until 09:00 on 11 March 2025: ")
    p.now = first + timedelta(days=7)
    assert "gate.reflection_period" not in p.unmet()


def test_dates_in_messages_are_in_the_force_time_zone():
    p = Pathway()
    p.advance()
    p.now = datetime(2025, 6, 3, 23, 30, tzinfo=UTC)  # 00:30 on 4 June in London (BST)
    p.ok("supervised_session", "mentor")
    message = next(r.message for r in p.state().unmet if r.code == "gate.reflection_period")
    assert message.startswith("Wait until 00:30 on 11 June 2025: ")
    assert message.endswith("(4 June 2025).")


def test_reflection_period_runs_from_the_first_session_not_the_last():
    p = Pathway()
    p.advance()
    p.ok("supervised_session", "mentor")
    p.later(days=7)
    p.ok("supervised_session", "mentor")
    assert "gate.reflection_period" not in p.unmet()


def test_reflection_discussion_must_follow_the_last_session():
    p = Pathway()
    p.advance()
    p.ok("supervised_session", "mentor")
    p.ok("reflection_discussed", "supervisor")
    p.ok("supervised_session", "mentor")
    message = next(r.message for r in p.state().unmet if r.code == "gate.reflection_discussion")
    assert message == "Talk it through with your supervisor or mentor after your last session."
    p.ok("reflection_discussed", "mentor")
    assert "gate.reflection_discussion" not in p.unmet()


def test_readiness_must_follow_the_reflection_discussion():
    p = Pathway()
    p.advance()
    p.ok("supervised_session", "mentor")
    p.ok("supervised_session", "mentor")
    p.later(days=7)
    p.ok("readiness_declared", ready=True)
    p.ok("reflection_discussed", "mentor")
    assert "gate.readiness" in p.unmet()
    p.ok("readiness_declared", ready=True)
    assert "gate.readiness" not in p.unmet()


def test_readiness_goes_stale_after_its_maximum_age():
    p = Pathway()
    p.ok("briefing_given", "supervisor")
    p.ok("guidance_acknowledged")
    p.ok("mentor_assigned", "supervisor")
    p.ok("readiness_declared", ready=True)
    p.ok("signed_off", "supervisor")
    p.later(days=14)
    assert p.state().gate_complete
    p.later(hours=1)
    assert p.unmet() == ["gate.readiness", "gate.sign_off"]
    message = p.state().unmet[0].message
    assert "3 March 2025" in message and "14 days" in message


def test_sign_off_must_follow_readiness():
    p = Pathway()
    p.ok("briefing_given", "supervisor")
    p.ok("guidance_acknowledged")
    p.ok("mentor_assigned", "supervisor")
    p.ok("signed_off", "supervisor")
    p.ok("readiness_declared", ready=True)
    assert p.unmet() == ["gate.sign_off"]
    p.ok("signed_off", "welfare_lead")
    assert p.unmet() == []


def test_open_flags_block_the_gate():
    p = Pathway()
    p.complete_gate()
    p.context = GateContext(open_flags=2)
    state = p.state()
    assert [r.code for r in state.unmet] == ["gate.open_flags"]
    assert (
        state.unmet[0].message == "An open welfare matter must first be closed with a conversation."
    )
    assert p.record("advanced", "supervisor", stage="cat_c") == [
        "advance.gate_incomplete",
        "gate.open_flags",
    ]


def test_psychological_assessment_is_needed_before_category_a():
    p = Pathway()
    p.reach("cat_b")
    p.complete_gate()
    p.context = GateContext()
    assert p.unmet() == ["gate.psych_assessment"]
    p.context = GateContext(psych_assessments=(p.now - timedelta(days=184),))
    assert p.unmet() == ["gate.psych_assessment"]
    assert "Your last one was on" in p.state().unmet[0].message
    p.context = GateContext(psych_assessments=(p.now - timedelta(days=183),))
    assert p.unmet() == []


def test_psychological_assessment_is_not_needed_before_category_b():
    p = Pathway()
    p.reach("cat_c")
    p.complete_gate()
    p.context = GateContext()
    assert p.unmet() == []


def test_an_assessment_dated_after_now_does_not_count():
    p = Pathway()
    p.reach("cat_b")
    p.complete_gate()
    p.context = GateContext(psych_assessments=(p.now + timedelta(days=1),))
    assert p.unmet() == ["gate.psych_assessment"]


def test_every_requirement_is_a_sentence():
    p = Pathway()
    p.advance()
    p.context = GateContext(open_flags=1)
    p.policy = dataclasses.replace(
        DEFAULT, gate=dataclasses.replace(DEFAULT.gate, psych_assessment_before=("cat_b",))
    )
    unmet = p.state().unmet
    assert [r.code for r in unmet] == [
        "gate.supervised_sessions",
        "gate.reflection_period",
        "gate.reflection_discussion",
        "gate.readiness",
        "gate.sign_off",
        "gate.open_flags",
        "gate.psych_assessment",
    ]
    for r in unmet:
        assert not r.message[0].islower() and r.message.endswith("."), r


# --------------------------------------------------------------------------- advancing


def test_supervisor_cannot_advance_without_readiness():
    p = Pathway()
    p.ok("briefing_given", "supervisor")
    p.ok("guidance_acknowledged")
    p.ok("mentor_assigned", "supervisor")
    assert p.record("advanced", "supervisor", stage="cat_c") == [
        "advance.gate_incomplete",
        "gate.readiness",
        "gate.sign_off",
    ]
    assert p.state().stage.code == "induction"


def test_officer_cannot_advance_themselves():
    p = Pathway()
    p.complete_gate()
    assert p.record("advanced", "officer", stage="cat_c") == ["advance.role", "advance.self"]


def test_supervisor_cannot_advance_their_own_pathway():
    p = Pathway()
    p.complete_gate()
    assert p.record("advanced", "supervisor", actor=OFFICER, stage="cat_c") == ["advance.self"]


def test_mentor_cannot_advance():
    p = Pathway()
    p.complete_gate()
    assert p.record("advanced", "mentor", stage="cat_c") == ["advance.role"]


def test_advance_is_refused_at_the_last_stage():
    p = Pathway()
    p.reach("independent")
    assert p.record("advanced", "supervisor", stage="independent") == ["advance.last_stage"]


def test_advance_must_name_the_next_stage():
    p = Pathway()
    p.complete_gate()
    assert p.record("advanced", "supervisor", stage="cat_b") == ["advance.wrong_stage"]
    assert p.record("advanced", "supervisor") == ["advance.wrong_stage"]


def test_advance_is_refused_while_paused():
    p = Pathway()
    p.complete_gate()
    p.ok("paused")
    assert p.record("advanced", "supervisor", stage="cat_c") == ["advance.suspended"]


def test_advance_is_refused_while_a_move_is_requested():
    p = Pathway()
    p.complete_gate()
    p.ok("move_requested")
    assert p.record("advanced", "supervisor", stage="cat_c") == ["advance.suspended"]


def test_a_recorded_advance_stands_after_the_policy_becomes_stricter():
    p = Pathway()
    p.advance()
    stricter = dataclasses.replace(DEFAULT, gate=Gate(min_supervised_sessions=5))
    assert evaluate(p.events, stricter, p.now).stage.code == "cat_c"


def test_a_recorded_advance_to_a_stage_that_is_not_next_is_ignored():
    p = Pathway()
    skip = p.event("advanced", "supervisor", stage="cat_b")
    assert evaluate([*p.events, skip], DEFAULT, p.now).stage.code == "induction"


def test_events_are_replayed_in_recorded_order():
    p = Pathway()
    for type, role in [
        ("briefing_given", "supervisor"),
        ("guidance_acknowledged", "officer"),
        ("mentor_assigned", "mentor"),
        ("readiness_declared", "officer"),
        ("signed_off", "supervisor"),
        ("advanced", "supervisor"),
    ]:
        p.later(hours=1)
        p.ok(type, role, ready=True if type == "readiness_declared" else None, stage="cat_c")
    assert evaluate(list(reversed(p.events)), DEFAULT, p.now) == p.state()
    assert p.state().stage.code == "cat_c"


def test_events_recorded_at_the_same_moment_keep_their_log_order():
    p = Pathway()
    p.complete_gate()  # all recorded at T0: sign-off follows readiness only in log order
    assert p.state().gate_complete


# --------------------------------------------------------------------------- pausing


def test_officer_pause_drops_clearance_at_once_and_needs_no_reason():
    p = Pathway()
    p.advance()
    p.ok("paused")
    state = p.state()
    assert state.paused and state.paused_by_role == "officer" and state.pause_reason == ""
    assert state.clearance == NO_CLEARANCE
    assert state.stage_clearance == Clearance("C", ("image",), True)


def test_officer_may_pause_twice():
    p = Pathway()
    p.ok("paused")
    p.ok("paused")
    assert p.state().paused


def test_supervisor_pause_carries_a_reason_the_officer_can_read():
    p = Pathway()
    p.advance()
    p.ok("paused", "supervisor", note="You mentioned trouble sleeping; let's talk first.")
    state = p.state()
    assert state.paused_by_role == "supervisor"
    assert state.pause_reason == "You mentioned trouble sleeping; let's talk first."
    assert state.clearance == NO_CLEARANCE


def test_mentor_cannot_pause_an_officer():
    p = Pathway()
    assert p.record("paused", "mentor") == ["event.role"]


def test_only_the_officer_can_resume():
    p = Pathway()
    p.ok("paused")
    assert p.record("resumed", "supervisor") == ["resume.not_officer"]
    assert p.record("resumed", "officer", actor=SUPERVISOR) == ["resume.not_officer"]


def test_resume_is_refused_when_not_paused():
    p = Pathway()
    assert p.record("resumed") == ["resume.not_paused"]


def test_officer_resumes_their_own_pause_without_a_conversation():
    p = Pathway()
    p.advance()
    p.ok("paused")
    p.ok("resumed")
    state = p.state()
    assert not state.paused and state.paused_by_role is None
    assert state.clearance == Clearance("C", ("image",), True)


def test_resume_after_a_supervisor_pause_needs_a_conversation():
    p = Pathway()
    p.advance()
    p.ok("reflection_discussed", "supervisor")
    p.ok("paused", "welfare_lead", note="Checking in after the Smith case.")
    assert p.record("resumed") == ["resume.needs_conversation"]
    p.ok("paused")  # the officer's own pause does not replace the conversation
    assert p.record("resumed") == ["resume.needs_conversation"]
    p.ok("reflection_discussed", "welfare_lead")
    p.ok("resumed")
    assert p.state().clearance.max_category == "C"


# --------------------------------------------------------------------------- stepping back


def test_step_back_drops_clearance_at_once():
    p = Pathway()
    p.reach("cat_b")
    p.ok("stepped_back", stage="cat_c")
    state = p.state()
    assert state.stage.code == "cat_c"
    assert state.clearance == Clearance("C", ("image",), True)
    assert state.stage_entered_at == p.now


def test_supervisor_may_step_an_officer_back():
    p = Pathway()
    p.reach("cat_c")
    p.ok("stepped_back", "supervisor", stage="induction", note="A hard week.")
    assert p.state().clearance.max_category is None


def test_step_back_must_go_to_a_lower_stage():
    p = Pathway()
    p.reach("cat_c")
    assert p.record("stepped_back", stage="cat_c") == ["step_back.not_lower"]
    assert p.record("stepped_back", stage="cat_a") == ["step_back.not_lower"]


def test_step_back_needs_a_known_stage():
    p = Pathway()
    p.reach("cat_c")
    assert p.record("stepped_back", stage="category_z") == ["step_back.unknown_stage"]
    assert p.record("stepped_back") == ["step_back.unknown_stage"]


def test_mentor_cannot_step_an_officer_back():
    p = Pathway()
    p.reach("cat_c")
    assert p.record("stepped_back", "mentor", stage="induction") == ["event.role"]


def test_after_a_step_back_re_entering_a_stage_needs_its_full_gate_again():
    p = Pathway()
    p.reach("cat_b")
    p.ok("stepped_back", stage="cat_c")
    assert p.unmet() == [
        "gate.supervised_sessions",
        "gate.reflection_period",
        "gate.reflection_discussion",
        "gate.readiness",
        "gate.sign_off",
    ]
    p.advance()
    assert p.state().stage.code == "cat_b"


def test_after_a_step_back_to_induction_the_induction_steps_are_needed_again():
    p = Pathway()
    p.reach("cat_c")
    p.ok("stepped_back", stage="induction")
    assert "gate.briefing" in p.unmet()


# --------------------------------------------------------------------------- moves, leaving


def test_a_move_request_suspends_clearance():
    p = Pathway()
    p.advance()
    p.ok("move_requested", note="")
    state = p.state()
    assert state.move_requested and state.clearance == NO_CLEARANCE and not state.paused


def test_only_the_officer_can_ask_to_move():
    p = Pathway()
    assert p.record("move_requested", "supervisor") == ["move.officer_only"]
    assert p.record("move_requested", "officer", actor=WELFARE) == ["move.officer_only"]


def test_a_withdrawn_move_keeps_clearance_suspended_until_the_officer_resumes():
    p = Pathway()
    p.advance()
    p.ok("move_requested")
    assert p.record("resumed") == ["resume.not_paused"]
    assert p.record("move_withdrawn", "welfare_lead") == ["move.officer_only"]
    p.ok("move_withdrawn")
    state = p.state()
    assert not state.move_requested and state.paused and state.paused_by_role == "officer"
    assert state.clearance == NO_CLEARANCE
    p.ok("resumed")
    assert p.state().clearance.max_category == "C"


def test_withdrawing_needs_an_open_move_request():
    p = Pathway()
    assert p.record("move_withdrawn") == ["move.not_requested"]


def test_leaving_the_team_ends_clearance_and_closes_the_pathway():
    p = Pathway()
    p.reach("cat_a")
    p.ok("left_team", "welfare_lead")
    state = p.state()
    assert state.left_team and state.clearance == NO_CLEARANCE and not state.gate_complete
    for type in ("paused", "resumed", "readiness_declared", "joined"):
        assert p.record(type, ready=True) == ["pathway.left_team"]


def test_events_recorded_after_leaving_are_ignored():
    p = Pathway()
    p.advance()
    p.ok("left_team")
    late = p.event("resumed")
    assert evaluate([*p.events, late], DEFAULT, p.now).clearance == NO_CLEARANCE


def test_a_mentor_cannot_record_that_an_officer_left():
    p = Pathway()
    assert p.record("left_team", "mentor") == ["event.role"]


# --------------------------------------------------------------------------- readiness


def test_only_the_officer_can_declare_readiness():
    p = Pathway()
    assert p.record("readiness_declared", "supervisor", ready=True) == ["readiness.officer_only"]
    assert p.record("readiness_declared", "officer", actor=MENTOR, ready=True) == [
        "readiness.officer_only"
    ]


def test_readiness_needs_a_yes_or_no():
    p = Pathway()
    assert p.record("readiness_declared") == ["readiness.no_answer"]


def test_readiness_no_cancels_an_earlier_yes_and_its_sign_off():
    p = Pathway()
    p.complete_gate()
    p.ok("readiness_declared", ready=False)
    assert p.unmet() == ["gate.readiness", "gate.sign_off"]
    assert "do not feel ready" in p.state().unmet[0].message
    assert p.record("advanced", "supervisor", stage="cat_c") == [
        "advance.gate_incomplete",
        "gate.readiness",
        "gate.sign_off",
    ]
    p.ok("readiness_declared", ready=True)
    assert p.unmet() == ["gate.sign_off"]


def test_readiness_no_is_not_a_pause_or_a_suspension():
    p = Pathway()
    p.advance()
    before = p.state()
    p.ok("readiness_declared", ready=False)
    after = p.state()
    assert after.clearance == before.clearance
    assert not after.paused and not after.suspended


# --------------------------------------------------------------------------- who records what


def test_sign_off_is_for_a_supervisor_or_welfare_lead_and_never_for_themselves():
    p = Pathway()
    assert p.record("signed_off", "mentor") == ["sign_off.role"]
    assert p.record("signed_off", "officer") == ["sign_off.role"]
    assert p.record("signed_off", "supervisor", actor=OFFICER) == ["sign_off.role"]
    assert p.record("signed_off", "welfare_lead") == []


@pytest.mark.parametrize(
    ("type", "allowed", "refused"),
    [
        ("briefing_given", ["supervisor", "mentor", "welfare_lead"], ["officer", "system"]),
        ("mentor_assigned", ["supervisor", "welfare_lead"], ["officer", "senior_leader"]),
        ("reflection_discussed", ["mentor", "supervisor"], ["officer", "system"]),
        ("supervised_session", ["mentor", "system"], ["officer", "senior_leader"]),
        ("guidance_acknowledged", ["officer"], ["supervisor", "mentor"]),
        ("joined", [], ["officer", "mentor"]),
    ],
)
def test_each_event_is_recorded_only_by_its_roles(type, allowed, refused):
    for role in allowed:
        assert Pathway().record(type, role) == [], role
    for role in refused:
        assert "event.role" in Pathway().record(type, role), role


def test_nobody_records_evidence_about_their_own_pathway():
    p = Pathway()
    assert p.record("supervised_session", "mentor", actor=OFFICER) == ["event.role"]


def test_a_role_outside_the_list_is_refused():
    p = Pathway()
    assert p.record("paused", "officer") == []
    assert decide(
        p.events, DEFAULT, p.now, dataclasses.replace(p.event("paused"), by_role="admin")
    ) == [
        Detail(
            "event.role",
            "Only the officer, their supervisor or the welfare lead can record a pause.",
        )
    ]


def test_a_pathway_starts_only_once():
    p = Pathway()
    assert p.record("joined", "supervisor") == ["pathway.already_joined"]


def test_an_unknown_event_type_is_refused():
    p = Pathway()
    assert p.record("promoted", "supervisor") == ["event.unknown_type"]


def test_an_event_cannot_have_happened_in_the_future():
    p = Pathway()
    assert p.record("paused", occurred_at=p.now + timedelta(minutes=1)) == ["event.future"]
    assert p.record("paused", occurred_at=p.now - timedelta(days=2)) == []


def test_an_event_for_another_officer_is_refused():
    p = Pathway()
    other = dataclasses.replace(p.event("paused"), subject_id=99, actor_id=99)
    assert [r.code for r in decide(p.events, DEFAULT, p.now, other)] == ["event.subject"]


def test_every_event_type_and_role_is_listed():
    assert len(EVENT_TYPES) == 15 and len(set(EVENT_TYPES)) == 15
    assert ROLES == ("officer", "supervisor", "mentor", "welfare_lead", "senior_leader", "system")


# --------------------------------------------------------------------------- custom policy


def test_a_custom_policy_with_three_stages_and_one_session():
    stages = default_stages()
    policy = PolicySettings(
        stages=(stages[0], stages[1], stages[4]),
        gate=Gate(
            min_supervised_sessions=1,
            reflection_days=3,
            readiness_max_age_days=2,
            psych_assessment_before=("independent",),
        ),
    )
    p = Pathway(policy)
    p.advance()
    p.ok("supervised_session", "mentor")
    p.later(days=3)
    p.ok("reflection_discussed", "supervisor")
    p.ok("readiness_declared", ready=True)
    p.ok("signed_off", "supervisor")
    assert p.unmet() == ["gate.psych_assessment"]
    p.context = GateContext(psych_assessments=(p.now,))
    p.later(days=2, hours=1)
    assert p.unmet() == ["gate.readiness", "gate.sign_off"]
    p.ok("readiness_declared", ready=True)
    p.ok("signed_off", "welfare_lead")
    p.ok("advanced", "supervisor", stage="independent")
    assert p.state().clearance == clearance_of(stages[4])
    assert p.state().next_stage is None


def test_a_policy_without_sessions_or_reflection_period_needs_only_the_conversation():
    policy = PolicySettings(gate=Gate(min_supervised_sessions=0, reflection_days=0))
    p = Pathway(policy)
    p.advance()
    assert p.unmet() == ["gate.reflection_discussion", "gate.readiness", "gate.sign_off"]


# --------------------------------------------------------------------------- past clearance


def test_clearance_at_a_past_moment_uses_only_what_was_recorded_by_then():
    p = Pathway()
    p.advance()
    advanced_at = p.now - timedelta(days=1)
    p.ok("paused")
    paused_at = p.now
    assert clearance_at(p.events, DEFAULT, advanced_at - timedelta(seconds=1)) == NO_CLEARANCE
    assert clearance_at(p.events, DEFAULT, advanced_at) == Clearance("C", ("image",), True)
    assert clearance_at(p.events, DEFAULT, paused_at) == NO_CLEARANCE


def test_pathway_refused_carries_the_codes_and_sentences():
    refusals = [
        Detail("advance.gate_incomplete", "The gate is not complete yet."),
        Detail("gate.sign_off", "Ask for the sign-off."),
    ]
    error = Refused(refusals)
    assert error.details == refusals
    assert error.codes == ["advance.gate_incomplete", "gate.sign_off"]
    assert str(error) == "The gate is not complete yet. Ask for the sign-off."
