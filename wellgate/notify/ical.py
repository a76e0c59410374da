"""Personal iCalendar feeds (RFC 5545): neutral titles only, never welfare content.

Other apps describe their appointments as ``CalendarEvent`` values; this module writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

PRODID = "-//Wellgate//Wellbeing calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across fetches, so a calendar updates the event instead of adding one
    summary: str  # neutral, e.g. "Wellbeing appointment": a calendar may be seen by others
    day: dt.date
    starts_at: dt.datetime | None = None  # None: an all-day event on ``day``
    minutes: int = 60


def render(name: str, events: Iterable[CalendarEvent], *, stamp: dt.datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("summary", e.summary)
        if e.starts_at is None:
            event.add("dtstart", e.day)
            event.add("dtend", e.day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = e.starts_at.astimezone(dt.UTC)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=e.minutes))
        event.add("class", "PRIVATE")
        cal.add_component(event)
    return cal.to_ical()
