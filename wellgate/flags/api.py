from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema
from pydantic import Field

from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.flags.models import Flag
from wellgate.flags.queries import flags_visible_to
from wellgate.flags.services import flag_hold_set
from wellgate.people.services import access_log_record, access_log_record_many

router = AccessRouter(tags=["flags"])


class FlagOut(Schema):
    id: int
    officer_id: int
    officer_name: str
    source: str
    severity: str
    state: str
    owner_id: int | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closing_action: str
    holds_pathway: bool


class FlagPage(Schema):
    count: int
    items: list[FlagOut]


class FlagFilter(Schema):
    state: Literal["open", "closed", "all"] = "open"
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def flag_out(flag: Flag) -> dict[str, object]:
    return {
        "id": flag.pk,
        "officer_id": flag.officer_id,
        "officer_name": flag.officer.full_name,
        "source": flag.source,
        "severity": flag.severity,
        "state": flag.state,
        "owner_id": flag.owner_id,
        "opened_at": flag.opened_at,
        "closed_at": flag.closed_at,
        "closing_action": flag.closing_action,
        "holds_pathway": flag.holds_pathway,
    }


@router.get("/flags", response=FlagPage)
@api_access("support.team")
def flags(request: HttpRequest, filters: Query[FlagFilter]) -> dict[str, object]:
    """Flags of the people you support (a supervisor's reports, the welfare lead's force)."""
    viewer = api_viewer(request)
    qs = flags_visible_to(viewer).order_by("-opened_at", "-id")
    if filters.state != "all":
        qs = qs.filter(state=filters.state)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    access_log_record_many(viewer=viewer, subjects=[f.officer for f in page], what="api flags")
    return {"count": qs.count(), "items": [flag_out(f) for f in page]}


class HoldIn(Schema):
    holds_pathway: bool = True


@router.post("/flags/{flag_id}/hold", response=FlagOut)
@api_access("force.welfare", write=True)
def flag_hold(request: HttpRequest, flag_id: int, payload: HoldIn) -> dict[str, object]:
    """Hold the officer's pathway on an open flag (``false``: release it). The gate then shows
    everyone ``gate.welfare_hold``, never the flag; closing the flag ends the hold."""
    viewer = api_viewer(request)
    flag = get_object_or_404(flags_visible_to(viewer), pk=flag_id)
    # The answer shows the officer's flag: a read of their welfare record.
    access_log_record(viewer=viewer, subject=flag.officer, what="api flag")
    return flag_out(flag_hold_set(by=viewer, flag=flag, holds=payload.holds_pathway))
