"""Reads of the pathway that pages, the API and other apps share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from wellgate import clock
from wellgate.flags.queries import GateFlags, gate_flags
from wellgate.pathway import rules
from wellgate.pathway.models import GuidanceVersion, PathwayEvent
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person
from wellgate.policy import queries as policy_queries
from wellgate.support.queries import psych_assessments_attended_by_officer


def as_rule_event(e: PathwayEvent) -> rules.Event:
    grant = (
        None
        if e.grant_supervised is None
        else rules.Clearance(e.grant_category or None, tuple(e.grant_media), e.grant_supervised)
    )
    return rules.Event(
        type=e.type,
        subject_id=e.officer_id,
        actor_id=e.actor_id or 0,
        by_role=e.by_role,
        recorded_at=e.recorded_at,
        occurred_at=e.occurred_at,
        ready=e.ready,
        stage=e.stage or None,
        note=e.note,
        grant=grant,
        policy_version=e.grant_policy_number,
    )


def events_of(officer: Person, until: dt.datetime | None = None) -> list[rules.Event]:
    qs = PathwayEvent.objects.filter(officer=officer)
    if until is not None:
        qs = qs.filter(recorded_at__lte=until)
    return [as_rule_event(e) for e in qs.order_by("recorded_at", "id")]


def gate_context(officer: Person) -> rules.GateContext:
    """Facts other apps own that the gate needs: open flags and assessments attended."""
    return gate_contexts([officer.pk])[officer.pk]


def gate_contexts(officer_ids: Iterable[int]) -> dict[int, rules.GateContext]:
    """Gate facts for many officers in a fixed number of queries.

    The same for every viewer: a private flag (a check-in's) is left out, so that nobody
    who may not see it can read it off the gate; only a welfare lead's hold shows, unnamed.
    """
    ids = list(officer_ids)
    flags = gate_flags(ids)
    psych = psych_assessments_attended_by_officer(ids)
    none = GateFlags(0, False)
    return {
        i: rules.GateContext(
            open_flags=flags.get(i, none).open_flags,
            psych_assessments=tuple(psych.get(i, ())),
            welfare_hold=flags.get(i, none).held,
        )
        for i in ids
    }


def state(officer: Person, now: dt.datetime | None = None) -> rules.PathwayState:
    """Where the officer stands now: stage, clearance, pause, the next gate."""
    now = now or clock.now()
    policy = policy_queries.current(officer.force_id)
    return rules.evaluate(events_of(officer), policy, now, gate_context(officer))


def clearance(officer: Person, at: dt.datetime | None = None) -> rules.Clearance:
    """What the officer could view at ``at`` (default now): category, media, supervision.

    Judged from the events recorded by then, each holding only the grant it recorded, and
    lowered by the policy in force at that moment wherever that allowed less (the same rule
    as ``state``, so a session is checked against what the officer really held).
    """
    at = at or clock.now()
    policy = policy_queries.at(officer.force_id, at)
    return rules.clearance_at(events_of(officer, until=at), policy, at)


@dataclass(frozen=True)
class TeamRow:
    officer: Person
    state: rules.PathwayState
    days_at_stage: int | None
    gate_done: int
    gate_total: int
    open_flags: int


GATE_CODES_INDUCTION = (
    "gate.briefing",
    "gate.guidance",
    "gate.mentor",
    "gate.readiness",
    "gate.sign_off",
)
GATE_CODES_STAGE = (
    "gate.supervised_sessions",
    "gate.reflection_period",
    "gate.reflection_discussion",
    "gate.readiness",
    "gate.sign_off",
)


def team_rows(officers: list[Person], now: dt.datetime | None = None) -> list[TeamRow]:
    """The pathway of many officers, evaluated from one read of their events."""
    now = now or clock.now()
    ids = [o.pk for o in officers]
    by_officer: dict[int, list[rules.Event]] = defaultdict(list)
    for e in PathwayEvent.objects.filter(officer_id__in=ids).order_by("recorded_at", "id"):
        by_officer[e.officer_id].append(as_rule_event(e))
    # The flags shown are the ones the gate counts: never a private (check-in) flag.
    contexts = gate_contexts(ids)
    policies: dict[int, rules.PolicySettings] = {}
    rows = []
    for officer in officers:
        if officer.force_id not in policies:
            policies[officer.force_id] = policy_queries.current(officer.force_id)
        policy = policies[officer.force_id]
        st = rules.evaluate(by_officer[officer.pk], policy, now, contexts[officer.pk])
        codes = GATE_CODES_INDUCTION if st.stage.code == policy.stages[0].code else GATE_CODES_STAGE
        unmet = {r.code for r in st.unmet}
        extra = [c for c in unmet if c not in codes]
        total = len(codes) + len(extra)
        rows.append(
            TeamRow(
                officer=officer,
                state=st,
                days_at_stage=(now - st.stage_entered_at).days if st.stage_entered_at else None,
                gate_done=total - len(unmet),
                gate_total=total,
                open_flags=contexts[officer.pk].open_flags,
            )
        )
    return rows


@dataclass(frozen=True)
class TimelineItem:
    event: PathwayEvent
    label: str
    note: str | None  # None: there is a note the viewer may not read


def timeline(officer: Person, viewer: Viewer) -> list[TimelineItem]:
    """Every event of the officer's pathway, newest first, with notes to whoever may read them."""
    labels = dict(PathwayEvent._meta.get_field("type").choices or [])  # type: ignore[arg-type]
    may_read = can(viewer, "notes.view", officer)
    items = []
    for e in (
        PathwayEvent.objects.filter(officer=officer)
        .select_related("actor", "guidance")
        .order_by("-recorded_at", "-id")
    ):
        readable = may_read or e.actor_id == viewer.person.pk
        items.append(TimelineItem(e, str(labels.get(e.type, e.type)), e.note if readable else None))
    return items


def current_guidance(force_id: int) -> GuidanceVersion | None:
    return GuidanceVersion.objects.filter(force_id=force_id).order_by("-number").first()


def acknowledged_guidance(officer: Person) -> GuidanceVersion | None:
    """The latest guidance version the officer has acknowledged."""
    e = (
        PathwayEvent.objects.filter(
            officer=officer, type="guidance_acknowledged", guidance__isnull=False
        )
        .select_related("guidance")
        .order_by("-recorded_at")
        .first()
    )
    return e.guidance if e else None


def needs_to_reread_guidance(officer: Person) -> bool:
    current = current_guidance(officer.force_id)
    if current is None:
        return False
    seen = acknowledged_guidance(officer)
    return seen is None or seen.number < current.number


def has_pathway(officer: Person) -> bool:
    return PathwayEvent.objects.filter(officer=officer).exists()


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    met: bool
    detail: str  # the sentence saying what is still needed ("" when met)


_CHECK_LABELS = {
    "gate.briefing": "The categories have been explained to you",
    "gate.guidance": "You have read the wellbeing guidance",
    "gate.mentor": "You have a mentor",
    "gate.supervised_sessions": "Supervised sessions at this stage",
    "gate.reflection_period": "The reflection period has passed",
    "gate.reflection_discussion": "You have talked it through after your last session",
    "gate.readiness": "You have said you feel able to view more",
    "gate.sign_off": "Your supervisor has signed off",
    "gate.open_flags": "No open welfare matters",
    "gate.welfare_hold": "Nothing the welfare lead is following up",
    "gate.psych_assessment": "A recent psychological assessment",
}


def checklist(st: rules.PathwayState, policy: rules.PolicySettings) -> list[ChecklistItem]:
    """Every requirement of the next gate, met or not, in the order people meet them."""
    if st.next_stage is None:
        return []
    first = st.stage.code == policy.stages[0].code
    codes = list(GATE_CODES_INDUCTION if first else GATE_CODES_STAGE) + ["gate.open_flags"]
    if st.next_stage.code in policy.gate.psych_assessment_before:
        codes.append("gate.psych_assessment")
    unmet = {r.code: r.message for r in st.unmet}
    codes += [c for c in unmet if c not in codes]
    return [
        ChecklistItem(c, _CHECK_LABELS.get(c, c), c not in unmet, unmet.get(c, "")) for c in codes
    ]
