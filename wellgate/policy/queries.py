"""Reading a force's policy (current, or as it stood at a moment)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from wellgate.policy.models import PolicyVersion
from wellgate.policy.rules import PolicySettings


def current_version(force_id: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(force_id=force_id).order_by("-number").first()


def current(force_id: int) -> PolicySettings:
    """The force's policy now; the defaults of DESIGN.md when none was saved yet."""
    version = current_version(force_id)
    return PolicySettings.from_dict(version.settings) if version else PolicySettings()


def at(force_id: int, moment: dt.datetime) -> PolicySettings:
    """The policy in force at ``moment`` (past decisions are judged by the rules of their day)."""
    version = (
        PolicyVersion.objects.filter(force_id=force_id, created_at__lte=moment)
        .order_by("-number")
        .first()
    )
    return PolicySettings.from_dict(version.settings) if version else PolicySettings()


def history(force_id: int) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(force_id=force_id).select_related("created_by")
