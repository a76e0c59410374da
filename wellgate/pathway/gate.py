"""The gate to the next pathway stage: one small function per requirement (DESIGN.md §4).

``unmet`` composes them in the order people read them. Pure, like ``rules.py``, which imports
this module (never the other way round).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from wellgate.calendar import zone_of
from wellgate.errors import Detail
from wellgate.pathway.events import Event
from wellgate.policy.rules import Gate, PolicySettings, Stage


@dataclass(frozen=True)
class GateContext:
    """Facts owned by other apps that a gate depends on, passed in by the caller."""

    open_flags: int = 0  # open flags everyone responsible may see (never a private one)
    psych_assessments: tuple[datetime, ...] = ()  # when assessments were attended
    welfare_hold: bool = False  # the welfare lead holds the pathway (on a matter not named)


# --------------------------------------------------------------------------- wording


def _zone(policy: PolicySettings) -> tzinfo:
    try:
        return zone_of(policy)
    except ValueError:
        return UTC  # a policy is validated before use; never fail a read over wording


def _day(at: datetime, policy: PolicySettings) -> str:
    local = at.astimezone(_zone(policy))
    return f"{local.day} {local:%B %Y}"


def _moment(at: datetime, policy: PolicySettings) -> str:
    local = at.astimezone(_zone(policy))
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------------------- requirements


def _positions(ev: Sequence[Event], kind: str) -> list[int]:
    return [k for k, e in enumerate(ev) if e.type == kind]


# The first stage's gate: evidence that must simply exist since entering it.
_INDUCTION = (
    (
        "briefing_given",
        "gate.briefing",
        "Have the categories explained to you in conversation by your supervisor or mentor.",
    ),
    ("guidance_acknowledged", "gate.guidance", "Read the wellbeing guidance and acknowledge it."),
    ("mentor_assigned", "gate.mentor", "Your supervisor assigns you a mentor."),
)


def _need_induction(ev: Sequence[Event]) -> list[Detail]:
    return [Detail(code, message) for kind, code, message in _INDUCTION if not _positions(ev, kind)]


def _need_supervised_sessions(ev: Sequence[Event], gate: Gate) -> Detail | None:
    done = len(_positions(ev, "supervised_session"))
    if done >= gate.min_supervised_sessions:
        return None
    return Detail(
        "gate.supervised_sessions",
        f"{done} of {_plural(gate.min_supervised_sessions, 'supervised session')} done at this "
        "stage.",
    )


def _need_reflection_period(
    ev: Sequence[Event], policy: PolicySettings, now: datetime
) -> Detail | None:
    # The reflection period runs from the first session; a zero-day period needs none.
    gate = policy.gate
    if gate.reflection_days <= 0:
        return None
    days = _plural(gate.reflection_days, "day")
    sessions = _positions(ev, "supervised_session")
    if not sessions:
        return Detail(
            "gate.reflection_period",
            f"The {days} reflection period starts at your first supervised session at this stage.",
        )
    first = ev[sessions[0]].recorded_at
    ends = first + timedelta(days=gate.reflection_days)
    if now >= ends:
        return None
    return Detail(
        "gate.reflection_period",
        f"Wait until {_moment(ends, policy)}: the reflection period is {days} from your first "
        f"session at this stage ({_day(first, policy)}).",
    )


def _conversation_after_sessions(ev: Sequence[Event]) -> int | None:
    """Where the first reflection discussion after the last session is in ``ev`` (None: none)."""
    sessions = _positions(ev, "supervised_session")
    last_session = sessions[-1] if sessions else -1
    talks = [k for k in _positions(ev, "reflection_discussed") if k > last_session]
    return talks[0] if talks else None


def _need_reflection_discussion(ev: Sequence[Event]) -> Detail | None:
    if _conversation_after_sessions(ev) is not None:
        return None
    return Detail(
        "gate.reflection_discussion",
        "Talk it through with your supervisor or mentor after your last session."
        if _positions(ev, "supervised_session")
        else "Talk it through with your supervisor or mentor.",
    )


def _need_readiness(
    ev: Sequence[Event], policy: PolicySettings, now: datetime, after: int | None
) -> Detail | None:
    """The latest readiness must be a fresh "yes" made after position ``after`` (None: there
    was no qualifying conversation, so no "yes" can count yet)."""
    readiness = _positions(ev, "readiness_declared")
    if not readiness:
        return Detail(
            "gate.readiness",
            "Say when you feel able to view more: only you can declare that you are ready.",
        )
    latest = ev[readiness[-1]]
    if not latest.ready:
        # A "no" cancels every earlier "yes": the officer has to say yes again.
        return Detail(
            "gate.readiness",
            f"On {_day(latest.recorded_at, policy)} you said you do not feel ready yet. "
            "That is fine; say so when you feel able to view more.",
        )
    if after is None or readiness[-1] < after:
        return Detail(
            "gate.readiness",
            "Say whether you feel able to view more after talking it through with your "
            "supervisor or mentor.",
        )
    max_age = policy.gate.readiness_max_age_days
    if now - latest.recorded_at > timedelta(days=max_age):
        return Detail(
            "gate.readiness",
            f"You said you felt ready on {_day(latest.recorded_at, policy)}, more than "
            f"{_plural(max_age, 'day')} ago; say again whether you feel able to view more.",
        )
    return None


def _need_sign_off(ev: Sequence[Event], ready_at: int | None) -> Detail | None:
    if ready_at is None:
        return Detail(
            "gate.sign_off",
            "Your supervisor or the welfare lead signs off after you say you feel ready.",
        )
    if any(k > ready_at for k in _positions(ev, "signed_off")):
        return None
    return Detail(
        "gate.sign_off",
        "Ask your supervisor or the welfare lead to sign off: you have said you feel ready.",
    )


def _need_no_open_flags(context: GateContext) -> Detail | None:
    if context.open_flags <= 0:
        return None
    return Detail(
        "gate.open_flags", "An open welfare matter must first be closed with a conversation."
    )


def _need_no_welfare_hold(context: GateContext) -> Detail | None:
    if not context.welfare_hold:
        return None
    return Detail(
        "gate.welfare_hold",
        "The welfare lead is following something up; they will tell you when it is done.",
    )


def _need_psych_assessment(
    target: Stage, policy: PolicySettings, now: datetime, context: GateContext
) -> Detail | None:
    gate = policy.gate
    if target.code not in gate.psych_assessment_before:
        return None
    max_age = timedelta(days=gate.psych_assessment_max_age_days)
    attended = [a for a in context.psych_assessments if a <= now]
    if any(now - a <= max_age for a in attended):
        return None
    last = (
        f" Your last one was on {_day(max(attended), policy)}."
        if attended
        else " You have not attended one yet."
    )
    return Detail(
        "gate.psych_assessment",
        f"Attend a psychological assessment before moving to “{target.label}”: it "
        f"must be within the last {_plural(gate.psych_assessment_max_age_days, 'day')}." + last,
    )


# --------------------------------------------------------------------------- the gate


def unmet(
    since: Sequence[Event],
    stage_index: int,
    policy: PolicySettings,
    now: datetime,
    context: GateContext,
) -> list[Detail]:
    """Unmet requirements for entering the stage after ``stage_index`` (ignores suspension).

    ``since`` is the gate evidence recorded since entering the current stage, in log order.
    """
    if stage_index + 1 >= len(policy.stages):
        return []
    target = policy.stages[stage_index + 1]
    out: list[Detail] = []
    if stage_index == 0:
        out.extend(_need_induction(since))
        readiness_after: int | None = -1  # no conversation is needed first: anywhere counts
    else:
        out.extend(
            d
            for d in (
                _need_supervised_sessions(since, policy.gate),
                _need_reflection_period(since, policy, now),
                _need_reflection_discussion(since),
            )
            if d is not None
        )
        readiness_after = _conversation_after_sessions(since)
    readiness = _need_readiness(since, policy, now, readiness_after)
    ready_at = _positions(since, "readiness_declared")[-1] if readiness is None else None
    out.extend(
        d
        for d in (
            readiness,
            _need_sign_off(since, ready_at),
            _need_no_open_flags(context),
            _need_no_welfare_hold(context),
            _need_psych_assessment(target, policy, now, context),
        )
        if d is not None
    )
    return out
