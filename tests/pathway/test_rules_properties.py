"""Properties of the pathway rules: every "rule that always holds" in DESIGN.md §4.

Logs are built the way the service builds them (an event is appended only when ``decide``
returns ``[]``), and checked against an oracle written here from the design's wording, so a
broken gate in ``decide`` or in the shared gate computation is caught either way.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import Phase, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

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
    grant_of,
)
from wellgate.policy.rules import (
    CATEGORY_RANK,
    MEDIA_KINDS,
    Gate,
    PolicySettings,
    Stage,
    default_stages,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OFFICER = 1
SOMEONE_ELSE = 7
ACTOR_OF = {
    "officer": OFFICER,
    "supervisor": 2,
    "mentor": 3,
    "welfare_lead": 4,
    "senior_leader": 5,
    "system": 6,
}
SIGNERS = ("supervisor", "welfare_lead")
DEFAULT = PolicySettings()
# Modest budgets keep the file near 20 s; no example database, so nothing is written to disk;
# no "explain" phase and one bug at a time, so a failure is reported in seconds, not minutes.
QUICK = settings(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    report_multiple_bugs=False,
)
PROPS = settings(QUICK, max_examples=200)

# The role that normally records each event, so generated logs make progress.
USUAL_ROLE = {
    "joined": "supervisor",
    "briefing_given": "supervisor",
    "guidance_acknowledged": "officer",
    "mentor_assigned": "supervisor",
    "supervised_session": "mentor",
    "reflection_discussed": "mentor",
    "readiness_declared": "officer",
    "signed_off": "supervisor",
    "advanced": "supervisor",
    "paused": "officer",
    "resumed": "officer",
    "stepped_back": "officer",
    "move_requested": "officer",
    "move_withdrawn": "officer",
    "left_team": "welfare_lead",
}
# Evidence is proposed more often than anything else; leaving the team ends a log, so never.
NOISE_TYPES = [
    *["briefing_given", "guidance_acknowledged", "mentor_assigned"],
    *["supervised_session"] * 3,
    *["reflection_discussed", "readiness_declared", "signed_off"] * 2,
    *["advanced"] * 2,
    *["paused", "resumed", "stepped_back", "move_requested", "move_withdrawn"],
]

# Pieces of a gate that a scripted run may leave out, and the code that must then be unmet.
PIECE_CODE = {
    "briefing": "gate.briefing",
    "guidance": "gate.guidance",
    "mentor": "gate.mentor",
    "sessions": "gate.supervised_sessions",
    "period": "gate.reflection_period",
    "discussion": "gate.reflection_discussion",
    "discussion_early": "gate.reflection_discussion",  # talked before the last session
    "readiness": "gate.readiness",
    "readiness_no": "gate.readiness",  # said yes, then no
    "readiness_stale": "gate.readiness",  # said yes too long ago
    "sign_off": "gate.sign_off",
    "sign_off_early": "gate.sign_off",  # signed off before the officer said yes
    "flags": "gate.open_flags",
    "psych": "gate.psych_assessment",
}


def rank(category: str | None) -> int:
    return CATEGORY_RANK[category]


# --------------------------------------------------------------------------- a pathway log


class Scenario:
    """One officer's log, appended to only when ``decide`` accepts (as the service does)."""

    def __init__(self, policy: PolicySettings) -> None:
        self.policy = policy
        self.version = 1  # the number of the policy version the log is recorded under
        self.events: list[Event] = []
        self.now = T0
        self.context = GateContext()
        self.contexts: dict[int, GateContext] = {}  # log position of an advance -> its context
        self.held: dict[datetime, Clearance] = {}  # clearance right after each moment's events
        self._state: tuple[tuple[int, datetime, GateContext, int], PathwayState] | None = None
        self.ok("joined", "supervisor")

    def event(self, type: str, role: str, actor: int | None = None, **kw: Any) -> Event:
        return Event(
            type=type,
            subject_id=OFFICER,
            actor_id=ACTOR_OF[role] if actor is None else actor,
            by_role=role,
            recorded_at=self.now,
            occurred_at=self.now,
            **kw,
        )

    def record(self, type: str, role: str, actor: int | None = None, **kw: Any) -> list[str]:
        e = self.event(type, role, actor, **kw)
        refusals = decide(self.events, self.policy, self.now, e, self.context)
        if not refusals:
            if type == "advanced":
                self.contexts[len(self.events)] = self.context
            # As the service does: the decision carries the grant it gave, and the version.
            grant = grant_of(self.events, self.policy, e)
            self.events.append(dataclasses.replace(e, grant=grant, policy_version=self.version))
            self.held[self.now] = self.state().clearance
        return [r.code for r in refusals]

    def ok(self, type: str, role: str, **kw: Any) -> None:
        codes = self.record(type, role, **kw)
        assert codes == [], f"{type} by {role} refused: {codes}"

    def later(self, **kw: float) -> None:
        self.now += timedelta(**kw)

    def state(self) -> PathwayState:
        key = (len(self.events), self.now, self.context, self.version)
        if self._state is None or self._state[0] != key:
            self._state = (key, evaluate(self.events, self.policy, self.now, self.context))
        return self._state[1]

    @property
    def stage_index(self) -> int:
        return self.policy.stage_index(self.state().stage.code)

    def pieces(self) -> list[str]:
        """The gate pieces that apply to the current stage."""
        gate = self.policy.gate
        nxt = self.state().next_stage
        assert nxt is not None
        common = ["readiness", "readiness_no", "readiness_stale", "sign_off", "sign_off_early"]
        common += ["flags"] + (["psych"] if nxt.code in gate.psych_assessment_before else [])
        if self.stage_index == 0:
            return ["briefing", "guidance", "mentor", *common]
        return [
            *(["sessions", "discussion_early"] if gate.min_supervised_sessions else []),
            *(["period"] if gate.reflection_days else []),
            "discussion",
            *common,
        ]

    def complete_gate(self, skip: frozenset[str] = frozenset()) -> None:
        """Record the current stage's gate in order, leaving out the pieces in ``skip``."""
        gate = self.policy.gate
        if self.stage_index == 0:
            if "briefing" not in skip:
                self.ok("briefing_given", "supervisor")
            if "guidance" not in skip:
                self.ok("guidance_acknowledged", "officer")
            if "mentor" not in skip:
                self.ok("mentor_assigned", "welfare_lead")
        else:
            sessions = gate.min_supervised_sessions - (1 if "sessions" in skip else 0)
            if gate.reflection_days and not gate.min_supervised_sessions:
                sessions = 1  # the reflection period only starts at a first session
            for k in range(sessions):
                if "discussion_early" in skip and k == sessions - 1:
                    self.ok("reflection_discussed", "supervisor")
                self.ok("supervised_session", "mentor")
            if "period" not in skip:
                self.later(days=gate.reflection_days)
            if not {"discussion", "discussion_early"} & skip:
                self.ok("reflection_discussed", "mentor")
        if "sign_off_early" in skip:
            self.ok("signed_off", "supervisor")
        if "readiness" not in skip:
            self.ok("readiness_declared", "officer", ready=True)
        if "readiness_no" in skip:
            self.ok("readiness_declared", "officer", ready=False)
        if "readiness_stale" in skip:
            self.later(days=gate.readiness_max_age_days, hours=1)
        if not {"sign_off", "sign_off_early"} & skip:
            self.ok("signed_off", "welfare_lead")
        self.context = GateContext(
            open_flags=1 if "flags" in skip else 0,
            psych_assessments=() if "psych" in skip else (self.now - timedelta(days=1),),
        )

    def advance(self) -> list[str]:
        nxt = self.state().next_stage
        return self.record("advanced", "supervisor", stage=nxt.code if nxt else None)

    def reach(self, index: int) -> None:
        while self.stage_index < index:
            self.complete_gate()
            assert self.advance() == []
            self.later(hours=1)


