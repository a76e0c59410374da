"""The one place Wellgate reads the time (tests move it with time-machine)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_override: ContextVar[dt.datetime | None] = ContextVar("wellgate_clock_override", default=None)


def now() -> dt.datetime:
    """The current moment, timezone-aware."""
    fixed = _override.get()
    return fixed if fixed is not None else timezone.now()


def today(tz: dt.tzinfo | None = None) -> dt.date:
    """Today's date in ``tz`` (default: the project time zone)."""
    return timezone.localtime(now(), tz).date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Read ``moment`` as now inside the block (``wellgate tick --now`` replays)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
