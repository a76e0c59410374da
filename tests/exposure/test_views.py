"""Exposure pages: logging, the timer without JavaScript, the team's week, cases, uploads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.exposure.helpers import DATA, at, item, make_case, make_package, vics_bytes, walk_to
from tests.factories import World, login, make_person, supervise, viewer
from wellgate.exposure import services
from wellgate.exposure.models import (
    Case,
    CaseImport,
    ExposureSession,
    SessionTimer,
    WorkPackageAssignment,
)
from wellgate.people.models import AccessLogEntry, Role


def officer_client(world: World) -> Client:
    return login(Client(), world.officer, Role.OFFICER)


def sup_client(world: World) -> Client:
    return login(Client(), world.supervisor, Role.SUPERVISOR)


def session_form(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "started_at": "2027-06-09T10:00",
        "ended_at": "2027-06-09T10:40",
        "minutes": "",
        "max_category": "C",
        "media_viewed": ["image"],
        "count_c": "25",
        "break_minutes": "0",
        "mentor_present": "on",
        "work_package": "",
        "case": "",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


# --- Logging a session ---------------------------------------------------------------------


def test_the_log_form_shows_what_the_clearance_allows_and_the_time_used(world: World):
    walk_to(world, "cat_c")
    services.session_record(
        by=viewer(world.officer),
        entry=services.SessionInput(
            officer=world.officer,
            started_at=at(9, 9),
            ended_at=at(9, 9, 30),
            max_category="C",
            media=["image"],
            mentor_present=True,
        ),
    )
    page = officer_client(world).get(f"/people/{world.officer.pk}/exposure/log/")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "Before you start" in html
        and "Up to Category C: images; only with a mentor present" in html
    )
    assert "30 min of 2 h" in html  # today, at a supervised stage
    assert 'name="started_at" value="2027-06-09T13:00"' in html  # an hour ago, to adjust


def test_an_officer_logs_a_session_against_their_package_in_one_post(world: World):
    walk_to(world, "cat_c")
    package = make_package(make_case(world.force), "C")
    services.work_package_assign(
        by=viewer(world.supervisor, Role.SUPERVISOR), package=package, officer=world.officer
    )
    client = officer_client(world)
    form = client.get(
        f"/people/{world.officer.pk}/exposure/log/?package={package.pk}"
    ).content.decode()
    assert f'<option value="{package.pk}" selected>' in form
    response = client.post(
        f"/people/{world.officer.pk}/exposure/log/", session_form(work_package=str(package.pk))
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/people/{world.officer.pk}/exposure/"
    )
    s = ExposureSession.objects.get()
    assert (s.work_package, s.case, s.count_c, s.minutes, s.source) == (
        package,
        package.case,
        25,
        40,
        "web",
    )
    listing = client.get(response["Location"]).content.decode()
    assert "Session logged: 40 minutes, highest Category C." in listing
    assert "It counts as a supervised session on the pathway." in listing
    assert "Supervised session" in listing and f"Case {package.case.case_ref}" in listing


def test_a_session_above_clearance_is_logged_and_the_officer_is_told_kindly(world: World):
    walk_to(world, "cat_c")
    client = officer_client(world)
    response = client.post(
        f"/people/{world.officer.pk}/exposure/log/", session_form(max_category="A", count_c="")
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "not a mark against anyone" in page and "A debrief is due by 14 June 2027" in page
    assert "Unexpected exposure: debrief" in page


@pytest.mark.parametrize(
    "kw, field, words",
    [
        ({"ended_at": "2027-06-09T09:00"}, "ended_at", "The end is before the start"),
        (
            {"started_at": "2027-06-10T09:00", "ended_at": "2027-06-10T10:00"},
            "started_at",
            "in the future",
        ),
        ({"ended_at": "", "minutes": ""}, "ended_at", "how long it lasted"),
        ({"max_category": "Z"}, "max_category", "Select a valid choice"),
        ({"media_viewed": None}, "media_viewed", "This field is required"),
        ({"count_c": "", "count_a": "3"}, "max_category", "The counts include Category A items"),
    ],
)
def test_a_bad_session_is_a_400_naming_the_field_and_nothing_is_stored(
    world: World, kw: dict[str, Any], field: str, words: str
):
    walk_to(world, "cat_c")
    response = officer_client(world).post(
        f"/people/{world.officer.pk}/exposure/log/", session_form(**kw)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and words in html
    if field in ("started_at", "ended_at"):
        assert f'href="#id_{field}"' in html
    assert not ExposureSession.objects.exists()


def test_the_mentor_logs_for_a_mentee_and_the_read_is_in_the_access_log(world: World):
    walk_to(world, "cat_c")
    client = login(Client(), world.mentor, Role.MENTOR)
    assert client.get(f"/people/{world.officer.pk}/exposure/log/").status_code == 200
    assert AccessLogEntry.objects.filter(viewer=world.mentor, subject=world.officer).exists()
    response = client.post(f"/people/{world.officer.pk}/exposure/log/", session_form())
    assert response.status_code == 302
    assert ExposureSession.objects.get().created_by == world.mentor


def test_nobody_else_opens_the_form(world: World):
    walk_to(world, "cat_c")
    client = login(Client(), world.other_officer, Role.OFFICER)
    assert client.get(f"/people/{world.officer.pk}/exposure/log/").status_code == 404
    assert (
        client.post(f"/people/{world.officer.pk}/exposure/log/", session_form()).status_code == 404
    )
    assert not ExposureSession.objects.exists()


# --- The timer, without JavaScript ---------------------------------------------------------


def test_the_timer_starts_reminds_and_stops_with_one_click_without_javascript(world: World):
    walk_to(world, "cat_c")
    client = officer_client(world)
    url = f"/people/{world.officer.pk}/exposure/timer/"
    with time_machine.travel(at(9, 9), tick=False):
        start = client.get(url).content.decode()
        assert "Start the timer" in start and "Before you start" in start
        assert client.post(url, {"action": "start", "mentor_present": "on"}).status_code == 302
    with time_machine.travel(at(9, 9, 30), tick=False):
        page = client.get(url).content.decode()
        assert '<meta http-equiv="refresh" content="60">' in page  # inside <noscript>
        assert "Next break due at 10:00" in page
    with time_machine.travel(at(9, 9, 59), tick=False):
        client.get(url, HTTP_HX_REQUEST="true")  # the page polls every minute
    with time_machine.travel(at(9, 10, 2), tick=False):
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert fragment.startswith('<div id="timer-status"') and "Time for a break." in fragment
        assert 'role="alert"' in fragment
        stop = client.post(url, {"action": "stop"})
        assert stop.status_code == 302 and stop["Location"].endswith("/exposure/log/")
        form = client.get(stop["Location"]).content.decode()
        assert "From the session timer" in form
        assert 'value="2027-06-09T09:00"' in form and 'value="2027-06-09T10:02"' in form
        response = client.post(
            stop["Location"],
            session_form(started_at="2027-06-09T09:00", ended_at="2027-06-09T10:02"),
        )
        assert response.status_code == 302
    assert ExposureSession.objects.get().minutes == 62 and not SessionTimer.objects.exists()


def test_a_timer_started_by_mistake_is_discarded(world: World):
    walk_to(world, "cat_c")
    client = officer_client(world)
    url = f"/people/{world.officer.pk}/exposure/timer/"
    client.post(url, {"action": "start"})
    assert client.post(url, {"action": "discard"}).status_code == 302
    assert not SessionTimer.objects.exists() and not ExposureSession.objects.exists()


# --- My exposure ---------------------------------------------------------------------------


def test_my_exposure_lists_sessions_and_the_supervisor_sees_the_same(world: World):
    walk_to(world, "cat_c")
    services.session_record(
        by=viewer(world.officer),
        entry=services.SessionInput(
            officer=world.officer,
            started_at=at(9, 9),
            ended_at=at(9, 9, 30),
            max_category="C",
            media=["image"],
            mentor_present=False,
        ),
    )
    mine = officer_client(world).get(f"/people/{world.officer.pk}/exposure/").content.decode()
    assert "My exposure" in mine and "No mentor recorded" in mine and "Log a session" in mine
    theirs = sup_client(world).get(f"/people/{world.officer.pk}/exposure/")
    assert theirs.status_code == 200 and "Olive Officer: exposure" in theirs.content.decode()
    assert AccessLogEntry.objects.filter(viewer=world.supervisor, what="exposure").exists()
    assert (
        login(Client(), world.other_supervisor, Role.SUPERVISOR)
        .get(f"/people/{world.officer.pk}/exposure/")
        .status_code
        == 404
    )


# --- The team's week -----------------------------------------------------------------------


def _log(officer, start: dt.datetime, minutes: int, **kw: Any) -> None:  # type: ignore[no-untyped-def]
    services.session_record(
        by=viewer(officer, Role.OFFICER),
        entry=services.SessionInput(
            officer=officer,
            started_at=start,
            minutes=minutes,
            max_category=kw.pop("max_category", "C"),
            media=["image"],
            mentor_present=kw.pop("mentor_present", True),
            **kw,
        ),
    )


def test_the_weekly_team_view_shows_hours_breaks_limits_and_unexpected(world: World):
    walk_to(world, "cat_c")
    _log(world.officer, at(8, 9), 60)
    _log(world.officer, at(8, 10, 30), 75, break_minutes=15)  # 120 + no, 60 + 60: fine
    _log(world.officer, at(9, 9), 90)  # no break: continuous
    _log(world.officer, at(9, 11), 30, max_category="B")  # unexpected
    page = sup_client(world).get("/team/exposure/").content.decode()
    assert "Week of Monday 7 June 2027" in page
    row = page[page.index("Olive Officer") :].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split("<td")[1:]]
    assert cells[:3] == ["4", "4 h", "15 min"]
    assert cells[3].startswith("1") and "no break" in row and cells[4] == "1"
    assert AccessLogEntry.objects.filter(viewer=world.supervisor, what="team exposure").exists()
    earlier = sup_client(world).get("/team/exposure/?week=2027-05-31").content.decode()
    assert "Week of Monday 31 May 2027" in earlier and "Next week" in earlier


def test_the_weekly_view_reads_a_fixed_number_of_queries_however_many_officers(world: World):
    client = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/team/exposure/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(8):
        officer = make_person(world.force, Role.OFFICER)
        supervise(officer, world.supervisor)
        ExposureSession.objects.create(
            force=world.force,
            officer=officer,
            started_at=at(8, 9 + n % 5),
            ended_at=at(8, 10 + n % 5),
            minutes=60,
            max_category="C",
            media=["image"],
            created_at=at(9, 9),
            created_by_role="officer",
        )
    assert count() == few


def test_officers_do_not_see_the_team_view(world: World):
    assert officer_client(world).get("/team/exposure/").status_code == 403


# --- Cases ---------------------------------------------------------------------------------


def test_a_supervisor_imports_a_sample_and_sees_its_volume_per_category_and_kind(world: World):
    client = sup_client(world)
    with (DATA / "case-v2-us.json").open("rb") as f:
        response = client.post("/cases/import/", {"file": f, "case_ref": ""})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Case OP-0011 imported: 44 items counted, 16 left out by the mapping." in page
    assert "Volume per category and media kind" in page
    assert "Indecent, not yet graded" in page and "(counts as Category A)" in page
    listing = client.get("/cases/").content.decode()
    assert "OP-0011" in listing


def test_the_same_file_uploaded_again_changes_nothing_and_says_so(world: World):
    client = sup_client(world)
    for _ in range(2):
        with (DATA / "case-v1.3.json").open("rb") as f:
            response = client.post("/cases/import/", {"file": f, "case_ref": "V13"}, follow=True)
    assert (
        "This file was imported before, into case V13: nothing has changed."
        in response.content.decode()
    )
    assert CaseImport.objects.count() == 1


def test_a_bad_upload_is_a_400_with_the_reason_and_nothing_is_stored(world: World, tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(vics_bytes([item(1), item(7)]))
    with path.open("rb") as f:
        response = sup_client(world).post("/cases/import/", {"file": f})
    html = response.content.decode()
    assert response.status_code == 400 and 'href="#id_file"' in html
    assert "category code 7, which the force&#x27;s category mapping does not cover" in html
    assert not Case.objects.exists()


def test_every_upload_streams_to_a_temporary_file_never_into_memory(
    world: World, monkeypatch, tmp_path
):
    seen: list[Any] = []
    real = services.case_import

    def spy(**kw: Any) -> Any:
        seen.append(kw["stream"])
        return real(**kw)

    monkeypatch.setattr(services, "case_import", spy)
    small = tmp_path / "small.json"
    small.write_bytes(vics_bytes([item(1)]))
    big = tmp_path / "big.json"
    big.write_bytes(vics_bytes([item(1)] * 40_000, case_number="OP-BIG"))
    assert big.stat().st_size > 2_621_440  # above the size Django would keep in memory
    client = sup_client(world)
    for path in (small, big):
        with path.open("rb") as f:
            assert client.post("/cases/import/", {"file": f}).status_code == 302
    assert [type(s) for s in seen] == [TemporaryUploadedFile, TemporaryUploadedFile]
    assert Case.objects.get(case_ref="OP-BIG").total_items == 40_000


def test_an_upload_over_the_limit_is_stopped_and_refused(world: World, settings, tmp_path):
    settings.WELLGATE_MAX_UPLOAD_BYTES = 1000
    path = tmp_path / "export.json"
    path.write_bytes(vics_bytes([item(1)] * 100))
    with path.open("rb") as f:
        response = sup_client(world).post("/cases/import/", {"file": f})
    assert response.status_code == 400
    assert "larger than the 1,000-byte limit" in response.content.decode()
    assert not Case.objects.exists()


def test_a_package_is_created_and_assignment_above_clearance_is_refused_on_screen(world: World):
    walk_to(world, "cat_c")
    case = make_case(world.force, {("C", "image"): 40, ("A", "image"): 4})
    client = sup_client(world)
    response = client.post(f"/cases/{case.pk}/packages/new/", {"category": "A"})
    package_a = case.packages.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/work-packages/{package_a.pk}/assign/"
    )
    form = client.get(response["Location"]).content.decode()
    assert "Olive Officer (Category C with a mentor; cleared up to Category C)" in form
    refused = client.post(response["Location"], {"officer": world.officer.pk})
    html = refused.content.decode()
    assert refused.status_code == 400 and "There is a problem" in html
    assert "the officer is cleared up to Category C" in html
    assert not WorkPackageAssignment.objects.exists()
    client.post(f"/cases/{case.pk}/packages/new/", {"category": "C"})
    package_c = case.packages.get(category="C")
    done = client.post(f"/work-packages/{package_c.pk}/assign/", {"officer": world.officer.pk})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "Assigned to Olive Officer" in page


def test_an_empty_category_package_is_refused_on_the_case_page(world: World):
    case = make_case(world.force, {("C", "image"): 40})
    response = sup_client(world).post(f"/cases/{case.pk}/packages/new/", {"category": "A"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_closing_a_case_from_its_page(world: World):
    case = make_case(world.force)
    response = sup_client(world).post(f"/cases/{case.pk}/close/", follow=True)
    assert "No officer of your team had worked on it" in response.content.decode()
    case.refresh_from_db()
    assert case.closed_at is not None


def test_officers_and_other_forces_cannot_reach_cases(world: World):
    case = make_case(world.force)
    assert officer_client(world).get(f"/cases/{case.pk}/").status_code == 403
    foreign = login(Client(), world.foreign_welfare_lead, Role.WELFARE_LEAD)
    assert foreign.get(f"/cases/{case.pk}/").status_code == 404


def test_the_upload_still_needs_its_csrf_token(world: World):
    client = Client(enforce_csrf_checks=True)
    login(client, world.supervisor, Role.SUPERVISOR)
    with (DATA / "case-v2-us.json").open("rb") as f:
        response = client.post("/cases/import/", {"file": f})
    assert response.status_code == 403 and not Case.objects.exists()


def test_an_empty_post_names_what_is_missing(world: World):
    response = officer_client(world).post(f"/people/{world.officer.pk}/exposure/log/", {})
    html = response.content.decode()
    assert response.status_code == 400 and "Started: This field is required." in html
    assert not ExposureSession.objects.exists()
