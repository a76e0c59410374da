"""Small page helpers shared by every app's views: pagination, refusals on forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from wellgate.errors import Detail, Refused


def paginate(request: HttpRequest, items: Any, per_page: int = 25) -> Page:
    """One page of ``items`` from ``?page=``; a bad or too-large page number gives the last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def add_refusal(form: Any, field: str | None, message: str) -> None:
    """Put one message on the form field it concerns (or the whole form)."""
    if field and field in form.fields:
        form.add_error(field, message)
    else:
        form.add_error(None, message)


def form_refusal(
    form: Any, exc: Refused, place: Callable[[Detail], str | None] | None = None
) -> None:
    """Put each reason of a refusal on the form field it concerns (or the whole form).

    ``place`` names the form's field for a reason where the form's names differ from the
    service's (``None``: the whole form).
    """
    for detail in exc.details:
        add_refusal(form, detail.field if place is None else place(detail), detail.message)
