"""Exposure over the API: sessions from grading workstations, an officer's exposure, case
imports (multipart upload), cases, work packages and their assignment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status
from pydantic import Field

from wellgate import clock
from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.errors import Detail, Refused
from wellgate.exposure import queries, services
from wellgate.exposure.models import Case, ExposureSession, Source, WorkPackage
from wellgate.exposure.uploads import stream_uploads_to_disk, too_large_message
from wellgate.policy import queries as policy_queries

router = AccessRouter(tags=["exposure"])

# The longest period one exposure read covers.
MAX_RANGE_DAYS = 400


class ReasonOut(Schema):
    code: str
    message: str


class ClearanceHeldOut(Schema):
    max_category: str | None
    media: list[str]
    supervised: bool


class SessionOut(Schema):
    id: int
    officer_id: int
    started_at: dt.datetime
    ended_at: dt.datetime
    minutes: int
    break_minutes: int
    viewing_minutes: int
    max_category: str
    counts: dict[str, int]
    media: list[str]
    mentor_present: bool
    case_id: int | None
    work_package_id: int | None
    source: str
    unexpected: bool
    reasons: list[ReasonOut]
    clearance_at_the_time: ClearanceHeldOut
    supervised_session: bool
    created_at: dt.datetime


class SessionCreatedOut(SessionOut):
    limit_breaches: list[ReasonOut]
    debrief_due_on: dt.date | None


class SessionIn(Schema):
    officer_id: int | None = Field(
        None, description="The officer the session is about; default: the token's own person."
    )
    started_at: dt.datetime
    ended_at: dt.datetime | None = Field(None, description="Give this or ``minutes``.")
    minutes: int | None = None
    max_category: str = Field(
        description="A, B, C, indecent_ungraded, uncategorised or not_indecent."
    )
    media: list[str] = Field(description="image, video_muted, video_audio, text, audio.")
    counts: dict[str, int] | None = Field(None, description="Items per category, where known.")
    mentor_present: bool = False
    case_id: int | None = None
    work_package_id: int | None = None
    break_minutes: int = 0


def session_out(s: ExposureSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "officer_id": s.officer_id,
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "minutes": s.minutes,
        "break_minutes": s.break_minutes,
        "viewing_minutes": s.viewing_minutes,
        "max_category": s.max_category,
        "counts": s.counts,
        "media": s.media,
        "mentor_present": s.mentor_present,
        "case_id": s.case_id,
        "work_package_id": s.work_package_id,
        "source": s.source,
        "unexpected": s.unexpected,
        "reasons": s.reasons,
        "clearance_at_the_time": {
            "max_category": s.clearance_category or None,
            "media": s.clearance_media,
            "supervised": s.clearance_supervised,
        },
        "supervised_session": s.pathway_event_id is not None,
        "created_at": s.created_at,
    }


def _not_found(field: str) -> Refused:
    return Refused([Detail("not_found", "Not found, or you do not have access to it.", field)], 404)


@router.post("/exposure-sessions", response={201: SessionCreatedOut})
@api_access("exposure.submit", write=True)
def session_create(request: HttpRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    """Record a viewing session (a grading workstation, with a service token).

    Checked against the clearance held at the time; above it, it is still recorded,
    ``unexpected`` is true and a debrief is due. Limits never refuse: ``limit_breaches``
    lists those newly passed. Refused (422) when it cannot be true: ``session.future``,
    ``session.end_before_start``, ``session.too_long``, ``session.category_unknown``,
    ``session.overlap``…
    """
    viewer = api_viewer(request)
    if payload.officer_id is None:
        officer = viewer.person
    else:
        found = queries.person_in_force(viewer.force_id, payload.officer_id)
        if found is None:
            raise _not_found("officer_id")
        officer = found
    case = queries.case_by_id(viewer.force_id, payload.case_id)
    if payload.case_id is not None and case is None:
        raise _not_found("case_id")
    package = queries.package_by_id(viewer.force_id, payload.work_package_id)
    if payload.work_package_id is not None and package is None:
        raise _not_found("work_package_id")
    outcome = services.session_record(
        by=viewer,
        entry=services.SessionInput(
            officer=officer,
            started_at=payload.started_at,
            ended_at=payload.ended_at,
            minutes=payload.minutes,
            max_category=payload.max_category,
            media=payload.media,
            counts=payload.counts,
            mentor_present=payload.mentor_present,
            case=case,
            work_package=package,
            break_minutes=payload.break_minutes,
            source=Source.API,
        ),
    )
    return Status(
        201,
        {
            **session_out(outcome.session),
            "limit_breaches": [{"code": b.code, "message": b.message} for b in outcome.breaches],
            "debrief_due_on": outcome.debrief_due_on,
        },
    )


class ExposureRange(Schema):
    from_: dt.date | None = Field(
        None, alias="from", description="First day (default: 6 days ago)."
    )
    to: dt.date | None = Field(None, description="Last day (default: today).")


class ExposureOut(Schema):
    officer_id: int
    first_day: dt.date
    last_day: dt.date
    sessions_count: int
    viewing_minutes: int
    break_minutes: int
    unexpected: int
    sessions: list[SessionOut]


@router.get("/people/{person_id}/exposure", response=ExposureOut)
@api_access("pathway.view", subject="person_id")
def person_exposure(
    request: HttpRequest, person_id: int, period: Query[ExposureRange]
) -> dict[str, Any]:
    """The officer's sessions that started on the days ``from`` to ``to`` (force time zone),
    newest first, with totals."""
    officer = request.subject  # type: ignore[attr-defined]
    policy = policy_queries.current(officer.force_id)
    today = clock.today(queries.zone_of(policy))
    last = period.to or today
    first = period.from_ or last - dt.timedelta(days=6)
    if first > last:
        raise Refused([Detail("range.reversed", "from is after to: swap them.", "from")])
    if (last - first).days >= MAX_RANGE_DAYS:
        raise Refused(
            [
                Detail(
                    "range.too_long",
                    f"Ask for at most {MAX_RANGE_DAYS} days at a time.",
                    "from",
                )
            ]
        )
    sessions = list(queries.sessions_between(officer, first, last))
    return {
        "officer_id": officer.pk,
        "first_day": first,
        "last_day": last,
        "sessions_count": len(sessions),
        "viewing_minutes": sum(s.viewing_minutes for s in sessions),
        "break_minutes": sum(s.break_minutes for s in sessions),
        "unexpected": sum(1 for s in sessions if s.unexpected),
        "sessions": [session_out(s) for s in sessions],
    }


class VolumeOut(Schema):
    category: str
    kind: str
    count: int


class PackageOut(Schema):
    id: int
    case_id: int
    category: str
    kinds: list[str]
    item_count: int
    created_at: dt.datetime
    assigned_to: list[int]


class CaseOut(Schema):
    id: int
    case_ref: str
    vics_version: str
    scope: str
    total_items: int
    ignored_items: int
    imported_at: dt.datetime
    closed_at: dt.datetime | None
    team_id: int | None  # None: the force's own case (the welfare lead's until shared)
    shared: bool  # with every team of the force
    volumes: list[VolumeOut]
    packages: list[PackageOut]


class CaseImportOut(Schema):
    case: CaseOut
    created: bool
    already_imported: bool


def package_out(p: WorkPackage) -> dict[str, Any]:
    return {
        "id": p.pk,
        "case_id": p.case_id,
        "category": p.category,
        "kinds": p.kinds,
        "item_count": p.item_count,
        "created_at": p.created_at,
        "assigned_to": [a.officer_id for a in p.assignments.all()],
    }


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "case_ref": case.case_ref,
        "vics_version": case.vics_version,
        "scope": case.scope,
        "total_items": case.total_items,
        "ignored_items": case.ignored_items,
        "imported_at": case.imported_at,
        "closed_at": case.closed_at,
        "team_id": case.team_id,
        "shared": case.shared,
        "volumes": [
            {"category": v.category, "kind": v.kind, "count": v.count} for v in case.volumes.all()
        ],
        "packages": [package_out(p) for p in case.packages.all()],
    }


_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "case_ref": {"type": "string", "maxLength": 100},
                        "team_id": {
                            "type": "integer",
                            "description": "The case's team (welfare lead only; a "
                            "supervisor's case is their own team's).",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/cases/import", response={200: CaseImportOut, 201: CaseImportOut}, openapi_extra=_MULTIPART
)
@api_access("cases.manage", write=True)
def case_import(request: HttpRequest) -> Status[dict[str, Any]]:
    """Import a VICS / Project VIC JSON export, sent as multipart ``file`` (and optionally
    ``case_ref``). Streamed to disk and read in constant memory. 201 for a new case, 200 when
    an existing case was updated or the same file was imported before (``already_imported``).
    Refused (422) with ``vics.unmapped_codes``, ``vics.not_json``, ``vics.truncated``,
    ``vics.wrong_shape``, ``vics.too_large``…; nothing is stored then."""
    viewer = api_viewer(request)
    # Read the body here, not in a parameter, so that the upload goes to disk under the cap.
    stream_uploads_to_disk(request)
    upload = request.FILES.get("file")
    if getattr(request, "upload_too_large", False):
        raise Refused([Detail("vics.too_large", too_large_message(), "file")], 413)
    if upload is None:
        raise Refused(
            [
                Detail(
                    "file.missing",
                    "Send the export as multipart/form-data in a part named 'file'.",
                    "file",
                )
            ]
        )
    team = None
    raw_team = request.POST.get("team_id", "")
    if raw_team:
        team = (
            queries.teams_of_force(viewer.force_id)
            .filter(pk=int(raw_team) if raw_team.isdigit() else 0)
            .first()
        )
        if team is None:
            raise _not_found("team_id")
    outcome = services.case_import(
        by=viewer,
        force=viewer.person.force,
        stream=upload,  # type: ignore[arg-type]
        case_ref=request.POST.get("case_ref", ""),
        team=team,
    )
    case = queries.case_for(viewer, outcome.case.pk)
    assert case is not None
    return Status(
        201 if outcome.created else 200,
        {
            "case": case_out(case),
            "created": outcome.created,
            "already_imported": outcome.already_imported,
        },
    )


@router.get("/cases/{case_id}", response=CaseOut)
@api_access("cases.manage")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """A case's volume per mapped category and media kind, and its work packages (with the
    officers you may see on it). Another team's case, unless shared, is 404."""
    case = queries.case_for(api_viewer(request), case_id)
    if case is None:
        raise _not_found("case_id")
    return case_out(case)


