"""Role home pages are assembled from panels that each app registers (like tick steps), so a
lower app's page can show what higher apps know without importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from wellgate.people.access import Viewer

Panel = Callable[[HttpRequest, Viewer], dict[str, Any] | None]
_PANELS: dict[str, list[tuple[int, str, Panel]]] = {}


def register(*roles: str, template: str, order: int = 100) -> Callable[[Panel], Panel]:
    """Show ``template`` on the home page of each of ``roles``, with the context ``panel`` returns
    (nothing is shown when it returns None)."""

    def deco(panel: Panel) -> Panel:
        for role in roles:
            _PANELS.setdefault(role, []).append((order, template, panel))
            _PANELS[role].sort(key=lambda p: p[0])
        return panel

    return deco


def panels_for(request: HttpRequest, viewer: Viewer) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for _, template, panel in _PANELS.get(viewer.role, []):
        ctx = panel(request, viewer)
        if ctx is not None:
            out.append((template, ctx))
    return out
