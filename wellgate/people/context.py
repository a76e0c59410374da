from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wellgate.people.models import Role


def viewer(request: HttpRequest) -> dict[str, Any]:
    v = getattr(request, "viewer", None)
    return {
        "viewer": v,
        "role_labels": dict(Role.choices),
        "viewer_role_label": Role(v.role).label if v else "",
    }
