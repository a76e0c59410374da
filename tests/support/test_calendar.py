"""The personal calendar feed: valid iCalendar, neutral titles, reachable only by its secret."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.test import Client

from tests.factories import World, make_obligation, viewer
from wellgate import clock
from wellgate.support import services


def feed(world: World) -> str:
    _, secret = services.calendar_feed_create(by=viewer(world.officer))
    return f"/calendar/{secret}.ics"


def test_the_feed_parses_and_says_nothing_about_welfare(world: World, client: Client):
    make_obligation(world.officer, "one_to_one", clock.today() + dt.timedelta(days=3))
    starts = clock.now().replace(microsecond=0) + dt.timedelta(days=5)
    services.psych_book(by=viewer(world.welfare_lead), officer=world.officer, starts_at=starts)
    services.welfare_day_book(by=viewer(world.officer), day=clock.today() + dt.timedelta(days=9))
    response = client.get(feed(world))  # no session: calendar programs cannot sign in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Wellbeing appointment", "Wellbeing day", "Wellbeing reminder"}
    assert events["Wellbeing appointment"].decoded("DTSTART") == starts
    assert events["Wellbeing day"].decoded("DTSTART") == clock.today() + dt.timedelta(days=9)
    text = response.content.decode().lower()
    for word in ("psych", "1:1", "assessment", "welfare", "olive", "supervisor"):
        assert word not in text, word
    assert all(e["UID"] and e["DTSTAMP"] for e in cal.walk("VEVENT"))


def test_a_revoked_or_unknown_feed_is_not_found(world: World, client: Client):
    url = feed(world)
    services.calendar_feed_revoke(by=viewer(world.officer))
    assert client.get(url).status_code == 404
    assert client.get("/calendar/cal_not-a-real-secret.ics").status_code == 404


def test_the_feed_stops_when_the_account_is_deactivated(world: World, client: Client):
    url = feed(world)
    world.officer.is_active = False
    world.officer.save()
    assert client.get(url).status_code == 404
