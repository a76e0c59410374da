"""The staged-exposure pathway as a pure function of an officer's event log (DESIGN.md §4).

``evaluate`` replays the append-only events under a policy and says where the officer stands:
stage, clearance, pause, and the unmet requirements of the next gate. ``decide`` says whether a
proposed event may be written; the service writes an event only when it returns ``[]``.

Pure: the standard library, ``wellgate.policy.rules``, ``events.py`` and ``gate.py`` only. No ORM and no clock: ``now`` is
always passed in, and every gate timing uses the server's ``recorded_at``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wellgate.errors import Detail
from wellgate.pathway.events import NO_CLEARANCE, Clearance, Event
from wellgate.pathway.gate import GateContext
from wellgate.pathway.gate import unmet as unmet_requirements
from wellgate.policy.rules import PolicySettings, Stage

EVENT_TYPES = (
    "joined",
    "briefing_given",
    "guidance_acknowledged",
    "mentor_assigned",
    "supervised_session",
    "reflection_discussed",
    "readiness_declared",
    "signed_off",
    "advanced",
    "paused",
    "resumed",
    "stepped_back",
    "move_requested",
    "move_withdrawn",
    "left_team",
)
ROLES = ("officer", "supervisor", "mentor", "welfare_lead", "senior_leader", "system")

# Who may record what. "officer" always means the officer acting on their own pathway.
SIGNERS = ("supervisor", "welfare_lead")
STAFF = ("supervisor", "mentor", "welfare_lead")
SESSION_RECORDERS = (*STAFF, "system")
JOIN_RECORDERS = ("supervisor", "welfare_lead", "senior_leader", "system")
LEAVE_RECORDERS = ("supervisor", "welfare_lead", "senior_leader", "system")  # or the officer

# Evidence that counts towards a gate, and who must have recorded it for it to count.
_EVIDENCE_RECORDERS: dict[str, tuple[str, ...]] = {
    "briefing_given": STAFF,
    "guidance_acknowledged": ("officer",),
    "mentor_assigned": STAFF,
    "supervised_session": SESSION_RECORDERS,
    "reflection_discussed": STAFF,
    "readiness_declared": ("officer",),
    "signed_off": SIGNERS,
}


@dataclass(frozen=True)
class StageEntry:
    """One stage the officer entered, with the grant recorded by the event that entered it."""

    stage: Stage
    entered_at: datetime
    how: str  # "joined" | "advanced" | "stepped_back"
    granted: Clearance | None  # None: recorded before grants were kept
    policy_version: int | None  # the version granted under (0: the defaults; None: unknown)


@dataclass(frozen=True)
class PathwayState:
    """Where an officer stands on the pathway at one moment."""

    stage: Stage
    clearance: Clearance  # effective now (nothing while suspended)
    # What the officer holds at this stage, ignoring suspension: the grant recorded when they
    # entered it, lowered to what the stage of the current policy allows.
    stage_clearance: Clearance
    paused: bool
    paused_by_role: str | None  # "officer" | "supervisor" | "welfare_lead" | None
    pause_reason: str  # the supervisor's / welfare lead's reason ("" for the officer's own)
    move_requested: bool  # an open move request suspends clearance too
    left_team: bool
    stage_entered_at: datetime | None
    supervised_sessions_at_stage: int
    next_stage: Stage | None  # None at the last stage
    unmet: tuple[Detail, ...]  # unmet requirements of the next gate; empty = complete
    stage_granted: Clearance | None = None  # the most the recorded decisions allow (None: none)
    history: tuple[StageEntry, ...] = ()  # every stage entered, oldest first

    @property
    def entry(self) -> StageEntry | None:
        """How the officer entered the stage they are at (None before joining)."""
        return self.history[-1] if self.history else None

    @property
    def suspended(self) -> bool:
        """True while paused, while a move is requested, or after leaving the team."""
        return self.paused or self.move_requested or self.left_team

    @property
    def gate_complete(self) -> bool:
        """True when the officer may be advanced to the next stage now."""
        return self.next_stage is not None and not self.unmet and not self.suspended


def clearance_of(stage: Stage) -> Clearance:
    """The clearance a stage grants."""
    return Clearance(stage.max_category, tuple(stage.media), stage.supervised)


# --------------------------------------------------------------------------- replay


@dataclass
class _Replay:
    stage_index: int = 0
    entered_at: datetime | None = None
    joined: bool = False
    # Gate evidence since entering the current stage, in log order (only what counts).
    since: list[Event] = field(default_factory=list)
    # Pauses since the last resume; a withdrawn move request counts as the officer's own pause.
    pauses: list[Event] = field(default_factory=list)
    needs_conversation: bool = False
    move_open: bool = False
    left_team: bool = False
    # The most the recorded decisions allow now (None: none recorded, so no cap).
    ceiling: Clearance | None = None
    entries: list[tuple[int, Event, Clearance | None]] = field(default_factory=list)

    @property
    def paused(self) -> bool:
        return bool(self.pauses)

    @property
    def suspended(self) -> bool:
        return self.paused or self.move_open or self.left_team


def _is_self(e: Event) -> bool:
    return e.by_role == "officer" and e.actor_id == e.subject_id


def _is_staff_for_other(e: Event, roles: tuple[str, ...]) -> bool:
    return e.by_role in roles and e.actor_id != e.subject_id


def _counts_as_evidence(e: Event) -> bool:
    roles = _EVIDENCE_RECORDERS.get(e.type)
    if roles is None:
        return False
    return _is_self(e) if roles == ("officer",) else _is_staff_for_other(e, roles)


def _stage_index(policy: PolicySettings, code: str | None) -> int | None:
    for i, s in enumerate(policy.stages):
        if s.code == code:
            return i
    return None


def _replay(events: Sequence[Event], policy: PolicySettings) -> _Replay:
    rp = _Replay()
    # sorted() is stable, so events recorded at the same moment keep their log order.
    for e in sorted(events, key=lambda ev: ev.recorded_at):
        if rp.left_team:
            break  # terminal: nothing after leaving counts
        if e.type == "joined":
            if not rp.joined:
                rp.joined = True
                rp.entered_at = e.recorded_at
                if not rp.entries:
                    rp.ceiling = e.grant
                    rp.entries.append((0, e, e.grant))
        elif e.type == "advanced":
            # A recorded advance is a decision already made: trusted if it names the next stage,
            # and it holds only what it granted. One the current stages no longer place can
            # only lower what is held, so restructuring the stages never raises anyone.
            if _stage_index(policy, e.stage) == rp.stage_index + 1:
                _enter(rp, rp.stage_index + 1, e, e.grant)
            else:
                rp.ceiling = _lower(rp.ceiling, e.grant)
        elif e.type == "stepped_back":
            # A step back never gives more than was held before it, placed or not.
            capped = _lower(rp.ceiling, e.grant)
            target = _stage_index(policy, e.stage)
            if target is not None and target < rp.stage_index:
                _enter(rp, target, e, capped)
            else:
                rp.ceiling = capped
        elif e.type == "paused":
            # Lowering is always safe, so any recorded pause takes effect.
            rp.pauses.append(e)
            if not _is_self(e):
                rp.needs_conversation = True
        elif e.type == "resumed":
            if _is_self(e):
                rp.pauses = []
                rp.needs_conversation = False
        elif e.type == "move_requested":
            rp.move_open = True
        elif e.type == "move_withdrawn":
            if rp.move_open:
                rp.move_open = False
                rp.pauses.append(e)  # stays suspended until the officer resumes
        elif e.type == "left_team":
            rp.left_team = True
        elif _counts_as_evidence(e):
            if e.type == "reflection_discussed":
                rp.needs_conversation = False
            rp.since.append(e)
    return rp


def _enter(rp: _Replay, index: int, e: Event, granted: Clearance | None) -> None:
    # Entering a stage (up or down) starts its gate from nothing.
    rp.since = []
    rp.stage_index = index
    rp.entered_at = e.recorded_at
    rp.ceiling = granted
    rp.entries.append((index, e, granted))


def _lower(held: Clearance | None, grant: Clearance | None) -> Clearance | None:
    if held is None:
        return grant
    return held.meet(grant)


# --------------------------------------------------------------------------- gate


def _gate(rp: _Replay, policy: PolicySettings, now: datetime, context: GateContext) -> list[Detail]:
    """Unmet requirements for entering the next stage (ignores suspension)."""
    return unmet_requirements(rp.since, rp.stage_index, policy, now, context)


# --------------------------------------------------------------------------- public API


def evaluate(
    events: Sequence[Event],
    policy: PolicySettings,
    now: datetime,
    context: GateContext = GateContext(),  # noqa: B008 - frozen, so a shared default is safe
) -> PathwayState:
    """Replay an officer's events (in ``recorded_at`` order) and say where they stand at ``now``.

    Recorded advances are trusted, and each holds only the grant it recorded: a later policy
    never raises a clearance, though a stage it allows less at lowers it at once. A withdrawn
    move request leaves the officer paused (by themselves) until they resume.
    """
    rp = _replay(events, policy)
    stage = policy.stages[rp.stage_index]
    has_next = rp.stage_index + 1 < len(policy.stages)
    granted = _held(rp, policy)
    welfare_pauses = [p for p in rp.pauses if p.type == "paused" and p.by_role in SIGNERS]
    if welfare_pauses:
        paused_by: str | None = welfare_pauses[-1].by_role
    else:
        paused_by = "officer" if rp.pauses else None
    return PathwayState(
        stage=stage,
        clearance=NO_CLEARANCE if rp.suspended else granted,
        stage_clearance=granted,
        paused=rp.paused,
        paused_by_role=paused_by,
        pause_reason=welfare_pauses[-1].note if welfare_pauses else "",
        move_requested=rp.move_open,
        left_team=rp.left_team,
        stage_entered_at=rp.entered_at,
        supervised_sessions_at_stage=sum(1 for e in rp.since if e.type == "supervised_session"),
        next_stage=policy.stages[rp.stage_index + 1] if has_next else None,
        unmet=tuple(_gate(rp, policy, now, context)),
        stage_granted=rp.ceiling,
        history=tuple(
            StageEntry(policy.stages[i], e.recorded_at, e.type, g, e.policy_version)
            for i, e, g in rp.entries
        ),
    )


def _held(rp: _Replay, policy: PolicySettings) -> Clearance:
    # The recorded grant, never more than the stage of the current policy allows.
    return clearance_of(policy.stages[rp.stage_index]).meet(rp.ceiling)


def grant_of(events: Sequence[Event], policy: PolicySettings, accepted: Event) -> Clearance | None:
    """The clearance an accepted ``joined``, ``advanced`` or ``stepped_back`` grants, to record
    on it; ``None`` for every other event. A step back never grants more than was held."""
    if accepted.type == "joined":
        return clearance_of(policy.stages[0])
    target = _stage_index(policy, accepted.stage)
    if target is None or accepted.type not in ("advanced", "stepped_back"):
        return None
    grant = clearance_of(policy.stages[target])
    if accepted.type == "stepped_back":
        grant = grant.meet(_held(_replay(events, policy), policy))
    return grant


def clearance_at(events: Sequence[Event], policy: PolicySettings, at: datetime) -> Clearance:
    """The clearance held at a past moment: only events recorded by ``at`` count."""
    return evaluate([e for e in events if e.recorded_at <= at], policy, at).clearance


def decide(
    events: Sequence[Event],
    policy: PolicySettings,
    now: datetime,
    proposed: Event,
    context: GateContext = GateContext(),  # noqa: B008 - frozen, so a shared default is safe
) -> list[Detail]:
    """Whether ``proposed`` may be appended to ``events`` at ``now``: ``[]`` to accept.

    Otherwise every reason it is refused, each with a stable code. An ``advanced`` refused for
    an incomplete gate carries ``advance.gate_incomplete`` and every unmet gate code.
    """
    if proposed.type not in EVENT_TYPES:
        return [Detail("event.unknown_type", f"“{proposed.type}” is not a pathway event.")]
    rp = _replay(events, policy)
    if rp.left_team:
        return [
            Detail(
                "pathway.left_team",
                "This officer has left the team; their pathway is closed.",
            )
        ]
    refusals: list[Detail] = []
    if events and proposed.subject_id != events[0].subject_id:
        refusals.append(Detail("event.subject", "This event belongs to another officer's pathway."))
    if proposed.occurred_at > now:
        refusals.append(Detail("event.future", "The time it happened cannot be in the future."))
    refusals.extend(_CHECKS[proposed.type](proposed, rp, policy, now, context))
    return refusals


# --------------------------------------------------------------------------- per-event checks

_Check = Callable[[Event, _Replay, PolicySettings, datetime, GateContext], list[Detail]]


def _role_refusal(who: str, what: str) -> Detail:
    return Detail("event.role", f"Only {who} can record {what}.")


def _check_joined(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    out = []
    if not _is_staff_for_other(e, JOIN_RECORDERS):
        out.append(_role_refusal("a supervisor, the welfare lead or a senior leader", "a joiner"))
    if rp.joined:
        out.append(Detail("pathway.already_joined", "This officer's pathway has already started."))
    return out


def _staff_evidence(who: str, what: str, roles: tuple[str, ...]) -> _Check:
    def check(
        e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
    ) -> list[Detail]:
        # Nobody records evidence about their own pathway.
        return [] if _is_staff_for_other(e, roles) else [_role_refusal(who, what)]

    return check


def _check_guidance(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    if _is_self(e):
        return []
    return [_role_refusal("the officer themself", "that they have read the wellbeing guidance")]


def _check_readiness(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    out = []
    if not _is_self(e):
        out.append(
            Detail(
                "readiness.officer_only",
                "Only the officer can say whether they feel ready to view more.",
            )
        )
    if e.ready is None:
        out.append(Detail("readiness.no_answer", "Answer yes or no: do you feel ready?"))
    return out


def _check_sign_off(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    if _is_staff_for_other(e, SIGNERS):
        return []
    return [
        Detail(
            "sign_off.role",
            "Only the officer's supervisor or the welfare lead can sign off, and never for "
            "themselves.",
        )
    ]


def _check_advanced(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    out = []
    if e.by_role not in SIGNERS:
        out.append(
            Detail(
                "advance.role",
                "Only the officer's supervisor or the welfare lead can move them to the next "
                "stage.",
            )
        )
    if e.actor_id == e.subject_id:
        out.append(Detail("advance.self", "Nobody can move themselves to the next stage."))
    if rp.stage_index + 1 >= len(policy.stages):
        out.append(Detail("advance.last_stage", "This officer is already at the last stage."))
        return out
    target = policy.stages[rp.stage_index + 1]
    if e.stage != target.code:
        out.append(
            Detail(
                "advance.wrong_stage",
                f"The next stage is “{target.label}”; an officer moves one stage at a time.",
            )
        )
    if rp.suspended:
        out.append(
            Detail(
                "advance.suspended",
                "This officer's clearance is suspended (paused or a move requested); nobody "
                "moves them on until they resume.",
            )
        )
    unmet = _gate(rp, policy, now, ctx)
    if unmet:
        out.append(
            Detail(
                "advance.gate_incomplete",
                f"The gate to “{target.label}” is not complete yet.",
            )
        )
        out.extend(unmet)
    return out


def _check_paused(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    # The officer may always pause; a supervisor or welfare lead may too, with a reason.
    if _is_self(e) or _is_staff_for_other(e, SIGNERS):
        return []
    return [_role_refusal("the officer, their supervisor or the welfare lead", "a pause")]


def _check_resumed(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    out = []
    if not _is_self(e):
        out.append(Detail("resume.not_officer", "Only the officer can decide to resume."))
    if not rp.paused:
        out.append(
            Detail(
                "resume.not_paused",
                "Withdraw the move request first; then you can resume."
                if rp.move_open
                else "There is nothing to resume: the pathway is not paused.",
            )
        )
    elif rp.needs_conversation:
        out.append(
            Detail(
                "resume.needs_conversation",
                "Your pathway was paused by your supervisor or the welfare lead; talk it "
                "through with them before you resume.",
            )
        )
    return out


def _check_stepped_back(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    out = []
    if not (_is_self(e) or _is_staff_for_other(e, SIGNERS)):
        out.append(
            _role_refusal("the officer, their supervisor or the welfare lead", "a step back")
        )
    target = _stage_index(policy, e.stage)
    if target is None:
        out.append(
            Detail(
                "step_back.unknown_stage",
                f"“{e.stage}” is not a stage; choose one of "
                f"{', '.join(s.code for s in policy.stages[: rp.stage_index])}.",
            )
        )
    elif target >= rp.stage_index:
        out.append(
            Detail(
                "step_back.not_lower",
                f"Step back to a stage before “{policy.stages[rp.stage_index].label}”.",
            )
        )
    return out


def _check_move_requested(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    if _is_self(e):
        return []
    return [Detail("move.officer_only", "Only the officer can ask to leave the team.")]


def _check_move_withdrawn(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    out = []
    if not _is_self(e):
        out.append(Detail("move.officer_only", "Only the officer can withdraw their move request."))
    if not rp.move_open:
        out.append(Detail("move.not_requested", "There is no open move request to withdraw."))
    return out


def _check_left_team(
    e: Event, rp: _Replay, policy: PolicySettings, now: datetime, ctx: GateContext
) -> list[Detail]:
    if _is_self(e) or _is_staff_for_other(e, LEAVE_RECORDERS):
        return []
    return [
        _role_refusal(
            "the officer, their supervisor, the welfare lead or a senior leader",
            "that an officer left the team",
        )
    ]


_CHECKS: dict[str, _Check] = {
    "joined": _check_joined,
    "briefing_given": _staff_evidence(
        "a supervisor, mentor or the welfare lead", "the briefing", STAFF
    ),
    "guidance_acknowledged": _check_guidance,
    "mentor_assigned": _staff_evidence(
        "a supervisor, mentor or the welfare lead", "a mentor assignment", STAFF
    ),
    "supervised_session": _staff_evidence(
        "a supervisor, mentor, the welfare lead or Wellgate itself",
        "a supervised session",
        SESSION_RECORDERS,
    ),
    "reflection_discussed": _staff_evidence(
        "a supervisor, mentor or the welfare lead", "a reflection discussion", STAFF
    ),
    "readiness_declared": _check_readiness,
    "signed_off": _check_sign_off,
    "advanced": _check_advanced,
    "paused": _check_paused,
    "resumed": _check_resumed,
    "stepped_back": _check_stepped_back,
    "move_requested": _check_move_requested,
    "move_withdrawn": _check_move_withdrawn,
    "left_team": _check_left_team,
}
