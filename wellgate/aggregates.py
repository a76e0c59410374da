"""Counts shown to leaders under the k rule: no cell, and no total, about fewer than k people.

Pure: the standard library only, so any app can use it.
"""

from __future__ import annotations


def suppress_small(
    counts: dict[str, int], k: int, people: dict[str, int] | None = None
) -> dict[str, int | None]:
    """The counts of one breakdown with every cell about fewer than ``k`` people hidden.

    ``people`` gives how many different people each cell is about (one officer may have
    asked more than once); without it each count is taken as people. The cells add up to a
    total that is shown beside them, so a single hidden cell could be worked out by
    subtraction: when exactly one cell is hidden, the smallest other one is hidden too. When
    the whole breakdown is about fewer than ``k`` people, every cell is hidden.
    """
    people = people if people is not None else counts
    if sum(counts.values()) < k or sum(people.values()) < k:
        return dict.fromkeys(counts)
    shown: dict[str, int | None] = {
        name: (n if people[name] >= k else None) for name, n in counts.items()
    }
    hidden = [name for name, n in shown.items() if n is None]
    if len(hidden) == 1:
        others = sorted((n, name) for name, n in counts.items() if name not in hidden)
        if others:
            shown[others[0][1]] = None
    return shown


def total_or_none(counts: dict[str, int], k: int, people: int | None = None) -> int | None:
    """The total of a breakdown, or ``None`` when it is about fewer than ``k`` people."""
    total = sum(counts.values())
    return total if total >= k and (people if people is not None else total) >= k else None
