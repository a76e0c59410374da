"""The one append-only base (DESIGN.md §1.4: nothing is lost).

A history table inherits ``AppendOnlyModel``: a row is written once and never changed or
deleted, neither through the instance (``save()`` of a stored row, ``delete()``) nor through
a queryset (``update()``, ``delete()``, and so ``bulk_update``). Corrections are new rows.

A table whose rows change state by design (an obligation, a flag, a move request) is not
history: it inherits ``NeverDeletedModel``, whose rows may be updated but never deleted.

The only way round either is ``rewriting(reason)``: a named block, logged with its reason,
for a schema data migration's backfill or a retention purge. No service uses it today.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.db import models

log = logging.getLogger("wellgate.appendonly")

_rewriting: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "wellgate_appendonly_rewriting", default=None
)


class AppendOnlyError(RuntimeError):
    """A history row was about to be changed or deleted."""


@contextmanager
def rewriting(reason: str) -> Iterator[None]:
    """Allow history rows to be updated or deleted inside this block, and log why."""
    if not reason.strip():
        raise ValueError("Say why history is rewritten.")
    log.warning("History rewrite started: %s", reason)
    token = _rewriting.set(reason)
    try:
        yield
    finally:
        _rewriting.reset(token)
        log.warning("History rewrite ended: %s", reason)


def _refuse(model: type[models.Model], what: str) -> None:
    if _rewriting.get() is None:
        raise AppendOnlyError(f"{model._meta.verbose_name} records cannot be {what}.")


class NeverDeletedQuerySet(models.QuerySet[Any]):
    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse(self.model, "deleted")
        return super().delete()


class AppendOnlyQuerySet(NeverDeletedQuerySet):
    def update(self, **kwargs: Any) -> int:
        _refuse(self.model, "changed; record a new one")
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        # Refused before Django opens its own transaction, which the refusal would spoil.
        _refuse(self.model, "changed; record a new one")
        return super().bulk_update(objs, fields, batch_size=batch_size)


class NeverDeletedModel(models.Model):
    """Rows change state by design but are never deleted, one at a time or in bulk."""

    objects: ClassVar[Any] = NeverDeletedQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse(type(self), "deleted")
        return super().delete(*args, **kwargs)


class AppendOnlyModel(NeverDeletedModel):
    """A history row: written once, never changed, never deleted."""

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse(type(self), "changed; record a new one")
        else:
            # An explicit primary key must not turn the write into an UPDATE of another row.
            kwargs["force_insert"] = True
        super().save(*args, **kwargs)
