"""Enumerate every web route and API operation with the access decision each declares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from ninja import NinjaAPI

# Third-party URL trees that decide access themselves (sign-in, two-step set-up).
DELEGATED_MODULES = ("allauth.",)


@dataclass(frozen=True)
class Route:
    kind: str  # "web" or "api"
    pattern: str  # e.g. "people/<int:person_id>/" or "/api/v1/people/{person_id}"
    name: str
    method: str
    action: str | None
    subject: str | None
    params: tuple[str, ...]


def _walk(patterns: Iterable[Any], prefix: str = "") -> Iterable[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            module = getattr(p.urlconf_module, "__name__", "") or ""
            if module.startswith(DELEGATED_MODULES) or (
                isinstance(p.urlconf_module, list)
                and p.urlconf_module
                and getattr(p.urlconf_module[0].callback, "__module__", "").startswith("allauth")
            ):
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def web_routes(patterns: Iterable[Any] | None = None) -> list[Route]:
    routes = []
    for path, p in _walk(patterns if patterns is not None else get_resolver().url_patterns):
        callback = p.callback
        # A partial (ninja's root view) reports the module of the function it wraps.
        module = getattr(getattr(callback, "func", callback), "__module__", "")
        if module.startswith(("ninja.", "allauth.")):
            continue  # the API is enumerated operation by operation below
        routes.append(
            Route(
                "web",
                path,
                p.name or "",
                "GET",
                getattr(callback, "access_action", None),
                getattr(callback, "access_subject", None),
                tuple(p.pattern.converters.keys()) if hasattr(p.pattern, "converters") else (),
            )
        )
    return routes


def api_routes(api: NinjaAPI | None = None) -> list[Route]:
    if api is None:
        from wellgate.api import api as wellgate_api

        api = wellgate_api
    routes = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                func = op.view_func
                full = "/api/v1" + (("/" + prefix.strip("/")) if prefix.strip("/") else "") + path
                params = tuple(
                    part[1:-1].split(":")[-1] for part in path.split("/") if part.startswith("{")
                )
                for method in op.methods:
                    routes.append(
                        Route(
                            "api",
                            full,
                            func.__name__,
                            method,
                            getattr(func, "access_action", None),
                            getattr(func, "access_subject", None),
                            params,
                        )
                    )
    return routes


def undecided(routes: Iterable[Route]) -> list[Route]:
    """Routes that declare no access decision: each one is a defect."""
    return [r for r in routes if r.action is None]
