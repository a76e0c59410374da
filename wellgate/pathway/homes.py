"""What the pathway adds to each role's home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wellgate.homes import register
from wellgate.pathway import queries
from wellgate.people import queries as people_queries
from wellgate.people.access import Viewer
from wellgate.people.models import Role
from wellgate.people.services import access_log_record_many
from wellgate.policy import queries as policy_queries

SHOWN = 8


@register(Role.OFFICER, template="pathway/panel_officer.html", order=10)
def officer_panel(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    st = queries.state(viewer.person)
    checklist = queries.checklist(st, policy_queries.current(viewer.force_id))
    return {"st": st, "met": sum(1 for c in checklist if c.met), "total": len(checklist)}


@register(
    Role.SUPERVISOR, Role.MENTOR, Role.WELFARE_LEAD, template="pathway/panel_team.html", order=10
)
def team_panel(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    if viewer.role == Role.SUPERVISOR:
        officers = people_queries.reports_of(viewer.person)
    elif viewer.role == Role.MENTOR:
        officers = people_queries.mentees_of(viewer.person)
    else:
        officers = people_queries.officers_of_force(viewer.force_id)
    rows = queries.team_rows(list(officers.order_by("full_name")))
    # Those needing attention first: ready to move on, paused, asked to leave, open flags.
    rows.sort(
        key=lambda r: (
            not (r.state.gate_complete or r.state.suspended or r.open_flags),
            r.officer.full_name,
        )
    )
    shown = rows[:SHOWN]
    access_log_record_many(viewer=viewer, subjects=[r.officer for r in shown], what="pathway.view")
    return {"rows": shown, "more": max(0, len(rows) - SHOWN), "total": len(rows)}