def consistent(skip: set[str]) -> frozenset[str]:
    """Drop combinations where one left-out piece would make up for another."""
    if "sessions" in skip:
        skip.discard("discussion_early")  # its extra session would make up the count
    if "period" in skip:
        skip.discard("readiness_stale")  # its wait would end the reflection period
    return frozenset(skip)


# --------------------------------------------------------------------------- the oracle
# Written again from DESIGN.md §4, without the module's code, over the log in order.


def _own(e: Event) -> bool:
    return e.by_role == "officer" and e.actor_id == e.subject_id


def _valid(e: Event) -> bool:
    """Whether the event counts as gate evidence: recorded by someone allowed to record it."""
    staff = e.actor_id != e.subject_id
    if e.type in ("guidance_acknowledged", "readiness_declared"):
        return _own(e)
    if e.type == "signed_off":
        return staff and e.by_role in SIGNERS
    if e.type == "supervised_session":
        return staff and e.by_role in ("supervisor", "mentor", "welfare_lead", "system")
    return staff and e.by_role in ("supervisor", "mentor", "welfare_lead")


def oracle_stage(log: list[Event], policy: PolicySettings) -> tuple[int, int]:
    """The stage the log's recorded advances and step backs lead to, and where it was entered."""
    codes = [s.code for s in policy.stages]
    index, entered = 0, 0
    for k, e in enumerate(log):
        if e.type == "left_team":
            break
        if e.type == "advanced" and index + 1 < len(codes) and e.stage == codes[index + 1]:
            index, entered = index + 1, k + 1
        if e.type == "stepped_back" and e.stage in codes[:index]:
            index, entered = codes.index(e.stage), k + 1
    return index, entered


