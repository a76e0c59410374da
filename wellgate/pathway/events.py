"""The pathway log's vocabulary: one ``Event``, and the ``Clearance`` a decision grants.

Pure, like ``rules.py``, which re-exports both (callers import them from there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wellgate.policy.rules import CATEGORY_RANK


@dataclass(frozen=True)
class Clearance:
    """What an officer may view: the highest category, the media, and whether only supervised."""

    max_category: str | None  # None: may view nothing; else "C" | "B" | "A"
    media: tuple[str, ...]
    supervised: bool  # True: only with a mentor present

    def meet(self, other: Clearance | None) -> Clearance:
        """The lower of the two on every axis (``None``: nothing recorded, so no cap)."""
        if other is None:
            return self
        lower = min(self.max_category, other.max_category, key=_rank)
        media = tuple(m for m in self.media if m in other.media)
        return Clearance(lower, media, self.supervised or other.supervised)

    def covers(self, other: Clearance) -> bool:
        """True when this allows at least everything ``other`` allows."""
        return (
            _rank(self.max_category) >= _rank(other.max_category)
            and set(other.media) <= set(self.media)
            and (other.supervised or not self.supervised)
        )


def _rank(category: str | None) -> int:
    return CATEGORY_RANK.get(category, len(CATEGORY_RANK))  # an unknown code never wins a meet


NO_CLEARANCE = Clearance(None, (), True)


@dataclass(frozen=True)
class Event:
    """One entry of an officer's pathway log."""

    type: str
    subject_id: int  # the officer whose pathway this is
    actor_id: int  # who recorded it
    by_role: str  # the role the actor acted in (one of ROLES)
    recorded_at: datetime  # server time (aware); all gate timing uses this
    occurred_at: datetime  # when it happened, as the user said (never in the future)
    ready: bool | None = None  # readiness_declared only
    stage: str | None = None  # advanced / stepped_back: the target stage
    note: str = ""
    # joined / advanced / stepped_back: the clearance this decision granted, and the number of
    # the policy version it was granted under (0: the defaults). None: recorded before grants
    # were kept, so the stage of the current policy stands in for it.
    grant: Clearance | None = None
    policy_version: int | None = None
