"""Access decisions for views: every view carries one (the route-by-role test checks it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wellgate.people.access import (
    ACTIONS,
    PERSON_ACTIONS,
    WELFARE_READS,
    Viewer,
    can,
    person_or_404,
)
from wellgate.people.services import access_log_record

View = Callable[..., HttpResponse]

# Pages that show the viewer's own welfare record without naming a person in the address.
# Opening one is logged only in a session marked after an administrator reset, where the
# reader may not be the person (``Viewer.after_admin_reset``).
OWN_WELFARE_PAGES = frozenset(
    {"home.view", "inbox.view", "checkins.self", "support.self", "moves.self", "moves.view"}
)


def viewer_of(request: HttpRequest) -> Viewer:
    viewer = getattr(request, "viewer", None)
    assert viewer is not None, "access() guarantees a viewer"
    return viewer


def access(
    action: str, *, subject: str | None = None, log: str | None = None
) -> Callable[[View], View]:
    """Decide access before the view runs.

    ``subject`` names the URL argument holding a person id: the view then receives the person
    (404 when the viewer may not see them). Reads of another person's welfare record are
    written to the access log as ``log`` (default: the action). In a session marked after an
    administrator reset, one's own reads are written too (marked), and so are the pages of
    ``OWN_WELFARE_PAGES``.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action}")
    if (action in PERSON_ACTIONS) != (subject is not None):
        raise ValueError(f"{action}: person actions need subject=, force actions must not have one")

    def deco(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            viewer = getattr(request, "viewer", None)
            if viewer is None:
                if request.user.is_authenticated:
                    # Signed in but holding no role now (e.g. after moving out of the team).
                    return render(request, "people/no_role.html", status=403)
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if subject is not None:
                person = person_or_404(viewer, action, int(kwargs.pop(subject)))
                if action not in WELFARE_READS:
                    return view(request, person, *args, **kwargs)
                if request.method in ("GET", "HEAD"):
                    access_log_record(viewer=viewer, subject=person, what=log or action)
                    return view(request, person, *args, **kwargs)
                response = view(request, person, *args, **kwargs)
                # A refused form re-shows the record's state, so it is a read; a write that
                # redirects shows nothing (the page it leads to logs its own read).
                if not 300 <= response.status_code < 400:
                    access_log_record(viewer=viewer, subject=person, what=log or action)
                return response
            if not can(viewer, action, viewer.person.force):
                raise PermissionDenied("Your role does not give access to this page.")
            if (
                viewer.after_admin_reset
                and action in OWN_WELFARE_PAGES
                and request.method in ("GET", "HEAD")
            ):
                access_log_record(viewer=viewer, subject=viewer.person, what=log or action)
            return view(request, *args, **kwargs)

        wrapped.access_action = action  # type: ignore[attr-defined]
        wrapped.access_subject = subject  # type: ignore[attr-defined]
        return wrapped

    return deco


def public(view: View) -> View:
    """A page anyone may open, signed in or not (health check, error pages)."""
    view.access_action = "public"  # type: ignore[attr-defined]
    view.access_subject = None  # type: ignore[attr-defined]
    return view
