from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status

from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.errors import Refused
from wellgate.pathway import queries, services
from wellgate.pathway.rules import Clearance, PathwayState

router = AccessRouter(tags=["pathway"])
MOVE_EVENTS = frozenset({"move_requested", "move_withdrawn"})


class ClearanceOut(Schema):
    max_category: str | None
    media: list[str]
    supervised: bool


class RequirementOut(Schema):
    code: str
    message: str


class StageOut(Schema):
    code: str
    label: str
    description: str


class PathwayOut(Schema):
    stage: StageOut
    clearance: ClearanceOut
    paused: bool
    move_requested: bool
    left_team: bool
    next_stage: StageOut | None
    gate_complete: bool
    unmet: list[RequirementOut]


class EventOut(Schema):
    id: int
    type: str
    actor_id: int | None
    by_role: str
    recorded_at: dt.datetime
    occurred_at: dt.datetime
    ready: bool | None
    stage: str | None
    note: str | None


class EventIn(Schema):
    type: str
    occurred_at: dt.datetime | None = None
    note: str = ""
    ready: bool | None = None
    stage: str | None = None


def _clearance(c: Clearance) -> dict[str, Any]:
    return {"max_category": c.max_category, "media": list(c.media), "supervised": c.supervised}


def _stage(s: Any) -> dict[str, Any] | None:
    return None if s is None else {"code": s.code, "label": s.label, "description": s.description}


def _pathway(st: PathwayState) -> dict[str, Any]:
    return {
        "stage": _stage(st.stage),
        "clearance": _clearance(st.clearance),
        "paused": st.paused,
        "move_requested": st.move_requested,
        "left_team": st.left_team,
        "next_stage": _stage(st.next_stage),
        "gate_complete": st.gate_complete,
        "unmet": [{"code": r.code, "message": r.message} for r in st.unmet],
    }


@router.get("/people/{person_id}/pathway", response=PathwayOut)
@api_access("pathway.view", subject="person_id")
def pathway(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Stage, clearance, paused, the next stage and the unmet requirements of its gate."""
    return _pathway(queries.state(request.subject))  # type: ignore[attr-defined]


@router.get("/people/{person_id}/pathway/events", response=list[EventOut])
@api_access("pathway.view", subject="person_id")
def pathway_events(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    """Every event, oldest first; a note is null when the caller may not read it."""
    items = queries.timeline(request.subject, api_viewer(request))  # type: ignore[attr-defined]
    return [
        {
            "id": i.event.pk,
            "type": i.event.type,
            "actor_id": i.event.actor_id,
            "by_role": i.event.by_role,
            "recorded_at": i.event.recorded_at,
            "occurred_at": i.event.occurred_at,
            "ready": i.event.ready,
            "stage": i.event.stage or None,
            "note": i.note,
        }
        for i in reversed(items)
    ]


@router.post("/people/{person_id}/pathway/events", response={201: EventOut})
@api_access("pathway.view", subject="person_id", write=True)
def pathway_event_create(
    request: HttpRequest, person_id: int, payload: EventIn
) -> Status[dict[str, Any]]:
    """Record an event. Refusals are 422 with the unmet codes; ``occurred_at`` may not be in the future."""
    viewer = api_viewer(request)
    officer = request.subject  # type: ignore[attr-defined]
    if payload.type in MOVE_EVENTS:
        # The request to leave has its own record, deadlines and escalation: it is made and
        # withdrawn through the move requests API, which writes this event itself.
        raise Refused.one(
            "event.use_move_requests",
            "Ask to leave the team with POST /api/v1/move-requests, and withdraw the "
            "request with POST /api/v1/move-requests/{id}/withdraw.",
            "type",
        )
    if payload.type == "advanced" and payload.stage is None:
        event = services.advance(by=viewer, officer=officer)
    else:
        event = services.event_record(
            by=viewer,
            officer=officer,
            type=payload.type,
            occurred_at=payload.occurred_at,
            note=payload.note,
            ready=payload.ready,
            stage=payload.stage,
        )
    return Status(
        201,
        {
            "id": event.pk,
            "type": event.type,
            "actor_id": event.actor_id,
            "by_role": event.by_role,
            "recorded_at": event.recorded_at,
            "occurred_at": event.occurred_at,
            "ready": event.ready,
            "stage": event.stage or None,
            "note": event.note,
        },
    )
