"""Every write about welfare support: one transaction each, access checked, rules consulted.

Obligations are planned from the policy by the periodic job (and again at once after one is
closed), completed by the person the design names, rescheduled with the old date kept, and
escalated through the outbox with stable keys so that nothing is sent twice.

The services live in one module per concept; this package names them all, so callers keep
writing ``from wellgate.support import services``.
"""

from __future__ import annotations

from wellgate.calendar import today_for
from wellgate.support.services._common import policy_for
from wellgate.support.services.appointments import (
    psych_attendance_record,
    psych_attended_record,
    psych_book,
    welfare_day_book,
)
from wellgate.support.services.escalation import escalations_send
from wellgate.support.services.events import (
    case_closed,
    obligations_stop,
    unexpected_exposure_recorded,
)
from wellgate.support.services.notes import (
    flag_close_with_meeting,
    meeting_record,
    observation_record,
)
from wellgate.support.services.obligations import (
    _create_obligation,
    joined_on,
    obligation_complete,
    obligation_miss,
    obligation_reschedule,
    obligations_plan_due,
)
from wellgate.support.services.selfcare import (
    calendar_feed_create,
    calendar_feed_revoke,
    coping_mark_helpful,
    coping_share,
    time_away_take,
)

__all__ = [
    "_create_obligation",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "case_closed",
    "coping_mark_helpful",
    "coping_share",
    "escalations_send",
    "flag_close_with_meeting",
    "joined_on",
    "meeting_record",
    "obligation_complete",
    "obligation_miss",
    "obligation_reschedule",
    "obligations_plan_due",
    "obligations_stop",
    "observation_record",
    "policy_for",
    "psych_attendance_record",
    "psych_attended_record",
    "psych_book",
    "time_away_take",
    "today_for",
    "unexpected_exposure_recorded",
    "welfare_day_book",
]
