"""Worked examples: a clearance is what the decision granted, never raised by a later policy."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from wellgate.pathway.rules import (
    NO_CLEARANCE,
    Clearance,
    Event,
    GateContext,
    clearance_at,
    decide,
    evaluate,
    grant_of,
)
from wellgate.policy.rules import MEDIA_KINDS, Gate, PolicySettings

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OFFICER = 1
ACTOR_OF = {"officer": 1, "supervisor": 2, "mentor": 3, "welfare_lead": 4}
DEFAULT = PolicySettings()
# No sessions or waiting: every gate is a conversation, a "yes" and a sign-off.
QUICK = dataclasses.replace(
    DEFAULT, gate=Gate(min_supervised_sessions=0, reflection_days=0, psych_assessment_before=())
)
ALL_UNSUPERVISED_A = Clearance("A", MEDIA_KINDS, False)
C_WITH_MENTOR = Clearance("C", ("image",), True)
B_WITH_MENTOR = Clearance("B", ("image", "video_muted"), True)


def loosened(policy: PolicySettings, *codes: str) -> PolicySettings:
    """``policy`` with the named stages granting Category A, all media, no mentor."""
    stages = tuple(
        dataclasses.replace(s, max_category="A", media=MEDIA_KINDS, supervised=False)
        if s.code in codes
        else s
        for s in policy.stages
    )
    return dataclasses.replace(policy, stages=stages)


class Log:
    """One officer's log, written as the service writes it: decided, then the grant recorded."""

    def __init__(self, policy: PolicySettings = QUICK, version: int = 1) -> None:
        self.policy, self.version = policy, version
        self.events: list[Event] = []
        self.now = T0
        self.ok("joined", "supervisor")

    def ok(self, type: str, role: str, **kw: object) -> None:
        self.now += timedelta(hours=1)
        e = Event(type, OFFICER, ACTOR_OF[role], role, self.now, self.now, **kw)  # type: ignore[arg-type]
        assert decide(self.events, self.policy, self.now, e) == []
        grant = grant_of(self.events, self.policy, e)
        self.events.append(dataclasses.replace(e, grant=grant, policy_version=self.version))

    def advance(self) -> None:
        if evaluate(self.events, self.policy, self.now).stage.code == "induction":
            for type in ("briefing_given", "mentor_assigned"):
                self.ok(type, "supervisor")
            self.ok("guidance_acknowledged", "officer")
        else:
            self.ok("reflection_discussed", "mentor")
        self.ok("readiness_declared", "officer", ready=True)
        self.ok("signed_off", "supervisor")
        nxt = evaluate(self.events, self.policy, self.now).next_stage
        assert nxt is not None
        self.ok("advanced", "supervisor", stage=nxt.code)

    def held(self, policy: PolicySettings) -> Clearance:
        return evaluate(self.events, policy, self.now).stage_clearance


def test_the_advance_records_the_grant_and_the_version_it_was_given_under():
    log = Log(version=4)
    log.advance()
    advanced = log.events[-1]
    assert advanced.grant == C_WITH_MENTOR and advanced.policy_version == 4
    assert log.events[0].grant == NO_CLEARANCE  # joining enters induction: nothing to view
    entry = evaluate(log.events, log.policy, log.now).entry
    assert entry is not None and (entry.stage.code, entry.policy_version) == ("cat_c", 4)


def test_a_stage_raised_by_a_later_policy_does_not_raise_the_clearance_granted():
    log = Log()
    log.advance()
    later = loosened(QUICK, "cat_c", "cat_b", "cat_a")
    assert log.held(later) == C_WITH_MENTOR
    assert clearance_at(log.events, later, log.now) == C_WITH_MENTOR


def test_a_stage_lowered_by_a_later_policy_lowers_the_clearance_at_once():
    log = Log()
    log.advance()
    log.advance()
    stages = tuple(
        dataclasses.replace(s, media=("image",)) if s.code == "cat_b" else s for s in QUICK.stages
    )
    assert log.held(dataclasses.replace(QUICK, stages=stages)) == Clearance("B", ("image",), True)


def test_the_next_decision_uses_the_policy_in_force_when_it_is_made():
    log = Log()
    log.advance()
    log.policy, log.version = loosened(QUICK, "cat_b"), 2
    log.advance()
    assert log.held(log.policy) == ALL_UNSUPERVISED_A
    assert evaluate(log.events, log.policy, log.now).entry.policy_version == 2  # type: ignore[union-attr]


def test_an_event_without_a_recorded_grant_falls_back_to_the_current_policy():
    log = Log()
    log.advance()
    legacy = [dataclasses.replace(e, grant=None, policy_version=None) for e in log.events]
    later = loosened(QUICK, "cat_c")
    assert evaluate(legacy, later, log.now).stage_clearance == ALL_UNSUPERVISED_A
    assert evaluate(legacy, later, log.now).entry.policy_version is None  # type: ignore[union-attr]


def test_a_step_back_never_grants_more_than_was_held_before_it():
    log = Log()
    log.advance()
    log.advance()
    # A step back recorded with more than it should carry (by hand, or by an old release).
    log.ok("stepped_back", "officer", stage="cat_c")
    raw = [*log.events[:-1], dataclasses.replace(log.events[-1], grant=ALL_UNSUPERVISED_A)]
    later = loosened(QUICK, "cat_c")
    assert evaluate(raw, later, log.now).stage_clearance == B_WITH_MENTOR


def test_the_grant_of_a_step_back_is_capped_by_what_was_held():
    log = Log()
    log.advance()
    log.advance()
    lowered = dataclasses.replace(
        QUICK,
        stages=tuple(
            dataclasses.replace(s, media=("image",)) if s.code == "cat_b" else s
            for s in QUICK.stages
        ),
    )
    log.policy = loosened(lowered, "cat_c")  # cat_c now grants more than cat_b allows
    log.ok("stepped_back", "officer", stage="cat_c")
    assert log.events[-1].grant == Clearance("B", ("image",), True)


def test_an_advance_the_current_stages_no_longer_place_only_lowers():
    log = Log()
    log.advance()
    # A stray advance naming a stage that is not next (never accepted by decide, but stored).
    stray = Event(
        "advanced", OFFICER, 2, "supervisor", log.now, log.now, stage="independent",
        grant=ALL_UNSUPERVISED_A, policy_version=1,
    )  # fmt: skip
    events = [*log.events, stray]
    assert evaluate(events, loosened(QUICK, "cat_c"), log.now).stage_clearance == C_WITH_MENTOR


def test_renaming_a_stage_lowers_the_officers_at_it_and_never_raises_them():
    log = Log()
    log.advance()
    log.advance()
    renamed = dataclasses.replace(
        QUICK,
        stages=tuple(
            dataclasses.replace(s, code="cat_b2", max_category="A", media=MEDIA_KINDS)
            if s.code == "cat_b"
            else s
            for s in QUICK.stages
        ),
    )
    state = evaluate(log.events, renamed, log.now, GateContext())
    assert state.stage.code == "cat_c"
    assert state.stage_clearance == C_WITH_MENTOR


def test_meet_takes_the_lower_of_every_axis_and_covers_compares_them():
    a = Clearance("A", ("image", "video_muted"), False)
    b = Clearance("B", ("image", "text"), True)
    assert a.meet(b) == Clearance("B", ("image",), True)
    assert a.meet(None) == a
    assert a.covers(a.meet(b)) and b.covers(a.meet(b))
    assert not a.covers(b) and not b.covers(a)
    assert Clearance(None, (), True).meet(a) == NO_CLEARANCE