class ShareIn(Schema):
    shared: bool = True


@router.post("/cases/{case_id}/share", response=CaseOut)
@api_access("force.welfare", write=True)
def case_share(request: HttpRequest, case_id: int, payload: ShareIn) -> dict[str, Any]:
    """Share the case with every team of the force (``false``: stop sharing it). Each team's
    supervisors then see it, and only their own team's officers on it (welfare lead only)."""
    viewer = api_viewer(request)
    case = queries.case_for(viewer, case_id)
    if case is None:
        raise _not_found("case_id")
    services.case_share(by=viewer, case=case, shared=payload.shared)
    shared = queries.case_for(viewer, case_id)
    assert shared is not None
    return case_out(shared)


class PackageIn(Schema):
    case_id: int
    category: str = Field(description="A, B, C, indecent_ungraded, uncategorised, not_indecent.")
    kinds: list[str] = Field(
        default_factory=list, description="image, video, audio, other; empty: all in the case."
    )


@router.post("/work-packages", response={201: PackageOut})
@api_access("cases.manage", write=True)
def package_create(request: HttpRequest, payload: PackageIn) -> Status[dict[str, Any]]:
    """ "Review the <category> items of case X" (the same package twice is the one made)."""
    viewer = api_viewer(request)
    case = queries.case_for(viewer, payload.case_id)
    if case is None:
        raise _not_found("case_id")
    package = services.work_package_create(
        by=viewer, case=case, category=payload.category, kinds=payload.kinds
    )
    return Status(201, package_out(package))


class AssignIn(Schema):
    officer_id: int


class AssignmentOut(Schema):
    package_id: int
    officer_id: int
    assigned_at: dt.datetime


@router.post("/work-packages/{package_id}/assign", response={201: AssignmentOut})
@api_access("cases.manage", write=True)
def package_assign(
    request: HttpRequest, package_id: int, payload: AssignIn
) -> Status[dict[str, Any]]:
    """Assign the package; 422 with ``package.above_category`` (or ``package.no_clearance``,
    ``package.media_not_cleared``) when it is above the officer's clearance now."""
    viewer = api_viewer(request)
    package = queries.package_for(viewer, package_id)
    if package is None:
        raise _not_found("package_id")
    officer = queries.person_in_force(viewer.force_id, payload.officer_id)
    if officer is None:
        raise _not_found("officer_id")
    assignment = services.work_package_assign(by=viewer, package=package, officer=officer)
    return Status(
        201,
        {
            "package_id": assignment.package_id,
            "officer_id": assignment.officer_id,
            "assigned_at": assignment.assigned_at,
        },
    )
