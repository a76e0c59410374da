"""Periodic work: each app registers idempotent steps; ``wellgate tick`` runs them in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

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


def run_all(now: dt.datetime) -> dict[str, int]:
    """Run every registered step once for ``now``; each step is idempotent."""
    return {r.name: r.step(now) for r in steps()}
