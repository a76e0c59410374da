"""Reads of flags that pages, the API and other apps (the pathway gate) share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from wellgate import clock
from wellgate.flags.models import PRIVATE_SOURCES, Flag, FlagEvent, State
from wellgate.people.access import Viewer
from wellgate.people.models import LineManagement, Person, Role


def _open_at(at: dt.datetime | None) -> Q:
    # Open at a moment: opened by then and not yet closed (replays judge by their own day).
    at = at or clock.now()
    return Q(opened_at__lte=at) & (Q(state=State.OPEN) | Q(closed_at__gt=at))


def open_flags_for(officer: Person, at: dt.datetime | None = None) -> QuerySet[Flag]:
    return Flag.objects.filter(_open_at(at), officer=officer).select_related("owner")


def open_flag_count(officer: Person, at: dt.datetime | None = None) -> int:
    """How many amber or red flags are open for ``officer``, private ones included."""
    return Flag.objects.filter(_open_at(at), officer=officer).count()


def open_flag_counts(officer_ids: Iterable[int], at: dt.datetime | None = None) -> dict[int, int]:
    """Open flags per officer, private ones included (the welfare lead's view; the pathway
    gate and every count others see use ``gate_flags``)."""
    rows = (
        Flag.objects.filter(_open_at(at), officer_id__in=list(officer_ids))
        .values("officer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["officer_id"]: r["n"] for r in rows}


@dataclass(frozen=True)
class GateFlags:
    """What an officer's flags mean for the pathway gate, the same for every viewer."""

    open_flags: int  # open flags anyone responsible may see (never a private one)
    held: bool  # the welfare lead holds the pathway on an open flag


def gate_flags(officer_ids: Iterable[int], at: dt.datetime | None = None) -> dict[int, GateFlags]:
    """Gate facts per officer, for many officers in one query (absent: nothing open).

    A private flag (a check-in's) neither counts nor blocks: only the welfare lead's explicit
    hold on it does, and the gate shows the hold without saying what it is about.
    """
    rows = (
        Flag.objects.filter(_open_at(at), officer_id__in=list(officer_ids))
        .values("officer_id", "source", "holds_pathway")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, int] = defaultdict(int)
    held: set[int] = set()
    for r in rows:
        if r["source"] not in PRIVATE_SOURCES:
            counts[r["officer_id"]] += r["n"]
        if r["holds_pathway"]:
            held.add(r["officer_id"])
    return {i: GateFlags(counts.get(i, 0), i in held) for i in set(counts) | held}


def flags_visible_to(viewer: Viewer) -> QuerySet[Flag]:
    """The flags the viewer may see: a supervisor's reports' (and any they own), the whole
    force for the welfare lead, nothing for anyone else."""
    qs = Flag.objects.filter(force_id=viewer.force_id).select_related("officer", "owner")
    if viewer.role == Role.WELFARE_LEAD:
        return qs
    if viewer.role == Role.SUPERVISOR:
        reports = LineManagement.objects.current().filter(supervisor=viewer.person)
        # A check-in flag is the welfare lead's alone: supervisors never learn of it (§3).
        return qs.exclude(source__in=PRIVATE_SOURCES).filter(
            Q(officer_id__in=reports.values("officer_id"), officer__is_active=True)
            | Q(owner=viewer.person)
        )
    return qs.none()


def flag_history(flag: Flag) -> QuerySet[FlagEvent]:
    return flag.events.select_related("by", "from_owner", "to_owner").order_by("at", "id")