def oracle_suspended(log: list[Event]) -> bool:
    """Paused, a move requested (or withdrawn but not yet resumed), or left the team."""
    paused = move = False
    for e in log:
        if e.type == "left_team":
            return True
        if e.type == "paused":
            paused = True
        if e.type == "resumed" and _own(e):
            paused = False
        if e.type == "move_requested":
            move = True
        if e.type == "move_withdrawn" and move:
            move, paused = False, True
    return paused or move


def oracle_gate_complete(
    log: list[Event], policy: PolicySettings, at: datetime, context: GateContext
) -> bool:
    """Whether an advance appended to ``log`` at ``at`` would have met DESIGN.md's gate."""
    index, entered = oracle_stage(log, policy)
    if index + 1 >= len(policy.stages) or oracle_suspended(log) or context.open_flags:
        return False
    gate = policy.gate
    if policy.stages[index + 1].code in gate.psych_assessment_before and not any(
        timedelta(0) <= at - a <= timedelta(days=gate.psych_assessment_max_age_days)
        for a in context.psych_assessments
    ):
        return False
    at_stage = [(k, e) for k, e in enumerate(log) if k >= entered and _valid(e)]

    def where(kind: str) -> list[int]:
        return [k for k, e in at_stage if e.type == kind]

    said = where("readiness_declared")
    if not said or not log[said[-1]].ready:
        return False  # never said yes, or the last word was "no"
    yes = said[-1]
    if at - log[yes].recorded_at > timedelta(days=gate.readiness_max_age_days):
        return False
    if not any(k > yes for k in where("signed_off")):
        return False
    if index == 0:
        return all(
            where(kind) for kind in ("briefing_given", "guidance_acknowledged", "mentor_assigned")
        )
    sessions = where("supervised_session")
    if len(sessions) < gate.min_supervised_sessions:
        return False
    if gate.reflection_days and (
        not sessions or at - log[sessions[0]].recorded_at < timedelta(days=gate.reflection_days)
    ):
        return False
    last_session = max(sessions, default=entered - 1)
    return any(last_session < k < yes for k in where("reflection_discussed"))


def earned_stage(sc: Scenario) -> int:
    """The stage reached counting only advances whose gate the oracle finds complete."""
    codes = [s.code for s in sc.policy.stages]
    index = 0
    for k, e in enumerate(sc.events):
        if e.type == "left_team":
            break
        if e.type == "advanced" and index + 1 < len(codes) and e.stage == codes[index + 1]:
            context = sc.contexts.get(k, GateContext(open_flags=1))
            if oracle_gate_complete(sc.events[:k], sc.policy, e.recorded_at, context):
                index += 1
        if e.type == "stepped_back" and e.stage in codes[:index]:
            index = codes.index(e.stage)
    return index


def assert_every_advance_was_earned(sc: Scenario) -> None:
    for k, e in enumerate(sc.events):
        if e.type != "advanced":
            continue
        prefix, context = sc.events[:k], sc.contexts[k]
        before = evaluate(prefix, sc.policy, e.recorded_at, context)
        assert before.gate_complete, before.unmet
        assert before.next_stage is not None and before.next_stage.code == e.stage
        assert e.by_role in SIGNERS and e.actor_id != e.subject_id
        assert oracle_gate_complete(prefix, sc.policy, e.recorded_at, context)


