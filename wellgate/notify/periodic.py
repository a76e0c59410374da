from __future__ import annotations

import datetime as dt

from wellgate.notify.services import deliver_pending
from wellgate.periodic import register


@register("notify.deliver", order=1000)
def deliver(now: dt.datetime) -> int:
    return deliver_pending(now)
