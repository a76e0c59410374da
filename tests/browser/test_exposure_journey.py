"""A supervisor imports a case, makes a Category C work package and gives it to a Category C
officer, who logs a session against it; a Category A package for the same officer is refused
on screen. Then the supervisor looks at the team's week."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible, email_of, screenshot
from tests.browser.test_pathway_journey import Person
from wellgate import clock
from wellgate.demo.builders import DEMO_PASSWORD, Demo
from wellgate.exposure.models import ExposureSession, WorkPackageAssignment

LONDON = zoneinfo.ZoneInfo("Europe/London")
EXPORT = Path(__file__).resolve().parents[1] / "data" / "vics" / "media-v2-uk-bom.json"


@pytest.fixture
def next_working_morning() -> Iterator[dt.datetime]:
    """11:00 on the next working day, so the session and the limits read the same every run."""
    day = clock.now().astimezone(LONDON).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    moment = dt.datetime.combine(day, dt.time(11, 0), tzinfo=LONDON)
    with time_machine.travel(moment, tick=True):
        yield moment


def test_a_case_becomes_a_work_package_that_a_category_c_officer_logs_a_session_against(
    browser: Browser, live_server: Any, demo: Demo, next_working_morning: dt.datetime
) -> None:
    sam = Person(browser, live_server, email_of("sam.supervisor"), DEMO_PASSWORD)
    casey = Person(browser, live_server, email_of("casey.cragside"), DEMO_PASSWORD)
    casey_id = demo.people["casey.cragside"].pk

    # The supervisor imports the grading tool's export.
    page = sam.open("/cases/import/")
    expect(page.get_by_role("heading", name="Import a case export")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Case export file").set_input_files(str(EXPORT))
    page.get_by_label("Case reference").fill("OP-JOURNEY")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Case OP-JOURNEY imported: 50 items counted")).to_be_visible()
    volume = page.get_by_role("table", name="Volume per category and media kind")
    # Category, images, video, all.
    expect(volume.get_by_role("row", name="Category C 10 0 10", exact=True)).to_be_visible()
    expect(volume.get_by_role("row", name="Category A 12 2 14", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "case-import")

    # A Category C package, assigned to Casey (Category C, with a mentor).
    page.get_by_role("radio", name="Category C (10 items)").check()
    page.get_by_role("button", name="Create the work package").click()
    expect(
        page.get_by_text("Work package ready: Case OP-JOURNEY: Category C items (10)")
    ).to_be_visible()
    page.get_by_label("Officer").select_option(
        label="Casey Cragside (Category C with a mentor; cleared up to Category C)"
    )
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned to Casey Cragside.")).to_be_visible()

    # A Category A package for the same officer is refused, with the reason, on screen.
    page.get_by_role("radio", name="Category A (14 items)").check()
    page.get_by_role("button", name="Create the work package").click()
    page.get_by_label("Officer").select_option(
        label="Casey Cragside (Category C with a mentor; cleared up to Category C)"
    )
    page.get_by_role("button", name="Assign").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "Casey Cragside: The package holds Category A items; the officer is cleared up to "
        "Category C."
    )
    assert_accessible(page)
    assert not WorkPackageAssignment.objects.filter(
        officer_id=casey_id, package__category="A", package__case__case_ref="OP-JOURNEY"
    ).exists()

    # Casey logs a session against the package, seeing first what her clearance allows.
    page = casey.open("/")
    page.get_by_role("link", name="Log a session").click()
    panel = page.get_by_role("region", name="Before you start")
    expect(panel).to_contain_text("Up to Category C: images; only with a mentor present.")
    day = next_working_morning.date().isoformat()
    page.get_by_label("Started", exact=True).fill(f"{day}T10:00")
    page.get_by_label("Ended", exact=True).fill(f"{day}T10:40")
    page.get_by_role("radio", name="Category C").check()
    page.get_by_role("checkbox", name="Images").check()
    page.get_by_role("spinbutton", name="Category C").fill("10")
    page.get_by_label("Work package").select_option(label="Case OP-JOURNEY: Category C items (10)")
    page.get_by_label("A mentor was with me").check()
    assert_accessible(page)
    screenshot(page, "log-session")
    page.get_by_role("button", name="Log the session").click()
    expect(page.get_by_text("Session logged: 40 minutes, highest Category C.")).to_be_visible()
    expect(page.get_by_text("It counts as a supervised session on the pathway.")).to_be_visible()
    expect(page.get_by_role("heading", name="My exposure")).to_be_visible()
    assert_accessible(page)
    s = ExposureSession.objects.filter(officer_id=casey_id).order_by("-created_at").first()
    assert (
        s is not None
        and s.work_package is not None
        and s.work_package.case.case_ref == "OP-JOURNEY"
    )
    assert not s.unexpected and s.pathway_event_id is not None

    # Sam mentors Casey: as her mentor, Sam sees her week (and nobody else's).
    # (Switched from the page Sam is on: as supervisor, the week would be a read of every
    # report's record, which another journey's access log would then show.)
    sam.page.get_by_label("Working as").select_option(label="Mentor")
    sam.page.get_by_role("button", name="Switch").click()
    expect(sam.page.get_by_text("You are now working as mentor.")).to_be_visible()
    page = sam.open("/team/exposure/")
    expect(page.get_by_role("row", name=re.compile("^Casey Cragside"))).to_contain_text("40 min")
    assert_accessible(page)

    # A supervisor's week: hours, sessions, breaks, limits passed, unexpected exposures (the
    # demo week in which Logan stayed on past 16:00 and Gray met mis-graded material).
    sky = Person(browser, live_server, email_of("sky.sergeant"), DEMO_PASSWORD)
    late = ExposureSession.objects.filter(officer=demo.people["logan.mardale"]).latest("started_at")
    page = sky.open(f"/team/exposure/?week={late.started_at.astimezone(LONDON).date().isoformat()}")
    expect(page.get_by_role("row", name=re.compile("^Logan Mardale"))).to_contain_text(
        "no break, after 16:00"
    )
    expect(page.get_by_role("row", name=re.compile("^Gray Garsdale"))).to_contain_text("1")
    assert_accessible(page)
    screenshot(page, "team-exposure")