def assert_clearance_within_earned_stage(sc: Scenario) -> None:
    state = sc.state()
    earned = sc.policy.stages[earned_stage(sc)]
    assert rank(state.clearance.max_category) <= rank(earned.max_category)
    assert set(state.clearance.media) <= set(earned.media)
    if oracle_suspended(sc.events):
        assert state.clearance == NO_CLEARANCE
    assert clearance_at(sc.events, sc.policy, sc.now) == state.clearance


# --------------------------------------------------------------------------- strategies


@st.composite
def policies(draw: st.DrawFn) -> PolicySettings:
    stages = default_stages()[: draw(st.integers(2, 5))]
    later_codes = [s.code for s in stages[1:]]
    return PolicySettings(
        stages=stages,
        gate=Gate(
            min_supervised_sessions=draw(st.integers(0, 3)),
            reflection_days=draw(st.integers(0, 5)),
            readiness_max_age_days=draw(st.integers(1, 14)),
            psych_assessment_before=tuple(
                draw(st.lists(st.sampled_from(later_codes), unique=True, max_size=2))
            ),
            psych_assessment_max_age_days=draw(st.integers(1, 200)),
        ),
    )


any_policy = st.one_of(st.just(DEFAULT), policies())


def one_draw(*options: Sequence[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    """One choice from each list, made with a single integer draw (a draw per field is slow)."""
    size = math.prod(len(o) for o in options)

    def pick(n: int) -> tuple[Any, ...]:
        chosen = []
        for o in options:
            n, k = divmod(n, len(o))
            chosen.append(o[k])
        return tuple(chosen)

    return st.integers(0, size - 1).map(pick)


# Hours, type, role, actor, stage, readiness answer, and a change of context by other apps.
NOISE_STEP = one_draw(
    [0, 0, 1, 24, 72, 24 * 8],
    NOISE_TYPES,
    [None] * 3 + list(ROLES),  # None: the usual role for the event
    [None] * 6 + [OFFICER, SOMEONE_ELSE],  # None: the role's usual person
    range(-3, 6),  # negative: aim at the next stage
    [True, True, False, None],
    [None] * 8 + [0, 1],  # open flags after the event, if they change
)


def propose_noise(draw: st.DrawFn, sc: Scenario, steps: int) -> None:
    """Propose plausible and implausible events; the log keeps only what decide accepts."""
    codes = [s.code for s in sc.policy.stages]
    for _ in range(steps):
        hours, type, role, actor, pick, ready, flags = draw(NOISE_STEP)
        role = role or USUAL_ROLE[type]
        if pick < 0:
            nxt = sc.state().next_stage
            stage = nxt.code if nxt else None
        else:
            stage = codes[pick] if pick < len(codes) else None
        sc.later(hours=hours)
        sc.record(type, role, actor or ACTOR_OF[role], stage=stage, ready=ready)
        if flags is not None:
            sc.context = GateContext(open_flags=flags, psych_assessments=(sc.now,))


@st.composite
def scenarios(draw: st.DrawFn, noise: int = 12) -> Scenario:
    """A log built through decide: some stages reached, perhaps a gate, then noise."""
    sc = Scenario(draw(any_policy))
    sc.reach(draw(st.integers(0, len(sc.policy.stages) - 1)))
    if sc.state().next_stage is not None and draw(st.booleans()):
        sc.complete_gate(consistent(draw(st.sets(st.sampled_from(sc.pieces())))))
    propose_noise(draw, sc, draw(st.integers(0, noise)))
    return sc


RAW_STEP = one_draw(
    [0, 0, 1, 6, 24, 72],
    [t for t in EVENT_TYPES if t != "left_team"],
    ROLES,
    [None, OFFICER, SOMEONE_ELSE],
    range(6),
    [True, False, None],
)


@st.composite
def raw_scenarios(draw: st.DrawFn) -> Scenario:
    """A log written without decide: anything but leaving, in recorded order."""
    sc = Scenario(draw(any_policy))
    codes = [s.code for s in sc.policy.stages]
    for hours, type, role, actor, pick, ready in draw(st.lists(RAW_STEP, max_size=25)):
        sc.later(hours=hours)
        stage = codes[pick] if pick < len(codes) else None
        sc.events.append(sc.event(type, role, actor or ACTOR_OF[role], stage=stage, ready=ready))
    if draw(st.booleans()):
        sc.context = GateContext(open_flags=draw(st.integers(0, 2)), psych_assessments=(sc.now,))
    return sc


any_scenario = st.one_of(scenarios(), raw_scenarios())


# --------------------------------------------------------------------------- clearance


@PROPS
@given(scenarios(noise=25))
def test_clearance_never_exceeds_the_stage_reached_through_complete_gates(sc):
    assert_every_advance_was_earned(sc)
    assert_clearance_within_earned_stage(sc)


@PROPS
@given(scenarios(noise=25))
def test_clearance_at_a_past_moment_is_the_clearance_held_then(sc):
    moments = sorted(sc.held)
    for at in moments:
        assert clearance_at(sc.events, sc.policy, at) == sc.held[at]
    # Between two moments nothing changes: just before one, the previous one still holds.
    for earlier, at in zip(moments, moments[1:], strict=False):
        assert (
            clearance_at(sc.events, sc.policy, at - timedelta(microseconds=1)) == sc.held[earlier]
        )
    assert clearance_at(sc.events, sc.policy, T0 - timedelta(microseconds=1)) == NO_CLEARANCE


# --------------------------------------------------------------------------- policy changes


@st.composite
def later_policies(draw: st.DrawFn) -> PolicySettings:
    """Any policy an editor might save later: stages kept, renamed, dropped or re-graded."""
    if draw(st.booleans()):
        return draw(policies())
    pool = [s.code for s in default_stages()] + ["extra_1", "extra_2"]
    codes = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True))
    stages = tuple(
        Stage(
            code,
            code,
            "",
            draw(st.sampled_from([None, "C", "B", "A"])),
            tuple(draw(st.lists(st.sampled_from(MEDIA_KINDS), unique=True))),
            draw(st.booleans()),
        )
        for code in codes
    )
    return PolicySettings(
        stages=stages,
        gate=Gate(
            min_supervised_sessions=draw(st.integers(0, 3)),
            reflection_days=draw(st.integers(0, 5)),
            readiness_max_age_days=draw(st.integers(1, 30)),
            psych_assessment_before=tuple(draw(st.lists(st.sampled_from(codes), unique=True))),
        ),
    )


