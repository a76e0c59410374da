"""What every part of the support services shares: the policy in force, refusals, who is who."""

from __future__ import annotations

import datetime as dt

from wellgate import clock
from wellgate.errors import Refused
from wellgate.people.access import Viewer, can
from wellgate.people.models import LineManagement, Person
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import PolicySettings

# --- Time and refusals --------------------------------------------------------------------


def _denied(
    message: str = "You cannot do this for this person in your current role.",
) -> Refused:
    return Refused.one("access.denied", message, None, 403)


def policy_for(force_id: int, at: dt.datetime | None = None) -> PolicySettings:
    """The force's policy in force at ``at`` (default now)."""
    return policy_queries.at(force_id, at or clock.now())


# --- Dates and people ---------------------------------------------------------------------


def _check_day(day: dt.date, today: dt.date, field_name: str) -> None:
    if day > today:
        raise Refused.one(
            "support.date_in_future",
            "Record it on the day it happened, not a day still to come.",
            field_name,
        )


def _require_self(by: Viewer) -> Person:
    if not can(by, "support.self", by.person.force):
        raise _denied("Only an officer does this, for themselves.")
    return by.person


def _supervisor_of(officer: Person) -> Person | None:
    lm = (
        LineManagement.objects.current()
        .filter(officer=officer, supervisor__is_active=True)
        .select_related("supervisor")
        .first()
    )
    return lm.supervisor if lm else None
