"""Project-wide request checks: a one-time password changed first, two-step verification,
idle timeout."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wellgate import clock
from wellgate.people.models import MFA_ROLES
from wellgate.policy.queries import current as current_policy

LAST_SEEN = "wellgate_last_seen"
# Pages a person who must set up two-step verification may still open.
MFA_SETUP_PATHS = ("/accounts/", "/static/", "/healthz")
# Pages a person signed in with a one-time password may still open.
PASSWORD_CHANGE_PATHS = ("/accounts/password/change/", "/accounts/logout/", "/static/", "/healthz")


class IdleTimeoutMiddleware:
    """Sign out a session left idle for longer than the force policy allows (default 30 min)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        viewer = getattr(request, "viewer", None)
        if viewer is not None and not request.path.startswith("/api/"):
            now = clock.now().timestamp()
            last = request.session.get(LAST_SEEN)
            limit = current_policy(viewer.force_id).idle_timeout_minutes * 60
            if last is not None and now - float(last) > limit:
                logout(request)
                request.viewer = None  # type: ignore[attr-defined]
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect(f"/accounts/login/?next={request.path}")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireMfaMiddleware:
    """Account requirements before anything else. A one-time password (issued by an
    administrator or the platform operator) is changed first: until then only the password
    page opens. Then supervisors, welfare leads, senior leaders and administrators must use
    two-step verification; until they set it up, they see only the set-up pages (every other
    role is offered it, not required to)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            getattr(user, "must_change_password", False)
            and not request.path.startswith(PASSWORD_CHANGE_PATHS)
            and not request.path.startswith("/api/")
        ):
            messages.warning(
                request,
                "You signed in with a one-time password. Choose your own password to continue.",
            )
            return redirect("account_change_password")
        viewer = getattr(request, "viewer", None)
        if (
            viewer is not None
            and not viewer.person.is_demo
            and MFA_ROLES.intersection(viewer.roles)
            and not request.path.startswith(MFA_SETUP_PATHS)
            and not request.path.startswith("/api/")
            and not Authenticator.objects.filter(
                user=viewer.person, type=Authenticator.Type.TOTP
            ).exists()
        ):
            messages.warning(
                request, "Your role needs two-step verification. Set it up to continue."
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreMiddleware:
    """Welfare records must not stay in a browser's or a proxy's cache (ASVS 8.2.1): every
    answer to a signed-in person, and every API answer (bearer tokens), is ``no-store``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Judged before and after: a sign-out mid-request still answers a signed-in person.
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            signed_in
            or (user is not None and user.is_authenticated)
            or request.path.startswith("/api/")
        ):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