def recorded_ceiling(log: list[Event]) -> Clearance | None:
    """The most the decisions in the log granted: the latest advance (or the joining), lowered
    by every step back after it. Written from DESIGN.md §1, not from the module."""
    ceiling: Clearance | None = None
    joined = False
    for e in log:
        if e.type == "left_team":
            break
        if (e.type == "joined" and not joined) or e.type == "advanced":
            ceiling, joined = e.grant, True
        elif e.type == "stepped_back" and ceiling is not None and e.grant is not None:
            ceiling = Clearance(
                min(ceiling.max_category, e.grant.max_category, key=rank),
                tuple(m for m in ceiling.media if m in e.grant.media),
                ceiling.supervised or e.grant.supervised,
            )
    return ceiling


def at_most(held: Clearance, limit: Clearance) -> bool:
    return (
        rank(held.max_category) <= rank(limit.max_category)
        and set(held.media) <= set(limit.media)
        and (held.supervised or not limit.supervised)
    )


@PROPS
@given(scenarios(noise=25), later_policies())
def test_no_policy_change_after_an_advance_ever_raises_the_clearance(sc, later):
    before = sc.state()
    after = evaluate(sc.events, later, sc.now, sc.context)
    assert at_most(after.stage_clearance, before.stage_clearance)
    assert at_most(after.clearance, before.clearance)
    # A stage the new policy allows less at lowers the clearance at once.
    assert at_most(after.stage_clearance, clearance_of(after.stage))
    # Exposure sessions are checked against the clearance of their moment: never raised either.
    for at in sorted(sc.held):
        assert at_most(clearance_at(sc.events, later, at), sc.held[at])


@PROPS
@given(st.data())
def test_a_clearance_never_exceeds_what_the_latest_decision_granted_whatever_the_policy(data):
    sc = data.draw(scenarios(noise=8))
    for version in (2, 3):
        # A new version comes into force; decisions go on being made under it.
        sc.policy, sc.version = data.draw(later_policies()), version
        if sc.state().next_stage is not None and data.draw(st.booleans()):
            sc.complete_gate()
            sc.advance()
        propose_noise(data.draw, sc, data.draw(st.integers(0, 10)))
        ceiling = recorded_ceiling(sc.events)
        assert ceiling is not None
        for policy in (sc.policy, data.draw(later_policies())):
            state = evaluate(sc.events, policy, sc.now, sc.context)
            assert at_most(state.stage_clearance, ceiling)
            entry = state.entry
            assert entry is not None and entry.policy_version in (1, 2, 3)


