"""An officer completes a PHQ-9 with item 9 above 0 and sees support at once; the welfare lead
sees the red flag; the supervisor sees nothing of it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.conftest import assert_accessible, email_of, screenshot, sign_in
from wellgate import clock
from wellgate.checkins.models import CheckIn
from wellgate.demo.builders import DEMO_PASSWORD, Demo
from wellgate.flags.models import Flag
from wellgate.notify.services import deliver_pending
from wellgate.people.models import Role

# PHQ-9 answers by question: a mild total of 7, with question 9 answered "Several days".
ANSWERS = [
    "Several days",
    "Several days",
    "More than half the days",
    "Several days",
    "Not at all",
    "Several days",
    "Not at all",
    "Not at all",
    "Several days",
]


def own_page(browser: Browser, live_server: Any, email: str, password: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB").new_page()
    sign_in(page, live_server, email, password)
    return page


def test_a_critical_phq9_shows_support_at_once_and_reaches_only_the_welfare_lead(
    browser: Browser, live_server: Any, demo: Demo
) -> None:
    # A force of its own: the welfare lead's lists (and their access log) stay the demo's.
    force = factories.make_force("Westmoor Police (journey)")
    team = factories.make_team(force, "Westmoor ICAT")
    officer = factories.make_person(force, Role.OFFICER, team, name="Jo Checkin")
    supervisor = factories.make_person(force, Role.SUPERVISOR, team, name="Sue Sergeant")
    lead = factories.make_person(force, Role.WELFARE_LEAD, None, name="Wes Welfare")
    factories.supervise(officer, supervisor)
    page = own_page(browser, live_server, officer.email, factories.PASSWORD)

    # Told, before starting, exactly who will see the result.
    page.get_by_role("link", name="Check in", exact=True).click()
    expect(page.get_by_role("heading", name="Before you start: who will see this")).to_be_visible()
    expect(page.get_by_text("never see your answers or scores")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start PHQ-9").first.click()
    expect(page.get_by_role("heading", name="PHQ-9", exact=True)).to_be_visible()
    expect(page.get_by_text("Wes Welfare").first).to_be_visible()
    expect(page.get_by_text("Patient Health Questionnaire (PHQ-9)")).to_be_visible()

    # Sending with questions unanswered names them, and stores nothing.
    page.get_by_role("group", name="1. Little interest or pleasure in doing things").get_by_label(
        "Several days"
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Choose an answer to question 2, or skip this check-in.")
    ).to_be_visible()
    assert not CheckIn.objects.filter(officer=officer).exists()
    assert_accessible(page)

    # From the start again; radio groups work from the keyboard (arrow keys move the choice).
    page.goto(f"{live_server.url}/checkins/take/phq9/")
    page.locator("#id_phq9_1_0").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_phq9_1_1")).to_be_checked()
    for number, answer in enumerate(ANSWERS, 1):
        page.locator(f"#q-phq9_{number}").get_by_label(answer, exact=True).check()
    assert_accessible(page)
    screenshot(page, "checkin")
    page.get_by_role("button", name="Send my answers").click()

    # Support first, at once, with crisis contacts; the supervisor is not told.
    expect(
        page.get_by_role("heading", name="Thank you for telling us. Support is here for you now.")
    ).to_be_visible()
    expect(page.get_by_text("116 123")).to_be_visible()
    expect(page.get_by_text("Your supervisor has not been told.")).to_be_visible()
    expect(page.get_by_text("Mild").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "checkin-support")
    flag = Flag.objects.get(officer=officer)
    assert (flag.severity, flag.owner) == ("red", lead)

    # The welfare lead is told at once (the next tick delivers it to the inbox), sees the red
    # flag in the check-in queue and opens it.
    deliver_pending(clock.now())
    welfare = own_page(browser, live_server, lead.email, factories.PASSWORD)
    welfare.goto(f"{live_server.url}/inbox/")
    expect(welfare.get_by_role("link", name="Red flag: Jo Checkin (check-in)")).to_be_visible()
    welfare.get_by_role("link", name="Check-ins", exact=True).click()
    row = welfare.get_by_role("row").filter(has_text="Jo Checkin")
    expect(row.get_by_text("Red")).to_be_visible()
    assert_accessible(welfare)
    row.get_by_role("link", name="an answer needs urgent attention").click()
    expect(welfare.get_by_role("heading", name="Red flag: Jo Checkin")).to_be_visible()

    # The supervisor's pages show nothing of it.
    sue = own_page(browser, live_server, supervisor.email, factories.PASSWORD)
    for path in ("/", "/support/team/", "/inbox/", f"/people/{officer.pk}/"):
        sue.goto(f"{live_server.url}{path}")
        body = sue.content()
        assert "PHQ-9" not in body and ": check-in" not in body and "Mild" not in body
    response = sue.goto(f"{live_server.url}/flags/{flag.pk}/")
    assert response is not None and response.status == 404


def test_my_check_ins_show_the_trend_as_a_chart_and_a_table(
    page: Page, live_server: Any, demo: Demo
) -> None:
    sign_in(page, live_server, email_of("olivia.officer"), DEMO_PASSWORD)
    page.get_by_role("link", name="My check-ins").click()
    expect(page.get_by_role("heading", name="My check-ins")).to_be_visible()
    expect(page.get_by_role("img", name="Wellgate pulse over time")).to_be_visible()
    expect(page.get_by_role("img", name="PHQ-9 over time")).to_be_visible()
    expect(page.get_by_role("table", name="PHQ-9 results, oldest first")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "my-checkins")
