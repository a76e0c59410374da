"""What the policy adds to the home pages of those who approve loosening changes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wellgate.homes import register
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
