"""A new joiner walks from induction to independent through the web, with the clock moved:
"not ready yet", a pause and a step back on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.conftest import assert_accessible, email_of, screenshot, sign_in
from wellgate import clock
from wellgate.demo.builders import DEMO_PASSWORD, Demo
from wellgate.pathway import queries
from wellgate.people.models import Role


class Clock:
    """Moves the server's time forward (the live server runs in this process)."""

    def __init__(self) -> None:
        self.now = clock.now()
        self._travel: Any = None

    def forward(self, days: float = 0, hours: float = 0) -> None:
        self.now += dt.timedelta(days=days, hours=hours)
        if self._travel is not None:
            self._travel.stop()
        self._travel = time_machine.travel(self.now, tick=True)
        self._travel.start()

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()


@pytest.fixture
def moving_clock() -> Iterator[Clock]:
    c = Clock()
    c.forward()
    yield c
    c.stop()


class Person:
    """One person's own browser, signing in again whenever the session has lapsed."""

    def __init__(self, browser: Browser, live_server: Any, email: str, password: str) -> None:
        self.page = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="en-GB"
        ).new_page()
        self.live_server, self.email, self.password = live_server, email, password

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.live_server.url}{path}")
        if "/accounts/login/" in self.page.url:
            sign_in(self.page, self.live_server, self.email, self.password)
            self.page.goto(f"{self.live_server.url}{path}")
        return self.page


def record(
    staff: Person, officer_id: int, what: str, note: str = "", mentor: str | None = None
) -> None:
    page = staff.open(f"/people/{officer_id}/pathway/record/")
    page.get_by_label(what).check()
    if mentor:
        page.get_by_role("combobox", name="Mentor").select_option(label=mentor)
    if note:
        page.get_by_label("Private note").fill(note)
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded on the pathway.")).to_be_visible()


def decide(sup: Person, officer_id: int, button: str) -> Page:
    page = sup.open(f"/people/{officer_id}/pathway/")
    page.get_by_role("button", name=button).click()
    return page


def ready(officer: Person, officer_id: int, answer: str) -> None:
    page = officer.open(f"/people/{officer_id}/pathway/")
    page.get_by_role("button", name=answer).click()
    expect(page.locator(".message.success")).to_be_visible()


def stage_gate(c: Clock, officer: Person, mentor: Person, sup: Person, officer_id: int) -> None:
    record(mentor, officer_id, "A supervised viewing session took place")
    c.forward(days=7, hours=1)
    record(mentor, officer_id, "A supervised viewing session took place")
    record(
        sup,
        officer_id,
        "A reflection discussion took place",
        note="Talked about how the week felt.",
    )
    ready(officer, officer_id, "I feel able to view more")
    decide(sup, officer_id, "Sign off")


def test_a_new_joiner_walks_from_induction_to_independent(
    browser: Browser, live_server: Any, demo: Demo, moving_clock: Clock
) -> None:
    c = moving_clock
    joiner = factories.make_person(demo.force, Role.OFFICER, demo.teams[0], name="Jo Journey")
    factories.supervise(joiner, demo.people["sam.supervisor"])
    oid = joiner.pk
    officer = Person(browser, live_server, joiner.email, factories.PASSWORD)
    sup = Person(browser, live_server, email_of("sam.supervisor"), DEMO_PASSWORD)
    mentor = Person(browser, live_server, email_of("morgan.mentor"), DEMO_PASSWORD)
    welfare = Person(browser, live_server, email_of("wendy.welfare"), DEMO_PASSWORD)
    from wellgate.pathway.services import ensure_joined

    ensure_joined(officer=joiner, joined_at=clock.now())

    # Induction: the officer sees where they are and what is still needed.
    page = officer.open(f"/people/{oid}/pathway/")
    expect(page.get_by_role("heading", name="Where you are: Induction")).to_be_visible()
    expect(page.get_by_text("Have the categories explained to you in conversation")).to_be_visible()
    assert_accessible(page)
    page = officer.open("/guidance/")
    page.get_by_role("button", name="I have read this guidance").click()
    record(sup, oid, "The categories were explained in conversation")
    record(sup, oid, "A mentor was assigned", mentor="Morgan Mentor")
    ready(officer, oid, "I'm not ready yet")
    page = officer.open(f"/people/{oid}/pathway/")
    expect(page.get_by_text("you said you do not feel ready yet")).to_be_visible()
    screenshot(page, "my-pathway")
    c.forward(days=2)
    ready(officer, oid, "I feel able to view more")
    page = decide(sup, oid, "Sign off")
    page = decide(sup, oid, "Move to Category C with a mentor")
    expect(page.get_by_text("has moved to the next stage")).to_be_visible()

    # Category C, with a pause on the way (one confirmation, no reason).
    record(mentor, oid, "A supervised viewing session took place")
    page = officer.open("/")
    page.get_by_role("link", name="Pause viewing").click()
    page.get_by_role("button", name="Pause now").click()
    expect(page.get_by_text("Your viewing is paused")).to_be_visible()
    assert queries.state(joiner).paused
    page.get_by_role("button", name="Resume viewing").first.click()
    expect(page.get_by_text("Welcome back")).to_be_visible()
    c.forward(days=7, hours=1)
    record(mentor, oid, "A supervised viewing session took place")
    record(sup, oid, "A reflection discussion took place", note="Coping well; some tiredness.")
    ready(officer, oid, "I feel able to view more")
    decide(sup, oid, "Sign off")
    decide(sup, oid, "Move to Category B with a mentor")
    assert queries.state(joiner).stage.code == "cat_b"

    # A step back to Category C: it takes effect at once; the gate must be met again.
    page = officer.open("/")
    page.get_by_role("link", name="Step back").click()
    page.get_by_label("Category C with a mentor").check()
    page.get_by_role("button", name="Step back now").click()
    expect(page.get_by_text("you have stepped back")).to_be_visible()
    assert queries.state(joiner).stage.code == "cat_c"
    c.forward(days=3)
    stage_gate(c, officer, mentor, sup, oid)
    decide(sup, oid, "Move to Category B with a mentor")

    # Before Category A: a psychological assessment, recorded by the welfare lead.
    stage_gate(c, officer, mentor, sup, oid)
    page = decide(sup, oid, "Move to Category A with a mentor")
    expect(page.get_by_text("Attend a psychological assessment").first).to_be_visible()
    from wellgate.support.services import psych_attended_record

    psych_attended_record(
        by=factories.viewer(demo.people["wendy.welfare"]),
        officer=joiner,
        attended_on=clock.now().date(),
    )
    page = decide(sup, oid, "Move to Category A with a mentor")
    expect(page.get_by_text("has moved to the next stage")).to_be_visible()

    stage_gate(c, officer, mentor, sup, oid)
    decide(sup, oid, "Move to Independent")
    page = officer.open(f"/people/{oid}/pathway/")
    expect(page.get_by_role("heading", name="Where you are: Independent")).to_be_visible()
    assert_accessible(page)

    page = sup.open("/team/pathway/")
    expect(page.get_by_role("link", name="Jo Journey")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "team-pathway")
    page = welfare.open(f"/people/{oid}/pathway/timeline/")
    expect(page.get_by_text("Stepped back").first).to_be_visible()
    assert_accessible(page)
