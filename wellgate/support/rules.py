"""Welfare support as pure rules: working days, obligation cadences, escalation, checklists.

Pure: no ORM and no clock. Every function that needs "today" takes it as an argument, so the
periodic job, the pages and the tests all ask the same question and get the same answer.

Working days and month arithmetic come from the force calendar (``wellgate.calendar``).

Obligations follow DESIGN.md §6:

- a recurring obligation (psychological assessment, 1:1, welfare day, workload review) is
  next due one cadence after the last one *done* (on the day it was done), or after the last
  one *missed* (on the day it was due), or after joining when there is none yet;
- structured reviews fall at fixed milestones after joining (3 and 6 months), then one
  cadence (12 months) after the last one; the "still right for you?" review falls 36 months
  after joining and every 36 months after the last one;
- only one obligation of each kind is outstanding at a time, and a newly planned one is
  never due before ``today`` (an officer added late is not born overdue);
- a debrief is not on a cadence: it is planned from an event (``plan_debrief``).

Planning is idempotent: ``plan_obligations`` returns only what is missing, so running it
again over its own output plans nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from wellgate.calendar import add_months, working_day_on_or_after, working_days_after
from wellgate.errors import Refused
from wellgate.policy import rules as policy_rules

# --- Dates --------------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    """A date the way people write it in the UK: ``26 March 2027``."""
    return f"{day.day} {day:%B %Y}"


# --- Vocabulary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """An entry of a fixed list: a stable code and the words people see."""

    code: str
    label: str


OBLIGATION_KINDS: tuple[Choice, ...] = (
    Choice("psych_assessment", "Psychological assessment"),
    Choice("one_to_one", "1:1 with your supervisor"),
    Choice("welfare_day", "Welfare day"),
    Choice("workload_review", "Workload review"),
    Choice("structured_review", "Structured review"),
    Choice("still_right_review", "“Still right for you?” review"),
    Choice("debrief", "Debrief"),
)
KIND_CODES: tuple[str, ...] = tuple(c.code for c in OBLIGATION_KINDS)
KIND_LABELS: dict[str, str] = {c.code: c.label for c in OBLIGATION_KINDS}
# Planned from the policy cadences; a debrief is planned from an event instead.
CADENCE_KINDS: tuple[str, ...] = (
    "psych_assessment",
    "one_to_one",
    "welfare_day",
    "workload_review",
    "structured_review",
    "still_right_review",
)
# Who records each kind (DESIGN.md §6); access itself is decided by ``people``.
RECORDED_BY: dict[str, tuple[str, ...]] = {
    "psych_assessment": ("welfare_lead",),
    "one_to_one": ("supervisor",),
    "welfare_day": ("officer", "supervisor"),
    "workload_review": ("supervisor",),
    "structured_review": ("supervisor", "senior_leader"),
    "still_right_review": ("supervisor", "senior_leader"),
    "debrief": ("supervisor",),
}

# "stopped": the officer left the team while it was still due (nothing more is expected).
ObligationState = Literal["due", "done", "missed", "rescheduled", "stopped"]
OBLIGATION_STATES: tuple[str, ...] = ("due", "done", "missed", "rescheduled", "stopped")
OUTSTANDING_STATES: tuple[str, ...] = ("due", "rescheduled")

STRESS_SIGNS: tuple[Choice, ...] = (
    Choice("withdrawal", "Withdrawal from colleagues, friends or family"),
    Choice("irritability", "Irritability or a short temper"),
    Choice("fatigue", "Fatigue or poor sleep"),
    Choice("sickness_absence", "Sickness absence"),
    Choice("lateness", "Lateness"),
    Choice("cynicism", "Cynicism or desensitised remarks"),
    Choice("hypervigilance", "Hypervigilance"),
    Choice("over_protectiveness", "Over-protectiveness, for example of their own children"),
    Choice("drinking", "Changes in drinking"),
    Choice("intrusive_thoughts", "Intrusive thoughts or images mentioned"),
)
STRESS_SIGN_CODES: tuple[str, ...] = tuple(c.code for c in STRESS_SIGNS)

TIME_AWAY_KINDS: tuple[Choice, ...] = (
    Choice("short_break", "A break away from the screen"),
    Choice("rest_of_day", "The rest of the day away from viewing"),
    Choice("non_viewing_day", "A day on work that involves no viewing"),
)
TIME_AWAY_CODES: tuple[str, ...] = tuple(c.code for c in TIME_AWAY_KINDS)


def unknown_stress_signs(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes that are not on the checklist, in the order given (empty: all known)."""
    return tuple(c for c in codes if c not in STRESS_SIGN_CODES)


def observation_flag(signs: Collection[str]) -> Literal["amber"] | None:
    """The flag an observation opens: amber when any sign was ticked, else none."""
    return "amber" if signs else None


