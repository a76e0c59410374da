"""Journeys of the foundation: each role's home, switching roles, what an administrator may not
open, the officer's access log, the policy form's refusals and two-step verification set-up."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
import time_machine
from playwright.sync_api import Page, Response, expect

from tests import factories
from tests.browser.conftest import assert_accessible, email_of, screenshot, sign_in
from wellgate.demo.builders import DEMO_PASSWORD, Demo
from wellgate.people.models import Role

HOMES = [
    # (screenshot name, demo login, heading of the home page)
    ("officer", "olivia.officer", "Hello, Olivia"),
    ("supervisor", "sam.supervisor", "Your team"),
    ("mentor", "morgan.mentor", "Your mentees"),
    ("welfare-lead", "wendy.welfare", "Force welfare"),
    ("senior-leader", "lee.leader", "Leadership overview"),
    ("administrator", "ada.admin", "Administration"),
]


def h1(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def test_pages_load_their_stylesheet_and_scripts(page: Page, live_server: Any) -> None:
    static: list[Response] = []
    page.on("response", lambda r: static.append(r) if "/static/" in r.url else None)

    page.goto(f"{live_server.url}/accounts/login/")

    assert [f"{r.status} {r.url}" for r in static if not r.ok] == []
    assert any(r.url.endswith(".css") for r in static)
    # Styled, the skip link stays out of sight until the keyboard reaches it.
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()


@pytest.mark.parametrize(("name", "login", "heading"), HOMES, ids=[h[0] for h in HOMES])
def test_each_role_lands_on_its_own_home_page(
    page: Page, live_server: Any, demo: Demo, name: str, login: str, heading: str
) -> None:
    sign_in(page, live_server, email_of(login), DEMO_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(h1(page)).to_have_text(heading)
    page.reload()  # without the "signed in" message, for the screenshot
    expect(h1(page)).to_have_text(heading)
    assert_accessible(page)
    screenshot(page, f"home-{name}")


def test_a_supervisor_who_also_mentors_switches_to_the_mentor_home(
    page: Page, live_server: Any, demo: Demo
) -> None:
    sign_in(page, live_server, email_of("sam.supervisor"), DEMO_PASSWORD)
    expect(h1(page)).to_have_text("Your team")

    page.get_by_label("Working as").select_option(label="Mentor")
    page.get_by_role("button", name="Switch").click()

    expect(h1(page)).to_have_text("Your mentees")
    expect(page.get_by_role("status")).to_contain_text("You are now working as mentor.")
    expect(page.get_by_label("Working as")).to_have_value(Role.MENTOR)
    expect(page.get_by_role("table", name="Those needing attention first")).to_contain_text(
        "Casey Cragside"
    )


def test_an_administrator_cannot_open_welfare_pages(
    page: Page, live_server: Any, demo: Demo
) -> None:
    officer = demo.people["olivia.officer"]
    sign_in(page, live_server, email_of("ada.admin"), DEMO_PASSWORD)

    # Someone's record: 404, which does not even confirm the person exists.
    response = page.goto(f"{live_server.url}/people/{officer.pk}/access-log/")
    assert response is not None and response.status == 404
    expect(h1(page)).to_have_text("Page not found")
    expect(page.get_by_role("main")).not_to_contain_text(officer.full_name)
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/welfare/access-log/")
    assert response is not None and response.status == 403
    expect(h1(page)).to_have_text("Not available to your role")


def test_an_officer_sees_who_has_looked_at_their_record(
    page: Page, live_server: Any, demo: Demo
) -> None:
    sign_in(page, live_server, email_of("olivia.officer"), DEMO_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Who has looked at my record"
    ).click()

    expect(h1(page)).to_have_text("Who has looked at my record")
    # The demo's two entries are the oldest (the table is newest first); journeys that ran
    # before this one may have added reads of their own.
    rows = page.locator("main table tbody tr")
    when = re.compile(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2}")
    for row, (who, role) in zip(
        rows.all()[-2:],
        [("Wendy Welfare", "Welfare lead"), ("Sam Supervisor", "Supervisor")],
        strict=True,
    ):
        cells = row.get_by_role("cell")
        expect(cells.nth(0)).to_have_text(when)
        expect(cells.nth(1)).to_have_text(who)
        expect(cells.nth(2)).to_have_text(role)
        expect(cells.nth(3)).not_to_be_empty()
    # Entries about other officers stay out of it.
    expect(page.get_by_role("main")).not_to_contain_text("Nico")
    assert_accessible(page)
    screenshot(page, "access-log")


def test_a_welfare_lead_sees_why_a_policy_change_is_refused(
    page: Page, live_server: Any, demo: Demo
) -> None:
    sign_in(page, live_server, email_of("wendy.welfare"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Policy").click()
    expect(h1(page)).to_have_text("Force policy")
    assert_accessible(page)
    screenshot(page, "policy")

    page.get_by_role("link", name="Change the policy").click()
    expect(h1(page)).to_have_text("Change the policy")
    reason = page.get_by_label("Why is the policy changing?")
    cadence = page.get_by_label("1:1 with supervisor every (weeks)")
    reason.fill("")
    cadence.fill("0")
    save = page.get_by_role("button", name="Save as a new version")
    save.click()

    summary = page.get_by_role("alert", name="There is a problem")
    expect(summary).to_contain_text("Why is the policy changing?")
    assert_accessible(page)
    screenshot(page, "policy-edit-errors", full_page=False)  # the form is very long

    # The policy rules run once the form itself is complete: the zero cadence is refused then.
    reason.fill("Trying a weekly rhythm of zero.")
    save.click()
    expect(summary).to_contain_text("1:1 with supervisor every (weeks)")
    expect(cadence).to_have_value("0")
    page.goto(f"{live_server.url}/policy/")
    expect(page.get_by_role("table", name="Policy versions")).not_to_contain_text("zero")


def test_a_new_supervisor_sets_up_two_step_verification_before_anything_else(
    page: Page, live_server: Any
) -> None:
    force = factories.make_force()
    person = factories.make_person(force, Role.SUPERVISOR, is_demo=False)

    sign_in(page, live_server, person.email, factories.PASSWORD)

    expect(page.get_by_role("status")).to_contain_text("Your role needs two-step verification")
    # allauth asks for the password again before adding an authenticator, even just after
    # signing in: only a reauthentication counts as recent.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert_accessible(page)
    # Everything else stays closed until it is set up.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    totp = pyotp.TOTP(page.locator("#authenticator_secret").input_value())
    # The live server runs in this process: with the clock held, the code typed and the code
    # the server expects come from the same 30-second step however slow the machine is.
    with time_machine.travel(time.time(), tick=False):
        page.get_by_label("Authenticator code").fill(totp.now())
        page.get_by_role("button", name="Activate").click()
        expect(page).not_to_have_url(re.compile(r"/totp/activate/"))

    page.goto(f"{live_server.url}/")
    expect(h1(page)).to_have_text("Your team")
