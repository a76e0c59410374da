"""The API kit every app's ``api.py`` builds on: token auth, the per-operation access decision
(``api_access`` + ``AccessRouter``), the viewer of a request, and the error answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from wellgate.errors import Refused
from wellgate.people.access import (
    ACTIONS,
    PERSON_ACTIONS,
    WELFARE_READS,
    Viewer,
    can,
    person_or_404,
)
from wellgate.people.models import TokenScope
from wellgate.people.queries import current_roles
from wellgate.people.services import access_log_record, token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Viewer | None:
        api_token = token_authenticate(token)
        if api_token is None:
            return None
        roles = current_roles(api_token.person)
        if api_token.role not in roles:
            return None
        viewer = Viewer(person=api_token.person, role=api_token.role, roles=roles)
        request.viewer = viewer  # type: ignore[attr-defined]
        request.token_scope = api_token.scope  # type: ignore[attr-defined]
        return viewer


def api_viewer(request: HttpRequest) -> Viewer:
    viewer = getattr(request, "viewer", None)
    assert viewer is not None
    return viewer


class AccessAuth(TokenAuth):
    """Token, scope and access decision of one operation, checked before its input is parsed:
    a forged id answers 404 whatever the body holds."""

    def __init__(self, action: str, subject: str | None, write: bool) -> None:
        super().__init__()
        self.action, self.subject, self.write = action, subject, write

    def authenticate(self, request: HttpRequest, token: str) -> Viewer | None:
        viewer = super().authenticate(request, token)
        if viewer is None:
            return None
        if self.write and getattr(request, "token_scope", None) != TokenScope.WRITE:
            raise HttpError(403, "This token is read-only; create a token with the write scope.")
        if self.subject is None:
            if not can(viewer, self.action, viewer.person.force):
                raise HttpError(403, "Your role does not give access to this operation.")
            return viewer
        match = request.resolver_match
        raw = str(match.kwargs.get(self.subject, "")) if match else ""
        if not raw.isdigit():
            return viewer  # not an id at all: input validation names the field (422)
        person = person_or_404(viewer, self.action, int(raw))
        # A write's answer, or its refusal, shows the record's state too: log every method.
        if self.action in WELFARE_READS:
            access_log_record(viewer=viewer, subject=person, what=f"api {self.action}")
        request.subject = person  # type: ignore[attr-defined]
        return viewer


def api_access(
    action: str, *, subject: str | None = None, write: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the access decision of an API operation (AccessRouter enforces it).

    With ``subject``, the named path argument is a person id: 404 unless the viewer may do
    ``action`` to that person; the person is then on ``request.subject``.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action}")
    if (action in PERSON_ACTIONS) != (subject is not None):
        raise ValueError(f"{action}: person actions need subject=, force actions must not have one")

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        func.access_action = action  # type: ignore[attr-defined]
        func.access_subject = subject  # type: ignore[attr-defined]
        func.access_write = write  # type: ignore[attr-defined]
        return func

    return deco


class AccessRouter(Router):
    """A router whose every operation carries its declared access decision as its auth."""

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any
    ) -> None:
        action = getattr(view_func, "access_action", None)
        if action is None:
            raise ValueError(f"{view_func.__name__}: declare its access with @api_access(...)")
        kwargs["auth"] = [AccessAuth(action, view_func.access_subject, view_func.access_write)]  # type: ignore[attr-defined]
        super().add_api_operation(path, methods, view_func, **kwargs)


# Error answers: every failure is {"detail": [{"code", "message", "field"}]} -----------------


def _validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    details = []
    for e in exc.errors:
        loc = [
            str(p)
            for p in e.get("loc", ())
            if p not in ("body", "query", "path", "form", "payload")
        ]
        field = ".".join(loc) or None
        msg = e.get("msg", "is not valid")
        if e.get("type") == "json_invalid":
            details.append(
                {
                    "code": "request.malformed_json",
                    "message": "The request body is not valid JSON: send a JSON object.",
                    "field": None,
                }
            )
            continue
        details.append(
            {
                "code": f"invalid.{e.get('type', 'value')}",
                "message": f"{field or 'Request'}: {msg}.",
                "field": field,
            }
        )
    return details


def add_error_handlers(api: NinjaAPI) -> None:
    """Answer refusals, invalid input, 404, bad tokens and HTTP errors in the one error shape."""

    def error(request: HttpRequest, status: int, details: list[dict[str, Any]]) -> HttpResponse:
        return api.create_response(request, {"detail": details}, status=status)

    def one(code: str, message: str) -> list[dict[str, Any]]:
        return [{"code": code, "message": message, "field": None}]

    @api.exception_handler(Refused)
    def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        return error(request, exc.status, [d.as_dict() for d in exc.details])

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error(request, 422, _validation_details(exc))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(request, 404, one("not_found", "Not found, or you do not have access to it."))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error(
            request, 401, one("auth.token", "Send a valid token: Authorization: Bearer <token>.")
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # django-ninja wraps the JSON parser's error (JSONDecodeError, UnicodeDecodeError
            # are ValueErrors) in a bare 400 before validation runs: answer in our own words.
            return error(
                request,
                422,
                one(
                    "request.malformed_json",
                    "The request body is not valid JSON: send a JSON object.",
                ),
            )
        return error(request, exc.status_code, one(f"http.{exc.status_code}", exc.message))