# --- Obligations --------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationRecord:
    """An obligation as stored: its kind, dates and state.

    ``key`` is stable and unique per officer (``f"{kind}:{due_on}"`` for planned ones). A
    rescheduled obligation stays outstanding, now due on ``rescheduled_to``; ``due_on`` keeps
    the original date visible.
    """

    kind: str
    due_on: dt.date
    state: ObligationState
    key: str
    done_on: dt.date | None = None
    rescheduled_to: dt.date | None = None

    def __post_init__(self) -> None:
        if self.kind not in KIND_CODES:
            raise ValueError(f"Unknown obligation kind {self.kind!r}.")
        if self.state not in OBLIGATION_STATES:
            raise ValueError(f"Unknown obligation state {self.state!r}.")
        if self.state == "rescheduled" and self.rescheduled_to is None:
            raise ValueError("A rescheduled obligation needs its new date.")

    @property
    def effective_due(self) -> dt.date:
        """The date it is due now: the new date after a reschedule, else the original."""
        return self.rescheduled_to if self.rescheduled_to is not None else self.due_on

    @property
    def outstanding(self) -> bool:
        """Still to be done (due or rescheduled)."""
        return self.state in OUTSTANDING_STATES

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Planned:
    """An obligation to create: what, when, and the key that makes creating it idempotent."""

    kind: str
    due_on: dt.date
    key: str


@dataclass(frozen=True)
class _Cadence:
    unit: Literal["months", "weeks"]
    milestones: tuple[int, ...]  # offsets from joining, in ``unit``
    every: int  # after the milestones, counted from the last one done or missed

    def shift(self, day: dt.date, amount: int) -> dt.date:
        if self.unit == "months":
            return add_months(day, amount)
        return day + dt.timedelta(weeks=amount)


def _cadence(kind: str, c: policy_rules.Cadences) -> _Cadence:
    cadences = {
        "psych_assessment": _Cadence("months", (), c.psych_assessment_months),
        "one_to_one": _Cadence("weeks", (), c.one_to_one_weeks),
        "welfare_day": _Cadence("months", (), c.welfare_day_months),
        "workload_review": _Cadence("weeks", (), c.workload_review_weeks),
        "structured_review": _Cadence(
            "months",
            tuple(sorted(c.structured_review_months)),
            c.structured_review_then_every_months,
        ),
        "still_right_review": _Cadence(
            "months", (c.still_right_review_months,), c.still_right_review_months
        ),
    }
    try:
        return cadences[kind]
    except KeyError:
        raise ValueError(f"{kind!r} is not planned from a cadence.") from None


def _anchor(record: ObligationRecord) -> dt.date:
    # A done obligation counts from the day it was done, a missed one from its due date.
    if record.state == "done" and record.done_on is not None:
        return record.done_on
    return record.effective_due


def _free_key(kind: str, due_on: dt.date, taken: set[str]) -> str:
    # Done early, the next due date can equal the last one's: suffix rather than skip it.
    key = f"{kind}:{due_on.isoformat()}"
    n = 2
    while key in taken:
        key = f"{kind}:{due_on.isoformat()}#{n}"
        n += 1
    return key


def next_due(
    kind: str,
    joined_on: dt.date,
    history: Sequence[ObligationRecord],
    policy: policy_rules.PolicySettings,
    today: dt.date,
) -> list[Planned]:
    """The next obligation of ``kind`` to create, or nothing while one is outstanding.

    ``history`` is the officer's obligations (of any kind; others are ignored).
    """
    cadence = _cadence(kind, policy.cadences)
    own = [r for r in history if r.kind == kind]
    if any(r.outstanding for r in own):
        return []
    anchor = max((_anchor(r) for r in own), default=joined_on)
    upcoming = [d for d in (cadence.shift(joined_on, m) for m in cadence.milestones) if d > anchor]
    due = upcoming[0] if upcoming else cadence.shift(anchor, cadence.every)
    due = max(due, today)
    return [Planned(kind, due, _free_key(kind, due, {r.key for r in history}))]


DEFAULT_HORIZON_DAYS = 190  # so the next six-monthly assessment is always there to book