# --------------------------------------------------------------------------- advancing


@PROPS
@given(st.data())
def test_advance_is_accepted_exactly_when_every_piece_of_the_gate_is_there(data):
    sc = Scenario(data.draw(any_policy))
    sc.reach(data.draw(st.integers(0, len(sc.policy.stages) - 2)))
    start = sc.state().stage
    skip = consistent(data.draw(st.sets(st.sampled_from(sc.pieces()))))
    sc.complete_gate(skip)
    codes = sc.advance()
    event(f"left out {len(skip)} pieces")
    if skip:
        assert "advance.gate_incomplete" in codes
        assert {PIECE_CODE[p] for p in skip} <= set(codes)
        assert sc.state().stage == start
    else:
        assert codes == []
        assert sc.policy.stage_index(sc.state().stage.code) == sc.policy.stage_index(start.code) + 1


@PROPS
@given(any_scenario, st.sampled_from(ROLES), st.sampled_from(["usual", "self", "other"]))
def test_advance_is_refused_unless_the_gate_is_complete_and_never_for_oneself(sc, role, who):
    before, size = sc.state(), len(sc.events)
    actor = {"usual": ACTOR_OF[role], "self": OFFICER, "other": SOMEONE_ELSE}[who]
    nxt = before.next_stage
    codes = sc.record("advanced", role, actor, stage=nxt.code if nxt else None)
    if actor == OFFICER:
        assert "advance.self" in codes
    if role not in SIGNERS:
        assert "advance.role" in codes
    if nxt is not None and before.unmet:
        assert "advance.gate_incomplete" in codes
        assert {r.code for r in before.unmet} <= set(codes)
    if nxt is not None and before.suspended:
        assert "advance.suspended" in codes
    if codes == []:
        event("advance accepted")
        assert before.gate_complete and role in SIGNERS and actor != OFFICER
        assert sc.state().stage == nxt
    else:
        assert len(sc.events) == size and sc.state().stage == before.stage


# --------------------------------------------------------------------------- lowering


@PROPS
@given(any_scenario, st.sampled_from(["paused", "move_requested"]))
def test_officer_may_pause_or_ask_to_move_at_any_time_and_clearance_drops_at_once(sc, type):
    codes = sc.record(type, "officer")
    assert codes == []
    state = sc.state()
    assert state.clearance == NO_CLEARANCE
    assert not state.gate_complete
    assert clearance_at(sc.events, sc.policy, sc.now) == NO_CLEARANCE


@PROPS
@given(any_scenario, st.sampled_from(["officer", "supervisor", "welfare_lead"]), st.data())
def test_officer_or_supervisor_may_step_back_at_any_time_and_clearance_drops_at_once(
    sc, role, data
):
    current = sc.stage_index
    if current == 0:
        assert sc.record("stepped_back", role, stage=sc.policy.stages[0].code) == [
            "step_back.not_lower"
        ]
        return
    target = sc.policy.stages[data.draw(st.integers(0, current - 1))]
    assert sc.record("stepped_back", role, stage=target.code, note="Too much this week.") == []
    state = sc.state()
    assert state.stage == target
    assert rank(state.clearance.max_category) <= rank(target.max_category)
    assert state.clearance in (clearance_of(target), NO_CLEARANCE)


@PROPS
@given(any_scenario, st.sampled_from(SIGNERS), st.text(max_size=40))
def test_supervisor_or_welfare_lead_may_pause_with_a_reason_the_officer_can_read(sc, role, note):
    assert sc.record("paused", role, note=note) == []
    state = sc.state()
    assert state.paused and state.paused_by_role == role and state.pause_reason == note
    assert state.clearance == NO_CLEARANCE


# --------------------------------------------------------------------------- resuming


def oracle_resume_allowed(log: list[Event]) -> bool:
    """Paused since the officer last resumed, and talked after the last pause by someone else."""
    pauses: list[int] = []
    move = False
    for k, e in enumerate(log):
        if e.type == "left_team":
            return False
        if e.type == "resumed" and _own(e):
            pauses = []
        if e.type == "paused" or (e.type == "move_withdrawn" and move):
            pauses.append(k)
        if e.type in ("move_requested", "move_withdrawn"):
            move = e.type == "move_requested"
    if not pauses:
        return False
    imposed = [k for k in pauses if log[k].type == "paused" and not _own(log[k])]
    if not imposed:
        return True
    return any(
        k > max(imposed) and e.type == "reflection_discussed" and _valid(e)
        for k, e in enumerate(log)
    )


