"""Reads of requests to leave the team that pages and the API share.

Who sees a request (DESIGN.md §3 "move request"): the officer, their current supervisor, the
welfare lead of the force, and a senior leader once a missed deadline was escalated to the
senior leaders. The private reason is narrower ("move.reason"): the officer and the welfare
lead only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404

from wellgate.aggregates import suppress_small, total_or_none
from wellgate.calendar import local_date
from wellgate.moves import rules
from wellgate.moves.models import OPEN_STATES, MoveBreach, MoveEvent, MoveRequest
from wellgate.people.access import Viewer, can
from wellgate.people.models import LineManagement, Person, Role
from wellgate.policy.rules import PolicySettings

SENIOR = "senior_leader"


def _escalated_to_senior() -> Exists:
    return Exists(MoveBreach.objects.filter(request=OuterRef("pk"), level=SENIOR))


def visible_to(viewer: Viewer) -> QuerySet[MoveRequest]:
    """Every request the viewer may open (look ids up here: anything else is a 404)."""
    qs = MoveRequest.objects.filter(force_id=viewer.force_id)
    if viewer.role == Role.OFFICER:
        return qs.filter(officer=viewer.person)
    if viewer.role == Role.SUPERVISOR:
        reports = LineManagement.objects.current().filter(supervisor=viewer.person)
        return qs.filter(officer_id__in=reports.values("officer_id"))
    if viewer.role == Role.WELFARE_LEAD:
        return qs
    if viewer.role == Role.SENIOR_LEADER:
        return qs.filter(_escalated_to_senior())
    return qs.none()


def may_view(viewer: Viewer, req: MoveRequest) -> bool:
    """The same decision as ``visible_to``, for one request already loaded."""
    if not can(viewer, "move.view", req.officer):
        return False
    if viewer.role == Role.SENIOR_LEADER:
        return req.breaches.filter(level=SENIOR).exists()
    return True


def may_read_reason(viewer: Viewer, req: MoveRequest) -> bool:
    return can(viewer, "move.reason", req.officer)


def request_or_404(viewer: Viewer, request_id: int) -> MoveRequest:
    req = (
        visible_to(viewer)
        .select_related(
            "officer",
            "officer__force",
            "team",
            "acknowledged_by",
            "agreed_by",
            "moved_by",
        )
        .filter(pk=request_id)
        .first()
    )
    if req is None or not may_view(viewer, req):
        raise Http404("No such request.")
    return req


def open_request_of(officer: Person) -> MoveRequest | None:
    return MoveRequest.objects.filter(officer=officer, state__in=OPEN_STATES).first()


def requests_of(officer: Person) -> QuerySet[MoveRequest]:
    """The officer's own requests, the latest first."""
    return MoveRequest.objects.filter(officer=officer).order_by("-requested_at", "-id")


def list_for(viewer: Viewer, show: str = "open") -> QuerySet[MoveRequest]:
    """The requests a supervisor or welfare lead follows, the oldest open one first; with
    the number of deadlines each has missed, in one query."""
    qs = (
        visible_to(viewer)
        .select_related("officer", "team")
        .annotate(breach_count=Count("breaches__stage", distinct=True))
    )
    if show == "open":
        return qs.filter(state__in=OPEN_STATES).order_by("requested_at", "id")
    return qs.order_by("-requested_at", "-id")


def _day(moment: dt.datetime | None, policy: PolicySettings) -> dt.date | None:
    return local_date(moment, policy) if moment else None


def progress_of(req: MoveRequest, policy: PolicySettings) -> rules.Progress:
    """The days (in the force's zone) the request reached each state."""
    return rules.Progress(
        acknowledged_on=_day(req.acknowledged_at, policy),
        agreed_on=_day(req.agreed_at, policy),
        moved_on=_day(req.moved_at, policy),
        withdrawn_on=_day(req.withdrawn_at, policy),
    )


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    what: str
    who: Person | None
    by_role: str
    detail: str


