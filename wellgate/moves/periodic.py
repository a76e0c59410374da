from __future__ import annotations

import datetime as dt

from wellgate.moves import services
from wellgate.periodic import register


@register("moves.escalate", order=35)
def escalate(now: dt.datetime) -> int:
    """Record and escalate missed deadlines to leave the team: welfare lead, senior leaders."""
    return services.breaches_send(now=now)