@PROPS
@given(any_scenario, st.sampled_from(ROLES), st.sampled_from(["usual", "other"]))
def test_only_the_officer_resumes_and_after_a_supervisor_pause_only_with_a_conversation(
    sc, role, who
):
    log = list(sc.events)
    actor = ACTOR_OF[role] if who == "usual" else SOMEONE_ELSE
    codes = sc.record("resumed", role, actor)
    own = role == "officer" and actor == OFFICER
    if not own:
        assert "resume.not_officer" in codes
    if codes == []:
        event("resume accepted")
        assert own and oracle_resume_allowed(log)
    elif own and not oracle_resume_allowed(log):
        assert {"resume.not_paused", "resume.needs_conversation"} & set(codes)


@PROPS
@given(st.data())
def test_a_supervisor_pause_is_resumed_only_after_a_conversation(data):
    sc = data.draw(scenarios(noise=4))
    sc.ok("paused", data.draw(st.sampled_from(SIGNERS)), note="Let's talk.")
    sc.later(hours=data.draw(st.integers(0, 48)))
    sc.ok("paused", "officer")  # the officer's own pause on top changes nothing
    assert sc.record("resumed", "officer") == ["resume.needs_conversation"]
    sc.ok(
        "reflection_discussed", data.draw(st.sampled_from(["supervisor", "mentor", "welfare_lead"]))
    )
    assert sc.record("resumed", "officer") == []
    assert not sc.state().paused


# --------------------------------------------------------------------------- stepping back


@PROPS
@given(any_policy, st.data())
def test_after_a_step_back_re_entering_a_stage_needs_its_full_gate_again(policy, data):
    sc = Scenario(policy)
    sc.reach(data.draw(st.integers(1, len(policy.stages) - 1)))
    if data.draw(st.booleans()) and sc.state().next_stage is not None:
        sc.complete_gate()  # evidence already there must not carry over
    propose_noise(data.draw, sc, data.draw(st.integers(0, 8)))
    current = sc.stage_index
    assume(current > 0)
    target = data.draw(st.integers(0, current - 1))
    sc.ok(
        "stepped_back",
        data.draw(st.sampled_from(["officer", *SIGNERS])),
        stage=sc.policy.stages[target].code,
    )
    gate = sc.policy.gate
    if target == 0:
        full = {"gate.briefing", "gate.guidance", "gate.mentor"}
    else:
        full = {"gate.reflection_discussion"}
        full |= {"gate.supervised_sessions"} if gate.min_supervised_sessions else set()
        full |= {"gate.reflection_period"} if gate.reflection_days else set()
    full |= {"gate.readiness", "gate.sign_off"}
    state = sc.state()
    assert full <= {r.code for r in state.unmet}
    assert state.supervised_sessions_at_stage == 0
    assert "advance.gate_incomplete" in sc.advance()
    if state.suspended:
        return
    sc.complete_gate()
    assert sc.advance() == []
    assert sc.stage_index == target + 1


# --------------------------------------------------------------------------- readiness "no"


@PROPS
@given(st.one_of(scenarios(), raw_scenarios()))
def test_a_readiness_no_resets_readiness_and_is_not_a_flag(sc):
    before = sc.state()
    assert sc.record("readiness_declared", "officer", ready=False) == []
    after = sc.state()
    assert after.clearance == before.clearance
    assert (after.paused, after.move_requested) == (before.paused, before.move_requested)
    if after.next_stage is None:
        return
    unmet = {r.code for r in after.unmet}
    assert {"gate.readiness", "gate.sign_off"} <= unmet
    assert "gate.open_flags" not in unmet or sc.context.open_flags
    assert {"advance.gate_incomplete", "gate.readiness"} <= set(sc.advance())
    sc.ok("readiness_declared", "officer", ready=True)
    assert "gate.sign_off" in {r.code for r in sc.state().unmet}  # the old sign-off is gone


# --------------------------------------------------------------------------- stateful


