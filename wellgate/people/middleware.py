from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from wellgate.people.queries import viewer_for

SESSION_ROLE = "wellgate_role"
# Why this session is marked (see ``accounts.sign_in_record``); absent when it is not.
SESSION_ADMIN_RESET = "wellgate_admin_reset"


class ViewerMiddleware:
    """Attach ``request.viewer``: the signed-in person acting in their chosen role."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            viewer = viewer_for(user, request.session.get(SESSION_ROLE))
            if viewer is not None:
                viewer.after_admin_reset = bool(request.session.get(SESSION_ADMIN_RESET))
            request.viewer = viewer  # type: ignore[attr-defined]
        return self.get_response(request)
