"""Requests to leave the team as pure rules: who may move a request on, deadlines, breaches.

Pure: no ORM and no clock; dates are passed in (in the force's time zone).

A request runs ``requested → acknowledged → agreed → moved``; the officer alone may end it
early by withdrawing it. There is deliberately no state, action or role that declines,
cancels or hides a request (DESIGN.md §7): the only refusals here are about the order of the
steps and who takes them.

Deadlines are working days of the force's nation after the day of the request (defaults:
acknowledge within 2, agree a destination within 10, move within 20).

Escalation of a missed deadline (a breach):

- ``welfare_lead``: the first working day after the deadline, if the step was still not
  taken by the end of the deadline day;
- ``senior_leader``: for the acknowledge and agree deadlines, two working days after the
  welfare lead was told, if the step is still not taken by then; for the move deadline, the
  same day as the welfare lead, because the move is the promise itself and 20 working days
  have already passed.

A breach that happened stays in the list after the step is finally taken (it is the record
that the deadline was missed); a deadline met on time never breaches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from wellgate.calendar import working_days_after
from wellgate.errors import Refused
from wellgate.policy import rules as policy_rules
from wellgate.support.rules import long_date

MoveState = Literal["requested", "acknowledged", "agreed", "moved", "withdrawn"]
STATES: tuple[MoveState, ...] = ("requested", "acknowledged", "agreed", "moved", "withdrawn")
FINAL_STATES: tuple[str, ...] = ("moved", "withdrawn")
STATE_LABELS: dict[str, str] = {
    "requested": "Requested",
    "acknowledged": "Acknowledged",
    "agreed": "Destination agreed",
    "moved": "Moved",
    "withdrawn": "Withdrawn by the officer",
}

ACTIONS: tuple[str, ...] = ("acknowledge", "agree", "moved", "withdraw")
# The roles that take a request forward; the officer is never one of them for their own.
ACTING_ROLES: tuple[str, ...] = ("supervisor", "welfare_lead")
# Words people reach for that the design rules out; refused with their own code.
NO_SUCH_ACTIONS: tuple[str, ...] = ("decline", "reject", "refuse", "cancel", "close", "delete")

# action -> (the state it starts from, the state it leads to)
_STEPS: dict[str, tuple[MoveState, MoveState]] = {
    "acknowledge": ("requested", "acknowledged"),
    "agree": ("acknowledged", "agreed"),
    "moved": ("agreed", "moved"),
}
_NEXT_ACTION: dict[str, str] = {
    "requested": "acknowledge it",
    "acknowledged": "agree a destination",
    "agreed": "record the move",
}


def transition(
    state: str,
    action: str,
    by_role: str,
    is_officer_self: bool,
    destination: str | None = None,
) -> MoveState:
    """The state after ``action``, or ``Refused``.

    ``by_role`` is the actor's role towards this officer (``officer``, ``supervisor``,
    ``welfare_lead`` …); ``is_officer_self`` is whether the actor is the officer who asked.
    ``agree`` needs a ``destination``.

    Codes: ``move.no_decline``, ``move.unknown_action``, ``move.unknown_state``,
    ``move.finished``, ``move.withdraw_officer_only``, ``move.own_request``,
    ``move.role_not_allowed``, ``move.out_of_order``, ``move.destination_required``.
    """
    if state not in STATES:
        raise Refused.one("move.unknown_state", f"“{state}” is not a state of a move request.")
    if action in NO_SUCH_ACTIONS:
        raise Refused.one(
            "move.no_decline",
            "A request to leave the team cannot be declined, cancelled or closed by anyone; "
            "only the officer can withdraw it.",
            "action",
        )
    if action not in ACTIONS:
        raise Refused.one(
            "move.unknown_action",
            f"“{action}” is not a step of a move request; the steps are {', '.join(ACTIONS)}.",
            "action",
        )
    if state in FINAL_STATES:
        raise Refused.one(
            "move.finished",
            f"This request is already {STATE_LABELS[state].lower()}; nothing more can change.",
        )
    if action == "withdraw":
        if not is_officer_self:
            raise Refused.one(
                "move.withdraw_officer_only",
                "Only the officer who asked to leave can withdraw the request.",
                status=403,
            )
        return "withdrawn"
    if is_officer_self:
        raise Refused.one(
            "move.own_request",
            "You cannot take your own request forward; your supervisor or the welfare lead "
            "does that.",
            status=403,
        )
    if by_role not in ACTING_ROLES:
        raise Refused.one(
            "move.role_not_allowed",
            "Only the officer's supervisor or the welfare lead can take a request forward.",
            status=403,
        )
    start, end = _STEPS[action]
    if state != start:
        raise Refused.one(
            "move.out_of_order",
            f"This request is {STATE_LABELS[state].lower()}; the next step is to "
            f"{_NEXT_ACTION[state]}.",
        )
    if action == "agree" and not (destination or "").strip():
        raise Refused.one(
            "move.destination_required",
            "Say where the officer is moving to.",
            "destination",
        )
    return end


def allowed_actions(state: str, by_role: str, is_officer_self: bool) -> tuple[str, ...]:
    """The actions this person may take now (to decide which buttons to show)."""
    allowed = []
    for action in ACTIONS:
        try:
            transition(state, action, by_role, is_officer_self, destination="-")
        except Refused:
            continue
        allowed.append(action)
    return tuple(allowed)


# --- Deadlines and breaches ---------------------------------------------------------------

Stage = Literal["acknowledge", "agree", "move"]
STAGES: tuple[Stage, ...] = ("acknowledge", "agree", "move")
STAGE_LABELS: dict[str, str] = {
    "acknowledge": "acknowledge the request",
    "agree": "agree a destination",
    "move": "move the officer",
}
# The same steps as the officer reads them.
OFFICER_STAGE_TEXT: dict[str, str] = {
    "acknowledge": "acknowledge your request",
    "agree": "agree where you will move to",
    "move": "complete your move",
}


@dataclass(frozen=True)
class Deadlines:
    """The last day each step may be taken on, in working days after the request."""

    acknowledge_by: dt.date
    agree_by: dt.date
    move_by: dt.date

    def for_stage(self, stage: str) -> dt.date:
        return {
            "acknowledge": self.acknowledge_by,
            "agree": self.agree_by,
            "move": self.move_by,
        }[stage]


def deadlines(requested_on: dt.date, policy: policy_rules.PolicySettings) -> Deadlines:
    """The deadlines of a request made on ``requested_on`` (a date in the force's zone)."""
    m = policy.moves
    return Deadlines(
        acknowledge_by=working_days_after(requested_on, m.acknowledge_working_days, policy.nation),
        agree_by=working_days_after(requested_on, m.agree_working_days, policy.nation),
        move_by=working_days_after(requested_on, m.move_working_days, policy.nation),
    )


@dataclass(frozen=True)
class Progress:
    """The days the request reached each state (``None``: not reached)."""

    acknowledged_on: dt.date | None = None
    agreed_on: dt.date | None = None
    moved_on: dt.date | None = None
    withdrawn_on: dt.date | None = None

    def stage_done_on(self, stage: str) -> dt.date | None:
        """When a stage was met: the first day it or any later stage was reached."""
        later = {
            "acknowledge": (self.acknowledged_on, self.agreed_on, self.moved_on),
            "agree": (self.agreed_on, self.moved_on),
            "move": (self.moved_on,),
        }[stage]
        reached = [d for d in later if d is not None]
        return min(reached) if reached else None


@dataclass(frozen=True)
class Breach:
    """A missed deadline and who is told, on which working day, once (by ``key``)."""

    stage: str
    due: dt.date
    level: Literal["welfare_lead", "senior_leader"]
    on_date: dt.date
    key: str
    message: str

    @property
    def code(self) -> str:
        return f"move.{self.stage}_missed"


def breach_schedule(
    request_key: str, deadlines: Deadlines, policy: policy_rules.PolicySettings
) -> list[Breach]:
    """Every escalation the request would cause if no step were ever taken, in date order."""
    nation = policy.nation
    schedule: list[Breach] = []
    for stage in STAGES:
        due = deadlines.for_stage(stage)
        welfare_on = working_days_after(due, 1, nation)
        senior_on = welfare_on if stage == "move" else working_days_after(welfare_on, 2, nation)
        what = f"The deadline to {STAGE_LABELS[stage]} ({long_date(due)}) was missed"
        schedule.append(
            Breach(
                stage,
                due,
                "welfare_lead",
                welfare_on,
                f"{request_key}:{stage}:welfare_lead",
                f"{what}; the welfare lead is told.",
            )
        )
        schedule.append(
            Breach(
                stage,
                due,
                "senior_leader",
                senior_on,
                f"{request_key}:{stage}:senior_leader",
                f"{what}; a senior leader is told.",
            )
        )
    return sorted(schedule, key=lambda b: (b.on_date, STAGES.index(b.stage)))


def breaches(
    request_key: str,
    deadlines: Deadlines,
    progress: Progress,
    policy: policy_rules.PolicySettings,
    today: dt.date,
) -> list[Breach]:
    """The escalations that have fallen due by ``today``.

    An escalation happens on its day when its step had not been taken before that day and
    the officer had not withdrawn the request before that day. The list includes past
    breaches whose step was taken late, so it is the full record; send the ones whose key
    was not sent before.
    """
    found = []
    for breach in breach_schedule(request_key, deadlines, policy):
        if breach.on_date > today:
            continue
        done_on = progress.stage_done_on(breach.stage)
        if done_on is not None and done_on < breach.on_date:
            continue
        if progress.withdrawn_on is not None and progress.withdrawn_on < breach.on_date:
            continue
        found.append(breach)
    return found


def missed_deadlines(deadlines: Deadlines, progress: Progress, today: dt.date) -> tuple[str, ...]:
    """The stages whose deadline passed before the step was taken (for "deadlines met").

    Unlike ``breaches`` this counts a step taken late before anyone was told (say on the
    Saturday after a Friday deadline); a request withdrawn before a deadline misses nothing.
    """
    missed = []
    for stage in STAGES:
        due = deadlines.for_stage(stage)
        done_on = progress.stage_done_on(stage)
        if done_on is not None:
            late = done_on > due
        elif progress.withdrawn_on is not None:
            late = progress.withdrawn_on > due
        else:
            late = today > due
        if late:
            missed.append(stage)
    return tuple(missed)


@dataclass(frozen=True)
class NextStep:
    """What happens next on a request and by when; ``message`` is written to the officer."""

    stage: str
    due: dt.date
    overdue: bool
    message: str


def next_step(state: str, deadlines: Deadlines, today: dt.date) -> NextStep | None:
    """The step still to take and its deadline; ``None`` once moved or withdrawn."""
    stage = {"requested": "acknowledge", "acknowledged": "agree", "agreed": "move"}.get(state)
    if stage is None:
        return None
    due = deadlines.for_stage(stage)
    overdue = today > due
    message = (
        f"Your supervisor or the welfare lead will {OFFICER_STAGE_TEXT[stage]} by {long_date(due)}."
        if not overdue
        else f"The deadline to {OFFICER_STAGE_TEXT[stage]} was {long_date(due)}; the welfare "
        "lead is told, then a senior leader."
    )
    return NextStep(stage, due, overdue, message)


# --- Progress as people read it -----------------------------------------------------------

StageStatus = Literal["done", "done_late", "due", "overdue", "not_needed"]


@dataclass(frozen=True)
class StageRow:
    """One deadline of a request as a row of its progress: what, by when, where it stands."""

    stage: str
    label: str
    due: dt.date
    status: StageStatus
    done_on: dt.date | None

    @property
    def sentence(self) -> str:
        if self.status == "done":
            return f"Done on {long_date(self.done_on)}" if self.done_on else "Done"
        if self.status == "done_late":
            return f"Done on {long_date(self.done_on)}, after the deadline" if self.done_on else ""
        if self.status == "overdue":
            return f"Overdue: it was due by {long_date(self.due)}"
        if self.status == "not_needed":
            return "Not needed: the request was withdrawn"
        return f"Due by {long_date(self.due)}"


def stage_rows(deadlines: Deadlines, progress: Progress, today: dt.date) -> list[StageRow]:
    """Each step's deadline and status, in order (for the request's progress page)."""
    rows = []
    for stage in STAGES:
        due = deadlines.for_stage(stage)
        done_on = progress.stage_done_on(stage)
        status: StageStatus
        if done_on is not None:
            status = "done" if done_on <= due else "done_late"
        elif progress.withdrawn_on is not None:
            status = "not_needed"
        else:
            status = "overdue" if today > due else "due"
        rows.append(StageRow(stage, STAGE_LABELS[stage], due, status, done_on))
    return rows


Outcome = Literal["met", "missed", "open"]


def deadline_outcome(
    stage: str, deadlines: Deadlines, progress: Progress, today: dt.date
) -> Outcome:
    """For "deadlines met": met in time, missed, or neither yet (or never needed)."""
    if stage in missed_deadlines(deadlines, progress, today):
        return "missed"
    done_on = progress.stage_done_on(stage)
    return "met" if done_on is not None else "open"
