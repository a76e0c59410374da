"""Error pages: a plain sentence, never a traceback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        import json

        body = {"detail": [{"code": f"http.{status}", "message": message, "field": None}]}
        return HttpResponse(json.dumps(body), status=status, content_type="application/json")
    html = render_to_string("error.html", {"title": title, "message": message}, request=request)
    return HttpResponse(html, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        "Not available to your role",
        "Your current role does not give access to this page. If you hold another role, switch to it from the top of the page.",
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        "Page not found",
        "There is nothing here, or you do not have access to it. Check the address, or go back to your home page.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Something went wrong",
        "Wellgate could not complete this request and nothing was saved. Please try again; if it keeps happening, tell your administrator.",
    )
