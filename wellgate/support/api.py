"""Welfare support over the API: obligations, observations, closing flags, time away."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status
from pydantic import Field

from wellgate import clock
from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.errors import Refused
from wellgate.flags import services as flag_services
from wellgate.flags.api import FlagOut, flag_out
from wellgate.flags.queries import flags_visible_to
from wellgate.people.access import person_or_404
from wellgate.support import queries, services
from wellgate.support.models import Obligation

router = AccessRouter(tags=["support"])


class ObligationOut(Schema):
    id: int
    officer_id: int
    kind: str
    label: str
    due_on: dt.date
    rescheduled_to: dt.date | None
    effective_due_on: dt.date
    state: str
    overdue: bool
    done_on: dt.date | None
    done_by_id: int | None
    source_ref: str

    @staticmethod
    def resolve_overdue(obj: Obligation) -> bool:
        return obj.outstanding and obj.effective_due_on < clock.today()


class ObligationFilter(Schema):
    state: Literal["due", "done", "missed", "rescheduled", "stopped"] | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ObligationPage(Schema):
    count: int
    items: list[ObligationOut]


@router.get("/people/{person_id}/obligations", response=ObligationPage)
@api_access("obligations.view", subject="person_id")
def person_obligations(
    request: HttpRequest, person_id: int, filters: Query[ObligationFilter]
) -> dict[str, object]:
    """The person's obligations, the latest due date first (filter by ``state``)."""
    qs = queries.obligations_of(request.subject).order_by("-effective_due_on", "-id")  # type: ignore[attr-defined]
    if filters.state:
        qs = qs.filter(state=filters.state)
    return {"count": qs.count(), "items": list(qs[filters.offset : filters.offset + filters.limit])}


class CompleteIn(Schema):
    done_on: dt.date | None = None  # default: today
    note: str = ""


@router.post("/obligations/{obligation_id}/complete", response=ObligationOut)
@api_access("obligations.record", write=True)
def obligation_complete(request: HttpRequest, obligation_id: int, payload: CompleteIn) -> object:
    """Record an obligation as done (a psychological assessment: as attended)."""
    viewer = api_viewer(request)
    ob = get_object_or_404(queries.obligations_visible_to(viewer), pk=obligation_id)
    return services.obligation_complete(
        by=viewer, obligation=ob, done_on=payload.done_on, note=payload.note
    )


class RescheduleIn(Schema):
    rescheduled_to: dt.date
    note: str = ""


@router.post("/obligations/{obligation_id}/reschedule", response=ObligationOut)
@api_access("obligations.record", write=True)
def obligation_reschedule(
    request: HttpRequest, obligation_id: int, payload: RescheduleIn
) -> object:
    """Move an obligation to a new date; the original date stays on the record."""
    viewer = api_viewer(request)
    ob = get_object_or_404(queries.obligations_visible_to(viewer), pk=obligation_id)
    return services.obligation_reschedule(
        by=viewer, obligation=ob, to=payload.rescheduled_to, note=payload.note
    )


class ObservationIn(Schema):
    officer_id: int
    observed_on: dt.date | None = None  # default: today
    signs: list[str] = []
    note: str = ""


class ObservationOut(Schema):
    id: int
    officer_id: int
    observed_on: dt.date
    signs: list[str]
    flag_id: int | None


@router.post("/observations", response={201: ObservationOut})
@api_access("support.team", write=True)
def observation_create(request: HttpRequest, payload: ObservationIn) -> Status[object]:
    """Record stress signs noticed in an officer; any sign opens an amber flag."""
    viewer = api_viewer(request)
    officer = person_or_404(viewer, "support.record", payload.officer_id)
    observation, flag = services.observation_record(
        by=viewer,
        officer=officer,
        observed_on=payload.observed_on,
        signs=payload.signs,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": observation.pk,
            "officer_id": officer.pk,
            "observed_on": observation.observed_on,
            "signs": observation.signs,
            "flag_id": flag.pk if flag else None,
        },
    )


class FlagCloseIn(Schema):
    meeting_id: int | None = None  # a recorded 1:1 or debrief with the officer …
    note: str = ""  # … or, for the welfare lead only, a note saying what was done


@router.post("/flags/{flag_id}/close", response=FlagOut)
@api_access("support.team", write=True)
def flag_close(request: HttpRequest, flag_id: int, payload: FlagCloseIn) -> object:
    """Close a flag with the recorded action that addressed it."""
    viewer = api_viewer(request)
    flag = get_object_or_404(flags_visible_to(viewer), pk=flag_id)
    if payload.meeting_id is not None:
        meeting = queries.meetings_visible_to(viewer).filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise Refused.one(
                "flag.meeting_unknown",
                "No such meeting recorded with an officer you support.",
                "meeting_id",
            )
        flag = services.flag_close_with_meeting(by=viewer, flag=flag, meeting=meeting)
    else:
        flag = flag_services.flag_close(by=viewer, flag=flag, note=payload.note)
    return flag_out(flag)


class TimeAwayIn(Schema):
    kind: str = "short_break"


class TimeAwayOut(Schema):
    id: int
    kind: str
    taken_at: dt.datetime


@router.post("/time-away", response={201: TimeAwayOut})
@api_access("support.self", write=True)
def time_away(request: HttpRequest, payload: TimeAwayIn) -> Status[object]:
    """Take time away: no approval and no reason needed."""
    return Status(201, services.time_away_take(by=api_viewer(request), kind=payload.kind))
