from __future__ import annotations

import datetime as dt

from wellgate.checkins import services
from wellgate.periodic import register


@register("checkins.invite", order=40)
def invite(now: dt.datetime) -> int:
    """Invite officers to the check-ins due on their force's cadence (each invitation once)."""
    return services.invitations_send(now=now)
