"""Requests to leave the team over the API: the same services and visibility as the web.

There is no operation that declines, cancels or deletes a request, by design (DESIGN.md §7).
A request the caller may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from wellgate import clock
from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.errors import Refused
from wellgate.moves import queries, rules, services
from wellgate.moves.models import MoveRequest
from wellgate.people.access import Viewer
from wellgate.people.services import access_log_record
from wellgate.policy import queries as policy_queries

router = AccessRouter(tags=["moves"])


class DeadlinesOut(Schema):
    acknowledge_by: dt.date
    agree_by: dt.date
    move_by: dt.date


class NextStepOut(Schema):
    stage: str
    due: dt.date
    overdue: bool
    message: str


class BreachOut(Schema):
    stage: str
    level: str
    due: dt.date
    escalated_on: dt.date


class MoveRequestOut(Schema):
    id: int
    officer_id: int
    officer_name: str
    state: str
    requested_at: dt.datetime
    # null unless the caller may read it (the officer and the welfare lead).
    reason: str | None
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None
    agreed_at: dt.datetime | None
    agreed_by_id: int | None
    destination: str
    moved_at: dt.datetime | None
    moved_by_id: int | None
    withdrawn_at: dt.datetime | None
    deadlines: DeadlinesOut
    next_step: NextStepOut | None
    breaches: list[BreachOut]
    # The steps the caller may take now.
    allowed_actions: list[str]


class MoveRequestIn(Schema):
    reason: str = Field("", max_length=services.REASON_MAX)
    # Optional: a request is only ever for the caller; any other id is refused.
    officer_id: int | None = None


class AgreeIn(Schema):
    destination: str = Field(..., max_length=services.DESTINATION_MAX)


def _out(viewer: Viewer, req: MoveRequest) -> dict[str, Any]:
    policy = policy_queries.current(req.force_id)
    today = services.local_date(clock.now(), policy)
    step = rules.next_step(req.state, req.deadlines, today)
    is_self = viewer.person.pk == req.officer_id
    d = req.deadlines
    return {
        "id": req.pk,
        "officer_id": req.officer_id,
        "officer_name": req.officer.full_name,
        "state": req.state,
        "requested_at": req.requested_at,
        "reason": req.reason if queries.may_read_reason(viewer, req) else None,
        "acknowledged_at": req.acknowledged_at,
        "acknowledged_by_id": req.acknowledged_by_id,
        "agreed_at": req.agreed_at,
        "agreed_by_id": req.agreed_by_id,
        "destination": req.destination,
        "moved_at": req.moved_at,
        "moved_by_id": req.moved_by_id,
        "withdrawn_at": req.withdrawn_at,
        "deadlines": {
            "acknowledge_by": d.acknowledge_by,
            "agree_by": d.agree_by,
            "move_by": d.move_by,
        },
        "next_step": None
        if step is None
        else {
            "stage": step.stage,
            "due": step.due,
            "overdue": step.overdue,
            "message": step.message,
        },
        "breaches": [
            {"stage": b.stage, "level": b.level, "due": b.due, "escalated_on": b.escalated_on}
            for b in queries.breaches_of(req)
        ],
        "allowed_actions": list(rules.allowed_actions(req.state, viewer.role, is_self))
        if viewer.role in ("officer", "supervisor", "welfare_lead")
        else [],
    }


@router.post("/move-requests", response={201: MoveRequestOut})
@api_access("moves.self", write=True)
def move_request_create(request: HttpRequest, payload: MoveRequestIn) -> Status[object]:
    """Ask to leave the team (for yourself only). Your clearance is suspended at once, your
    supervisor and the welfare lead are told, and the deadlines are fixed. ``reason`` is
    optional and private to you and the welfare lead."""
    viewer = api_viewer(request)
    if payload.officer_id is not None and payload.officer_id != viewer.person.pk:
        raise Refused.one(
            "move.self_only",
            "You can ask to leave the team only for yourself: leave officer_id out, or give "
            "your own id.",
            "officer_id",
        )
    req = services.move_request(by=viewer, reason=payload.reason)
    return Status(201, _out(viewer, req))


@router.get("/move-requests/{request_id}", response=MoveRequestOut)
@api_access("moves.view")
def move_request_get(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """One request: its state, deadlines, next step, missed deadlines and the steps you may
    take. ``reason`` is null unless you are the officer or the welfare lead."""
    viewer = api_viewer(request)
    req = queries.request_or_404(viewer, request_id)
    access_log_record(viewer=viewer, subject=req.officer, what="api move request")
    return _out(viewer, req)


def _step(
    request: HttpRequest, request_id: int, action: str, destination: str | None = None
) -> dict[str, Any]:
    viewer = api_viewer(request)
    req = queries.request_or_404(viewer, request_id)
    # The answer (or the refusal) shows the request's state: a read of the officer's record.
    access_log_record(viewer=viewer, subject=req.officer, what="api move request")
    req = services.move_step(by=viewer, request=req, action=action, destination=destination)
    return _out(viewer, req)


@router.post("/move-requests/{request_id}/acknowledge", response=MoveRequestOut)
@api_access("moves.team", write=True)
def move_request_acknowledge(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """The officer's supervisor or the welfare lead acknowledges the request."""
    return _step(request, request_id, "acknowledge")


@router.post("/move-requests/{request_id}/agree", response=MoveRequestOut)
@api_access("moves.team", write=True)
def move_request_agree(request: HttpRequest, request_id: int, payload: AgreeIn) -> dict[str, Any]:
    """Agree where the officer moves to (``destination``, which the officer reads)."""
    return _step(request, request_id, "agree", payload.destination)


@router.post("/move-requests/{request_id}/moved", response=MoveRequestOut)
@api_access("moves.team", write=True)
def move_request_moved(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """Record the move: the officer leaves the team (their officer role ends, their
    obligations stop; their history is kept)."""
    return _step(request, request_id, "moved")


@router.post("/move-requests/{request_id}/withdraw", response=MoveRequestOut)
@api_access("moves.self", write=True)
def move_request_withdraw(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """The officer withdraws their own request; their viewing stays paused until they
    resume it themselves."""
    return _step(request, request_id, "withdraw")
