"""Check-ins over the API: the instruments, one's own check-in, and a person's check-ins
under the access rules (the officer: all of their own; the welfare lead: what was shared)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status
from pydantic import Field, StrictInt

from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.checkins import catalogue, queries, services
from wellgate.checkins.models import CheckIn
from wellgate.checkins.rules import Instrument
from wellgate.policy import queries as policy_queries

router = AccessRouter(tags=["check-ins"])


class OptionOut(Schema):
    label: str
    value: int


class ItemOut(Schema):
    id: str
    text: str
    subscale: str | None
    reversed: bool
    options: list[OptionOut]


class BandOut(Schema):
    code: str
    label: str
    min: float
    max: float
    meaning: str


class InstrumentOut(Schema):
    id: str
    version: str
    title: str
    description: str
    instructions: str
    recall_period: str
    licence: str
    attribution: str
    scoring: str
    subscales: list[str]
    items: list[ItemOut]
    bands: dict[str, list[BandOut]]


def _instrument(i: Instrument) -> dict[str, Any]:
    return {
        "id": i.id,
        "version": i.version,
        "title": i.title,
        "description": i.description,
        "instructions": i.instructions,
        "recall_period": i.recall_period,
        "licence": i.licence,
        "attribution": i.attribution,
        "scoring": i.scoring,
        "subscales": list(i.subscales),
        "items": [
            {
                "id": it.id,
                "text": it.text,
                "subscale": it.subscale,
                "reversed": it.reversed,
                "options": [{"label": o.label, "value": o.value} for o in it.options],
            }
            for it in i.items
        ],
        "bands": {
            key: [
                {
                    "code": b.code,
                    "label": b.label,
                    "min": b.minimum,
                    "max": b.maximum,
                    "meaning": b.meaning,
                }
                for b in bands
            ]
            for key, bands in i.bands.items()
        },
    }


@router.get("/instruments", response=list[InstrumentOut])
@api_access("instruments.view")
def instruments(request: HttpRequest) -> list[dict[str, Any]]:
    """Every check-in questionnaire: items, options and values, bands, licence and attribution."""
    return [_instrument(i) for i in catalogue.instruments().values()]


class ContactOut(Schema):
    name: str
    detail: str


class CheckInOut(Schema):
    id: int
    officer_id: int
    instrument: str
    instrument_version: str
    scoring_method: str
    answers: dict[str, int]
    totals: dict[str, float]
    bands: dict[str, BandOut]
    critical: bool
    critical_reasons: list[str]
    shared_with_welfare_lead: bool
    created_at: dt.datetime


def _checkin(c: CheckIn) -> dict[str, Any]:
    score = c.score.to_dict()
    return {
        "id": c.pk,
        "officer_id": c.officer_id,
        "instrument": c.instrument_id,
        "instrument_version": c.instrument_version,
        "scoring_method": c.scoring_method,
        "answers": c.answers,
        "totals": score["totals"],
        "bands": score["bands"],
        "critical": c.critical,
        "critical_reasons": score["critical_reasons"],
        "shared_with_welfare_lead": c.shared_with_welfare_lead,
        "created_at": c.created_at,
    }


class CheckInIn(Schema):
    instrument: str
    answers: dict[str, StrictInt]
    # Omitted: the force policy's default (shared with the welfare lead unless it says not).
    share_with_welfare_lead: bool | None = None


class SubmittedOut(CheckInOut):
    # Filled when an answer is critical: whom to contact now (the welfare lead is told).
    support_contacts: list[ContactOut]


@router.post("/checkins", response={201: SubmittedOut})
@api_access("checkins.self", write=True)
def checkin_create(request: HttpRequest, payload: CheckInIn) -> Status[Any]:
    """Take a check-in, for yourself only. Missing or impossible answers: 422 naming each
    item (``answers.<item id>``). A critical answer returns the support contacts at once."""
    viewer = api_viewer(request)
    checkin = services.checkin_submit(
        by=viewer,
        instrument_id=payload.instrument,
        answers=payload.answers,
        share_with_welfare_lead=payload.share_with_welfare_lead,
    )
    contacts = []
    if checkin.critical:
        policy = policy_queries.current(viewer.force_id)
        contacts = [{"name": c.name, "detail": c.detail} for c in policy.support_contacts]
    return Status(201, {**_checkin(checkin), "support_contacts": contacts})


class CheckInPage(Schema):
    count: int
    items: list[CheckInOut]


class CheckInFilter(Schema):
    instrument: str | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


@router.get("/people/{person_id}/checkins", response=CheckInPage)
@api_access("checkins.view", subject="person_id")
def person_checkins(
    request: HttpRequest, person_id: int, filters: Query[CheckInFilter]
) -> dict[str, Any]:
    """A person's check-ins, newest first: all of your own; for the welfare lead only those
    the officer shared. Nobody else may read any (404)."""
    qs = queries.checkins_visible_to(api_viewer(request), request.subject)  # type: ignore[attr-defined]
    if filters.instrument:
        qs = qs.filter(instrument_id=filters.instrument)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [_checkin(c) for c in page]}


class SkipIn(Schema):
    instruments: list[str]


class SkipOut(Schema):
    instrument: str
    created_at: dt.datetime


@router.post("/checkins/skips", response={201: list[SkipOut]})
@api_access("checkins.self", write=True)
def checkin_skip(request: HttpRequest, payload: SkipIn) -> Status[Any]:
    """Skip check-ins this time: recorded as skipped, never as a concern."""
    skips = services.checkin_skip(by=api_viewer(request), instrument_ids=payload.instruments)
    return Status(201, [{"instrument": s.instrument_id, "created_at": s.created_at} for s in skips])


class NudgeOut(Schema):
    supervisor_id: int
    created_at: dt.datetime


@router.post("/checkins/nudge", response={201: NudgeOut})
@api_access("checkins.self", write=True)
def checkin_nudge(request: HttpRequest) -> Status[Any]:
    """Ask your supervisor for a conversation; they learn only that."""
    nudge = services.nudge_send(by=api_viewer(request))
    return Status(201, {"supervisor_id": nudge.supervisor_id, "created_at": nudge.created_at})
