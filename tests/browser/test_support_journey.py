"""Welfare support through the web: a supervisor's observation opens an amber flag that the 1:1
they then record closes; the officer takes time away with one click; the welfare lead books a
psychological assessment and records it attended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.conftest import assert_accessible, email_of, screenshot, sign_in
from wellgate import calendar, clock
from wellgate.demo.builders import DEMO_PASSWORD, Demo
from wellgate.people.models import Role
from wellgate.support import services


class Person:
    """One person's own browser, signing in again whenever the session has lapsed."""

    def __init__(self, browser: Browser, live_server: Any, email: str, password: str) -> None:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
        self.page = context.new_page()
        self.live_server, self.email, self.password = live_server, email, password

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.live_server.url}{path}")
        if "/accounts/login/" in self.page.url:
            sign_in(self.page, self.live_server, self.email, self.password)
            self.page.goto(f"{self.live_server.url}{path}")
        return self.page


@pytest.fixture
def travel_to() -> Iterator[Callable[[dt.datetime], None]]:
    """Moves the server's clock (the live server runs in this process); undone at the end."""
    started: list[Any] = []

    def to(moment: dt.datetime) -> None:
        started.append(time_machine.travel(moment, tick=True))
        started[-1].start()

    yield to
    for t in reversed(started):
        t.stop()


def test_a_flag_closes_with_a_1to1_time_away_takes_one_click_and_an_assessment_is_recorded(
    browser: Browser, live_server: Any, demo: Demo, travel_to: Callable[[dt.datetime], None]
) -> None:
    # An officer of Sam's, made for this journey, with their obligations planned as a tick would.
    robin = factories.make_person(demo.force, Role.OFFICER, demo.teams[0], name="Robin Rowe")
    factories.supervise(robin, demo.people["sam.supervisor"])
    services.obligations_plan_due(now=clock.now())
    rid = robin.pk
    sup = Person(browser, live_server, email_of("sam.supervisor"), DEMO_PASSWORD)
    officer = Person(browser, live_server, robin.email, factories.PASSWORD)
    welfare = Person(browser, live_server, email_of("wendy.welfare"), DEMO_PASSWORD)

    # 1. The supervisor notices a stress sign: an amber flag opens for them.
    page = sup.open(f"/people/{rid}/support/")
    expect(page.get_by_role("heading", name="Support for Robin Rowe")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record an observation").click()
    page.get_by_label("Fatigue or poor sleep").check()
    page.get_by_label("What you noticed").fill("Looked exhausted at the morning briefing.")
    assert_accessible(page)
    page.get_by_role("button", name="Record the observation").click()
    expect(
        page.get_by_text("An amber flag is open until a conversation is recorded.")
    ).to_be_visible()
    flag_path = page.get_by_role("link", name="Amber flag: supervisor observation").get_attribute(
        "href"
    )
    assert flag_path
    assert_accessible(page)

    page = sup.open("/support/team/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Robin Rowe"))
    expect(row.get_by_text("supervisor observation")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "team-support")

    # The 1:1 that closes it, from the flag's row: the form arrives with the flag chosen.
    row.get_by_role("link", name="Record the 1:1 that closes it").click()
    expect(page.get_by_role("heading", name="Record a meeting with Robin Rowe")).to_be_visible()
    expect(page.get_by_label("What kind of meeting")).to_have_value("one_to_one")
    expect(page.get_by_label("Closes a flag")).not_to_have_value("")
    page.get_by_label("How are you?").fill(
        "Not sleeping well since the last case; better for talking."
    )
    page.get_by_label("Workload").fill("Heavy this month; one export moved to a colleague.")
    page.get_by_label("Agreed actions").fill("A lighter week, and a welfare day booked.")
    assert_accessible(page)
    page.get_by_label("Agreed actions").blur()
    screenshot(page, "meeting-form")
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".message.success")).to_contain_text("recorded for Robin Rowe.")
    expect(page.get_by_role("heading", name="Open flags")).to_have_count(0)
    assert_accessible(page)

    page = sup.open(flag_path)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Closed since")
    expect(facts).to_contain_text("1:1 with supervisor on")
    expect(facts).to_contain_text("(Sam Supervisor)")
    expect(page.get_by_role("button", name="Record it")).to_have_count(0)
    assert_accessible(page)

    # 2. The officer takes time away: one click, no approval, no reason.
    page = officer.open("/")
    assert_accessible(page)
    page.get_by_role("link", name="My support").click()
    expect(page.get_by_role("heading", name="My support")).to_be_visible()
    page.get_by_role("button", name="A break away from the screen").click()
    expect(page.get_by_text("Take the time you need: nobody has to approve it.")).to_be_visible()
    expect(page.get_by_text("Recently: a break away from the screen on")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "my-support")

    # 3. The welfare lead books an assessment for tomorrow morning...
    policy = services.policy_for(demo.force.pk)
    tomorrow = calendar.today_for(policy) + dt.timedelta(days=1)
    page = welfare.open(f"/people/{rid}/support/")
    assert_accessible(page)
    page.get_by_role("link", name="Book or record an assessment").click()
    book = page.get_by_role("region", name="Book an assessment")
    expect(book.get_by_label("Officer")).to_have_value(str(rid))
    book.get_by_label("Day").fill(tomorrow.isoformat())
    book.get_by_label("Time").fill("10:00")
    assert_accessible(page)
    book.get_by_role("button", name="Book it").click()
    expect(
        page.get_by_text("Assessment booked for Robin Rowe; they have been told.")
    ).to_be_visible()
    booked = page.get_by_role("row").filter(has_text="Robin Rowe").filter(has_text="10:00")
    expect(booked.get_by_text("After the appointment")).to_be_visible()
    assert_accessible(page)

    # ...and, once it has taken place, records it attended (attendance only, never content).
    after = dt.datetime.combine(tomorrow, dt.time(11, 0), tzinfo=calendar.zone_of(policy))
    travel_to(after)
    page = welfare.open("/support/force/")
    booked = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Robin Rowe"))
    expect(booked.get_by_role("button", name="Attended")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "force-support")
    booked.get_by_role("button", name="Attended").click()
    expect(page.get_by_text("Recorded as attended for Robin Rowe.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Robin Rowe")).to_have_count(0)
    assert_accessible(page)

    page = welfare.open(f"/people/{rid}/support/")
    done = (
        page.get_by_role("table", name="Done, missed and earlier")
        .get_by_role("row")
        .filter(has_text="Psychological assessment")
    )
    expect(done).to_contain_text(f"Done on {tomorrow.day} {tomorrow:%B %Y}")
    expect(done).to_contain_text("recorded by Wendy Welfare")
    assert_accessible(page)
