from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wellgate.people.models import Role


def officer_controls(request: HttpRequest) -> dict[str, Any]:
    """What the pause / step back / leave bar shows an officer on every page."""
    viewer = getattr(request, "viewer", None)
    if viewer is None or viewer.role != Role.OFFICER:
        return {}
    from wellgate.pathway import queries

    return {
        "officer_state": queries.state(viewer.person),
        "officer_guidance_new": queries.needs_to_reread_guidance(viewer.person),
    }