def plan_obligations(
    joined_on: dt.date,
    existing: Sequence[ObligationRecord],
    policy: policy_rules.PolicySettings,
    today: dt.date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[Planned]:
    """Every cadence obligation missing from ``existing`` and due within the horizon.

    Idempotent: once the returned obligations are stored, planning again returns nothing
    until one of them is done or missed.
    """
    until = today + dt.timedelta(days=horizon_days)
    planned: list[Planned] = []
    for kind in CADENCE_KINDS:
        planned.extend(
            p for p in next_due(kind, joined_on, existing, policy, today) if p.due_on <= until
        )
    return planned


def debrief_due(exposed_on: dt.date, policy: policy_rules.PolicySettings) -> dt.date:
    """When a debrief after an event on ``exposed_on`` is due (3 working days by default)."""
    return working_days_after(exposed_on, policy.cadences.debrief_working_days, policy.nation)


def plan_debrief(
    source_key: str, occurred_on: dt.date, policy: policy_rules.PolicySettings
) -> Planned:
    """A debrief for one event (an unexpected exposure, a distressing case, a case closed).

    ``source_key`` names the event (for example ``"session:42"``), so the same event never
    plans two debriefs.
    """
    return Planned("debrief", debrief_due(occurred_on, policy), f"debrief:{source_key}")


def complete(record: ObligationRecord, done_on: dt.date, today: dt.date) -> ObligationRecord:
    """The obligation marked done on ``done_on``; refused when closed or dated in the future."""
    _refuse_if_closed(record)
    if done_on > today:
        raise Refused.one(
            "obligation.done_in_future",
            "Record it as done on the day it happened, not a day still to come.",
            "done_on",
        )
    return replace(record, state="done", done_on=done_on)


def miss(record: ObligationRecord, today: dt.date) -> ObligationRecord:
    """The obligation marked missed; refused when closed or not yet due."""
    _refuse_if_closed(record)
    if today < record.effective_due:
        raise Refused.one(
            "obligation.not_yet_due",
            f"It is due on {long_date(record.effective_due)}; it cannot be missed before then. "
            "Reschedule it instead.",
        )
    return replace(record, state="missed")


def reschedule(record: ObligationRecord, new_date: dt.date, today: dt.date) -> ObligationRecord:
    """The obligation moved to ``new_date``; the original due date stays on the record."""
    _refuse_if_closed(record)
    if new_date < today:
        raise Refused.one(
            "obligation.reschedule_in_past",
            "Choose a new date from today onwards.",
            "rescheduled_to",
        )
    if new_date == record.effective_due:
        raise Refused.one(
            "obligation.reschedule_same_date",
            f"It is already due on {long_date(new_date)}; choose a different date.",
            "rescheduled_to",
        )
    return replace(record, state="rescheduled", rescheduled_to=new_date)


def _refuse_if_closed(record: ObligationRecord) -> None:
    if not record.outstanding:
        raise Refused.one(
            "obligation.closed",
            f"This {record.label.lower()} is already recorded as {record.state}; "
            "nothing is changed after that. Add a new entry if something needs correcting.",
        )


# --- Escalation ---------------------------------------------------------------------------

ESCALATION_LEVELS: tuple[str, ...] = ("overdue", "welfare_lead", "senior_leader")
ESCALATION_NOTIFY: dict[str, tuple[str, ...]] = {
    "overdue": ("officer", "supervisor"),
    "welfare_lead": ("welfare_lead",),
    "senior_leader": ("senior_leader",),
}


@dataclass(frozen=True)
class Escalation:
    """A notification an overdue obligation causes, on a working day, once (by ``key``)."""

    level: str
    key: str
    on_date: dt.date
    notify: tuple[str, ...]
    message: str

    @property
    def code(self) -> str:
        return f"obligation.{self.level}"


def is_overdue(obligation: ObligationRecord, today: dt.date) -> bool:
    """Outstanding and its (possibly rescheduled) due date has passed."""
    return obligation.outstanding and today > obligation.effective_due


def escalation_schedule(
    obligation: ObligationRecord, policy: policy_rules.PolicySettings
) -> list[Escalation]:
    """Every escalation this obligation will cause if it stays outstanding, in date order.

    Rule (the policy intervals are calendar days; notices go out on working days):

    - ``overdue`` (officer and supervisor): the first working day after the due date;
    - ``welfare_lead``: the first working day on or after due date + the welfare-lead
      interval (14 days by default);
    - ``senior_leader``, psychological assessments only: the first working day on or after
      due date + the senior interval (30 days by default).

    A rescheduled obligation escalates from its new date, under keys that name that date,
    so a reschedule after a notice still earns a fresh notice if the new date slips too.
    Done and missed obligations cause nothing.
    """
    if not obligation.outstanding:
        return []
    due = obligation.effective_due
    nation = policy.nation
    base = obligation.key
    if obligation.state == "rescheduled":
        base = f"{obligation.key}@{due.isoformat()}"
    what = f"The {obligation.label.lower()} due on {long_date(due)}"
    steps: list[tuple[str, dt.date, str]] = [
        ("overdue", working_days_after(due, 1, nation), f"{what} is overdue."),
        (
            "welfare_lead",
            working_day_on_or_after(
                due + dt.timedelta(days=policy.escalation.overdue_to_welfare_lead_days), nation
            ),
            f"{what} is {policy.escalation.overdue_to_welfare_lead_days} days overdue; "
            "the welfare lead is told.",
        ),
    ]
    if obligation.kind == "psych_assessment":
        steps.append(
            (
                "senior_leader",
                working_day_on_or_after(
                    due + dt.timedelta(days=policy.escalation.psych_overdue_to_senior_days),
                    nation,
                ),
                f"{what} is {policy.escalation.psych_overdue_to_senior_days} days overdue; "
                "a senior leader is told.",
            )
        )
    return [
        Escalation(level, f"{base}:{level}", on, ESCALATION_NOTIFY[level], message)
        for level, on, message in steps
    ]


def escalations(
    obligation: ObligationRecord, policy: policy_rules.PolicySettings, today: dt.date
) -> list[Escalation]:
    """The escalations due by ``today``; send those whose key has not been sent yet."""
    return [e for e in escalation_schedule(obligation, policy) if e.on_date <= today]
