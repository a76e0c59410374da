"""What the policy adds to home pages: counts under its k for leaders, and the loosening
changes waiting for those who approve them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wellgate.homes import register
from wellgate.people import queries as people_queries
from wellgate.people.access import Viewer
from wellgate.people.models import Role
from wellgate.policy import queries


@register(Role.WELFARE_LEAD, Role.SENIOR_LEADER, template="policy/panel_proposals.html", order=5)
def proposals_panel(request: HttpRequest, viewer: Viewer) -> dict[str, Any] | None:
    """Loosening policy changes this viewer may approve; nothing when there are none."""
    waiting = [
        p for p in queries.pending_proposals(viewer.force_id) if queries.may_decide(viewer, p)
    ]
    return {"count": len(waiting)} if waiting else None


@register(Role.SENIOR_LEADER, template="policy/panel_team_sizes.html", order=1)
def team_sizes_panel(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    """Officers by team, a team smaller than the policy's k shown as "fewer than k"."""
    k = queries.current(viewer.force_id).k_anonymity
    rows = people_queries.officers_per_team(viewer.force_id)
    return {"k": k, "team_sizes": [{"team": t, "n": n if n >= k else None} for t, n in rows]}