class PathwayMachine(RuleBasedStateMachine):
    """Random sequences of proposals; the log keeps only what decide accepts."""

    def __init__(self) -> None:
        super().__init__()
        self.sc = Scenario(DEFAULT)

    @initialize(policy=any_policy)
    def start(self, policy: PolicySettings) -> None:
        self.sc = Scenario(policy)

    @rule(hours=st.sampled_from([1, 12, 24, 72, 24 * 8, 24 * 20]))
    def time_passes(self, hours: int) -> None:
        self.sc.later(hours=hours)

    @rule(step=NOISE_STEP)
    def propose(self, step: tuple[Any, ...]) -> None:
        hours, type, role, actor, pick, ready, _ = step
        role = role or USUAL_ROLE[type]
        stages = self.sc.policy.stages
        nxt = self.sc.state().next_stage
        stage = nxt.code if pick < 0 and nxt else stages[pick % len(stages)].code
        self.sc.later(hours=hours)
        self.sc.record(type, role, actor or ACTOR_OF[role], stage=stage, ready=ready)

    @rule(
        skip=st.sampled_from([None, *PIECE_CODE]),  # at most one piece left out
        advance=st.sampled_from([True, True, False]),
    )
    def work_through_the_gate(self, skip: str | None, advance: bool) -> None:
        if self.sc.state().next_stage is None or self.sc.state().left_team:
            return
        self.sc.complete_gate(frozenset({skip} & set(self.sc.pieces())))
        if advance:
            event("advanced" if self.sc.advance() == [] else "advance refused")

    @rule()
    def officer_talks_it_through_and_resumes(self) -> None:
        state = self.sc.state()
        if state.left_team:
            return
        if state.move_requested:
            self.sc.ok("move_withdrawn", "officer")
        if self.sc.state().paused:
            self.sc.ok("reflection_discussed", "supervisor")
            self.sc.ok("resumed", "officer")
        assert self.sc.state().clearance == self.sc.state().stage_clearance

    @rule(role=st.sampled_from(["supervisor", "welfare_lead", "mentor", "officer"]))
    def try_to_advance(self, role: str) -> None:
        nxt = self.sc.state().next_stage
        self.sc.record("advanced", role, stage=nxt.code if nxt else None)

    @rule(
        type=st.sampled_from(["paused", "move_requested", "stepped_back"]), pick=st.integers(0, 4)
    )
    def officer_lowers(self, type: str, pick: int) -> None:
        before = self.sc.state()
        index = self.sc.stage_index
        if type == "stepped_back" and index == 0:
            return
        target = self.sc.policy.stages[pick % index] if type == "stepped_back" else None
        codes = self.sc.record(type, "officer", stage=target.code if target else None)
        if before.left_team:
            assert codes == ["pathway.left_team"]
            return
        assert codes == []
        after = self.sc.state()
        if target is None:
            assert after.clearance == NO_CLEARANCE
        else:
            assert after.stage == target
            assert rank(after.clearance.max_category) <= rank(target.max_category)

    @rule(role=st.sampled_from(SIGNERS))
    def supervisor_pauses(self, role: str) -> None:
        if self.sc.state().left_team:
            return
        assert self.sc.record("paused", role, note="We noticed you seem tired.") == []
        assert self.sc.state().pause_reason == "We noticed you seem tired."

    @rule(role=st.sampled_from(ROLES))
    def try_to_resume(self, role: str) -> None:
        log = list(self.sc.events)
        if self.sc.record("resumed", role) == []:
            event("resumed")
            assert role == "officer" and oracle_resume_allowed(log)

    @rule(flags=st.integers(0, 1), assessed=st.booleans())
    def other_apps_change_the_context(self, flags: int, assessed: bool) -> None:
        psych = (self.sc.now,) if assessed else self.sc.context.psych_assessments
        self.sc.context = GateContext(open_flags=flags, psych_assessments=psych)

    @rule(chance=st.integers(0, 9))
    def officer_may_leave(self, chance: int) -> None:
        if chance == 0:
            self.sc.record("left_team", "welfare_lead")

    @invariant()
    def every_advance_was_earned(self) -> None:
        assert_every_advance_was_earned(self.sc)

    @invariant()
    def clearance_stays_within_the_earned_stage(self) -> None:
        assert_clearance_within_earned_stage(self.sc)


PathwayMachine.TestCase.settings = settings(QUICK, max_examples=200, stateful_step_count=40)
test_pathway_machine = PathwayMachine.TestCase