def history(req: MoveRequest) -> list[HistoryItem]:
    """Every step and every escalation, oldest first (two queries)."""
    items = [
        HistoryItem(e.at, e.get_type_display(), e.by, e.by_role, e.detail)
        for e in MoveEvent.objects.filter(request=req).select_related("by")
    ]
    for b in MoveBreach.objects.filter(request=req):
        who = "the welfare lead" if b.level == "welfare_lead" else "the senior leaders"
        items.append(
            HistoryItem(
                b.recorded_at,
                f"Deadline missed: {b.stage_label} (due {rules.long_date(b.due)}); {who} told",
                None,
                "system",
                "",
            )
        )
    return sorted(items, key=lambda i: i.at)


def breaches_of(req: MoveRequest) -> QuerySet[MoveBreach]:
    return MoveBreach.objects.filter(request=req).order_by("escalated_on", "id")


# --- Leadership ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    name: str
    label: str
    n: int | None  # None: fewer than k


@dataclass(frozen=True)
class Summary:
    k: int
    total: int | None
    states: list[Cell]
    stages: list[tuple[str, list[Cell]]]


STATE_GROUPS = (("open", "Still open"), ("moved", "Moved"), ("withdrawn", "Withdrawn"))
OUTCOMES = (("met", "Met on time"), ("missed", "Missed"), ("open", "Not due yet, or not needed"))


def summary(force_id: int, policy: PolicySettings, today: dt.date) -> Summary:
    """Requests and deadlines met, as counts only, every cell under the k rule (a cell is
    shown only when it is about at least k different officers).

    One query: the dates of every request of the force; the rules do the counting.
    """
    k = policy.k_anonymity
    states: dict[str, list[int]] = {name: [] for name, _ in STATE_GROUPS}
    outcomes: dict[str, dict[str, list[int]]] = {
        stage: {name: [] for name, _ in OUTCOMES} for stage in rules.STAGES
    }
    fields: Any = (
        "officer_id",
        "state",
        "acknowledge_due",
        "agree_due",
        "move_due",
        "acknowledged_at",
        "agreed_at",
        "moved_at",
        "withdrawn_at",
    )
    for row in MoveRequest.objects.filter(force_id=force_id).values(*fields):
        officer = row["officer_id"]
        states["open" if row["state"] in OPEN_STATES else row["state"]].append(officer)
        deadlines = rules.Deadlines(row["acknowledge_due"], row["agree_due"], row["move_due"])
        progress = rules.Progress(
            acknowledged_on=_day(row["acknowledged_at"], policy),
            agreed_on=_day(row["agreed_at"], policy),
            moved_on=_day(row["moved_at"], policy),
            withdrawn_on=_day(row["withdrawn_at"], policy),
        )
        for stage in rules.STAGES:
            outcome = rules.deadline_outcome(stage, deadlines, progress, today)
            outcomes[stage][outcome].append(officer)

    def shown(cells: dict[str, list[int]]) -> dict[str, int | None]:
        counts = {name: len(ids) for name, ids in cells.items()}
        people = {name: len(set(ids)) for name, ids in cells.items()}
        return suppress_small(counts, k, people)

    everyone = {officer for ids in states.values() for officer in ids}
    state_cells = shown(states)
    stages = []
    for stage in rules.STAGES:
        cells = shown(outcomes[stage])
        stages.append(
            (rules.STAGE_LABELS[stage], [Cell(n, label, cells[n]) for n, label in OUTCOMES])
        )
    return Summary(
        k=k,
        total=total_or_none({name: len(ids) for name, ids in states.items()}, k, len(everyone)),
        states=[Cell(name, label, state_cells[name]) for name, label in STATE_GROUPS],
        stages=stages,
    )


def escalated_to_senior(force_id: int) -> QuerySet[MoveBreach]:
    """Every deadline escalated to the senior leaders, the latest first: the only place a
    senior leader sees names (DESIGN.md §3 "move request ✔ when escalated")."""
    return (
        MoveBreach.objects.filter(request__force_id=force_id, level=SENIOR)
        .select_related("request", "request__officer", "request__team")
        .order_by("-escalated_on", "-id")
    )
