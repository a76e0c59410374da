"""An officer asks to leave the team; their supervisor acknowledges, agrees where they go and
records the move. Nobody is offered a way to decline."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.conftest import assert_accessible, email_of, screenshot, sign_in
from wellgate.demo.builders import DEMO_PASSWORD, Demo
from wellgate.moves.models import MoveRequest
from wellgate.pathway import queries
from wellgate.people.models import Role
from wellgate.people.queries import current_roles

REASON = "Since the Harbour case I dread the mornings."


class Someone:
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


def test_an_officer_asks_to_leave_and_the_supervisor_records_the_move(
    browser: Browser, live_server: Any, demo: Demo
) -> None:
    leaver = factories.make_person(demo.force, Role.OFFICER, demo.teams[0], name="Lee Leaving")
    factories.supervise(leaver, demo.people["sam.supervisor"])
    officer = Someone(browser, live_server, leaver.email, factories.PASSWORD)
    sam = Someone(browser, live_server, email_of("sam.supervisor"), DEMO_PASSWORD)

    # The officer asks, from the control on every page, and is told what happens by when.
    page = officer.open("/")
    page.get_by_role("link", name="I want to leave the team").click()
    expect(page.get_by_role("heading", name="I want to leave the team")).to_be_visible()
    expect(page.get_by_text("acknowledge your request by")).to_be_visible()
    page.get_by_label("Your reason (optional)").fill(REASON)
    assert_accessible(page)
    screenshot(page, "move-request")
    page.get_by_role("button", name="Ask to leave the team").click()
    expect(page.get_by_text("Your viewing is suspended from now")).to_be_visible()
    expect(page.get_by_role("heading", name="Your request to leave the team")).to_be_visible()
    assert queries.clearance(leaver).max_category is None
    req = MoveRequest.objects.get(officer=leaver)

    # The supervisor finds it from the navigation, without the private reason, and
    # acknowledges it. There is no button to decline.
    page = sam.open("/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Requests to leave"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Lee Leaving").click()
    expect(page.get_by_text("Nobody can decline this request")).to_be_visible()
    expect(page.get_by_text("Harbour")).to_have_count(0)
    expect(page.get_by_role("button", name="Decline")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the request").click()
    expect(page.get_by_text("Acknowledged. Lee Leaving has been told.")).to_be_visible()

    # The officer follows the progress against the deadlines.
    page = officer.open(f"/moves/{req.pk}/")
    expect(page.get_by_role("cell", name="Done on", exact=False)).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "move-progress")

    # A destination is needed before it can be agreed; then the move is recorded.
    page = sam.open(f"/moves/{req.pk}/")
    page.get_by_role("button", name="Agree this destination").click()
    expect(page.get_by_role("alert")).to_contain_text("Where they will move to")
    assert_accessible(page)
    page.get_by_label("Where they will move to").fill("Economic Crime Unit")
    page.get_by_role("button", name="Agree this destination").click()
    expect(page.get_by_text("Destination agreed.")).to_be_visible()
    page.get_by_role("button", name="Record the move").click()
    expect(page.get_by_text("Lee Leaving has left the team")).to_be_visible()

    req.refresh_from_db()
    assert (req.state, req.destination) == ("moved", "Economic Crime Unit")
    assert queries.state(leaver).left_team
    assert Role.OFFICER not in current_roles(leaver)
