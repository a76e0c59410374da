"""Periodic work: each app registers idempotent steps; ``wellgate tick`` runs them in order.

Steps claim the rows they work on with a conditional UPDATE (``claim`` for one row inside the
transaction that processes it, ``claim_batch`` for a batch marked with a token), so two tick
processes never do one thing twice, and on PostgreSQL they skip each other's rows instead of
queueing behind them. ``run_all`` runs each step in its own transaction: a step that fails is
logged and rolled back, and the others still run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.db.models import QuerySet

log = logging.getLogger(__name__)

# A step takes the moment it runs for and returns how many things it did (for the log line).
Step = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    step: Step


_REGISTRY: dict[str, Registered] = {}


def register(name: str, *, order: int = 100) -> Callable[[Step], Step]:
    """Register ``step`` to run on every tick. Lower ``order`` runs first; delivery runs last."""

    def deco(step: Step) -> Step:
        _REGISTRY[name] = Registered(name, order, step)
        return step

    return deco


def steps() -> list[Registered]:
    return sorted(_REGISTRY.values(), key=lambda r: (r.order, r.name))


@dataclass
class TickResult:
    """What one tick did: a count per step that finished, and the names of those that failed."""

    done: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def run_all(now: dt.datetime) -> TickResult:
    """Run every registered step once for ``now``; each step is idempotent.

    Each step runs in its own transaction. One that raises is logged with its name and rolled
    back, and the steps after it still run: a broken step must not stop delivery for every force.
    """
    result = TickResult()
    for r in steps():
        try:
            with transaction.atomic():
                result.done[r.name] = r.step(now)
        except Exception:
            log.exception("tick step %s failed", r.name)
            result.failed.append(r.name)
    return result


# --- Claiming rows ------------------------------------------------------------------------


def _is_postgresql(qs: QuerySet[Any]) -> bool:
    return connections[qs.db].vendor == "postgresql"


def claim(claimable: QuerySet[Any], **mark: Any) -> bool:
    """Claim the rows of ``claimable`` for this process: True when this call took them.

    A conditional UPDATE writes ``mark`` on the rows that still match, and ``mark`` must make
    them stop matching (a date moved to today, a token), so only one process ever succeeds.
    Call it inside the transaction that does the work: on PostgreSQL the rows are first locked
    with SKIP LOCKED, and the locks are held until that transaction ends, so a second tick
    passes over them at once instead of waiting and then finding them taken.
    """
    using = router.db_for_write(claimable.model)
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("claim() must run inside the transaction that processes the rows.")
    if _is_postgresql(claimable) and not list(
        claimable.select_for_update(skip_locked=True).values_list("pk", flat=True)
    ):
        return False  # none left, or another tick holds them right now
    return bool(claimable.update(**mark))


def claim_batch(
    candidates: QuerySet[Any], *, limit: int, token_field: str, token: str, **mark: Any
) -> list[Any]:
    """Claim up to ``limit`` rows of ``candidates`` (in its order) for ``token``; their ids.

    One short transaction picks the rows and writes ``token`` (and ``mark``) on those that
    still match ``candidates``; the ids returned are exactly the rows that now carry the
    token. ``candidates`` must exclude rows carrying a live token. On PostgreSQL the pick
    skips rows another tick is claiming, so two ticks take two separate batches at once.
    """
    with transaction.atomic(using=router.db_for_write(candidates.model)):
        pick = candidates
        if _is_postgresql(candidates):
            pick = pick.select_for_update(skip_locked=True)
        ids = list(pick.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        candidates.filter(pk__in=ids).update(**{token_field: token}, **mark)
        taken = set(
            candidates.model._default_manager.filter(
                pk__in=ids, **{token_field: token}
            ).values_list("pk", flat=True)
        )
    return [pk for pk in ids if pk in taken]
