"""Small HTTP helpers shared by every app's views."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int = 25) -> Page:
    """One page of ``items`` from ``?page=``; a bad or too-large page number gives the last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def add_refusal(form: Any, field: str | None, message: str) -> None:
    """Put a domain refusal on the form field it concerns (or the whole form)."""
    if field and field in form.fields:
        form.add_error(field, message)
    else:
        form.add_error(None, message)
