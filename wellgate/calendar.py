"""The force calendar: its time zone, its days, its months and its working days.

Every "which day is it for this force" question is answered here, so that the periodic job,
the pages and the rules agree. Everything is pure except ``now_in`` and ``today_for`` when
they are not given a moment: they then read ``wellgate.clock`` (never the system clock).
``rules.py`` modules call only the pure functions.

Working days are Monday to Friday less the bank holidays of the force's nation (England,
Wales, Scotland or Northern Ireland), taken from the ``holidays`` package.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import zoneinfo

import holidays

from wellgate.policy.rules import NATIONS, PolicySettings

# --- Zone and days ------------------------------------------------------------------------


@functools.cache
def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called ``name``; ValueError naming it when there is none."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {name!r}.") from None


def zone_of(policy: PolicySettings) -> zoneinfo.ZoneInfo:
    """The force's time zone, from its policy."""
    return zone_named(policy.time_zone)


def local_date(moment: dt.datetime, policy: PolicySettings) -> dt.date:
    """The day ``moment`` falls on in the force's time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("local_date needs an aware datetime")
    return moment.astimezone(zone_of(policy)).date()


def now_in(policy: PolicySettings, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (default: the clock) seen in the force's time zone."""
    if now is None:
        from wellgate import clock  # the one impure read, kept out of the pure functions

        now = clock.now()
    return now.astimezone(zone_of(policy))


def today_for(policy: PolicySettings, now: dt.datetime | None = None) -> dt.date:
    """Today in the force's time zone: obligations and deadlines fall on the force's days."""
    return now_in(policy, now).date()


def start_of_day(day: dt.date, policy: PolicySettings) -> dt.datetime:
    """Midnight at the start of ``day`` in the force's time zone."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone_of(policy))


# --- Months -------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the end of a shorter month.

    31 January + 1 month is 28 February (29 in a leap year).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


# --- Working days -------------------------------------------------------------------------


def _subdivision(nation: str) -> tuple[str, str]:
    try:
        return NATIONS[nation]
    except KeyError:
        raise ValueError(f"Unknown nation {nation!r}; use one of {', '.join(NATIONS)}.") from None


@functools.lru_cache(maxsize=128)
def _bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    country, subdiv = _subdivision(nation)
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year).keys())


def is_working_day(day: dt.date, nation: str) -> bool:
    """Monday to Friday and not a bank holiday of ``nation``."""
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def working_day_on_or_after(day: dt.date, nation: str) -> dt.date:
    """``day`` itself if it is a working day, else the next working day."""
    while not is_working_day(day, nation):
        day += dt.timedelta(days=1)
    return day


def working_days_after(start: dt.date, n: int, nation: str) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself is never counted).

    ``n = 0`` returns ``start`` unchanged. "Within 3 working days" of an event on a Thursday
    before a normal weekend is the following Tuesday.
    """
    if n < 0:
        raise ValueError("n must not be negative.")
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day, nation):
            n -= 1
    return day


def working_days_between(a: dt.date, b: dt.date, nation: str) -> int:
    """How many working days fall after ``a`` up to and including ``b``.

    The inverse of ``working_days_after``: ``working_days_between(a, working_days_after(a,
    n, nation), nation) == n``. Negative when ``b`` is before ``a``.
    """
    if b < a:
        return -working_days_between(b, a, nation)
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if is_working_day(day, nation):
            count += 1
    return count
