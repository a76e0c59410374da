from __future__ import annotations

import datetime as dt

from wellgate.periodic import register
from wellgate.support import services


@register("support.plan", order=20)
def plan(now: dt.datetime) -> int:
    """Plan every active officer's obligations from the policy cadences."""
    return services.obligations_plan_due(now=now)


@register("support.escalate", order=30)
def escalate(now: dt.datetime) -> int:
    """Notify about overdue obligations: officer and supervisor, welfare lead, senior leaders."""
    return services.escalations_send(now=now)
