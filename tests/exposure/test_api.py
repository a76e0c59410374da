"""The exposure API: a workstation posting sessions, reading exposure, cases and packages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.exposure.helpers import DATA, at, item, make_case, make_package, vics_bytes, walk_to
from tests.factories import World
from wellgate.exposure.models import Case, ExposureSession, WorkPackage, WorkPackageAssignment
from wellgate.people.models import AccessLogEntry, Role
from wellgate.people.services import token_create


def bearer(person, role: str, scope: str = "write", service: bool = False) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, secret = token_create(
        person=person, name="Grading workstation 3", scope=scope, role=role, is_service=service
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def session(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "started_at": "2027-06-09T09:00:00+01:00",
        "ended_at": "2027-06-09T09:50:00+01:00",
        "max_category": "C",
        "media": ["image"],
        "counts": {"C": 120, "not_indecent": 300},
        "mentor_present": True,
    }
    body.update(kw)
    return body


def post(client: Client, path: str, body: Any, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, body, content_type="application/json", **headers)


# --- Sessions ------------------------------------------------------------------------------


def test_a_grading_workstation_posts_the_officers_session_with_a_service_token(
    world: World, client: Client
):
    walk_to(world, "cat_c")
    response = post(
        client,
        "/api/v1/exposure-sessions",
        session(),
        bearer(world.officer, Role.OFFICER, service=True),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["officer_id"] == world.officer.pk and body["source"] == "api"
    assert (body["minutes"], body["viewing_minutes"]) == (50, 50)
    assert body["counts"] == {"C": 120, "not_indecent": 300}
    assert body["supervised_session"] is True and body["unexpected"] is False
    assert body["clearance_at_the_time"] == {
        "max_category": "C",
        "media": ["image"],
        "supervised": True,
    }
    assert body["limit_breaches"] == [] and body["debrief_due_on"] is None


def test_a_session_above_clearance_comes_back_unexpected_with_the_debrief_date(
    world: World, client: Client
):
    walk_to(world, "cat_c")
    response = post(
        client,
        "/api/v1/exposure-sessions",
        session(max_category="A", counts=None),
        bearer(world.officer, Role.OFFICER),
    )
    body = response.json()
    assert response.status_code == 201 and body["unexpected"] is True
    assert body["reasons"][0]["code"] == "exposure.above_category"
    assert body["debrief_due_on"] == "2027-06-14"


def test_a_supervisor_posts_for_a_report_but_not_for_someone_elses(world: World, client: Client):
    walk_to(world, "cat_c")
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    ok = post(client, "/api/v1/exposure-sessions", session(officer_id=world.officer.pk), headers)
    assert ok.status_code == 201 and ExposureSession.objects.get().created_by == world.supervisor
    for other in (world.other_officer, world.foreign_officer):
        refused = post(
            client,
            "/api/v1/exposure-sessions",
            session(
                officer_id=other.pk,
                started_at="2027-06-09T11:00:00+01:00",
                ended_at="2027-06-09T11:10:00+01:00",
            ),
            headers,
        )
        assert refused.status_code == 404 and refused.json()["detail"][0]["code"] == "not_found"
    assert ExposureSession.objects.count() == 1


def test_a_read_only_token_cannot_post_a_session(world: World, client: Client):
    response = post(
        client, "/api/v1/exposure-sessions", session(), bearer(world.officer, Role.OFFICER, "read")
    )
    assert response.status_code == 403 and not ExposureSession.objects.exists()


@pytest.mark.parametrize(
    "change, code, field",
    [
        (
            {"started_at": "2027-06-10T09:00:00+01:00", "ended_at": None, "minutes": 30},
            "session.future",
            "started_at",
        ),
        ({"ended_at": "2027-06-09T08:00:00+01:00"}, "session.end_before_start", "ended_at"),
        ({"max_category": "E"}, "session.category_unknown", "max_category"),
        ({"media": ["photographs"]}, "session.media_unknown", "media"),
        ({"ended_at": None, "minutes": 5000}, "session.too_long", "minutes"),
        ({"started_at": "yesterday"}, "invalid.datetime_from_date_parsing", "started_at"),
        ({"max_category": None}, "invalid.string_type", "max_category"),
    ],
)
def test_a_session_that_cannot_be_true_is_a_422_with_the_code_and_field(
    world: World, client: Client, change: dict[str, Any], code: str, field: str
):
    walk_to(world, "cat_c")
    response = post(
        client, "/api/v1/exposure-sessions", session(**change), bearer(world.officer, Role.OFFICER)
    )
    assert response.status_code == 422
    assert (code, field) in {(d["code"], d["field"]) for d in response.json()["detail"]}
    assert not ExposureSession.objects.exists()


def test_malformed_json_is_refused_with_a_message_not_a_traceback(world: World, client: Client):
    response = client.post(
        "/api/v1/exposure-sessions",
        "{not json",
        content_type="application/json",
        **bearer(world.officer, Role.OFFICER),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "code": "request.malformed_json",
            "message": "The request body is not valid JSON: send a JSON object.",
            "field": None,
        }
    ]


# --- Reading exposure ----------------------------------------------------------------------


def _two_sessions(world: World, client: Client) -> None:
    headers = bearer(world.officer, Role.OFFICER)
    post(
        client,
        "/api/v1/exposure-sessions",
        session(started_at="2027-06-01T09:00:00+01:00", ended_at="2027-06-01T10:00:00+01:00"),
        headers,
    )
    post(client, "/api/v1/exposure-sessions", session(break_minutes=10), headers)


def test_an_officers_exposure_between_two_days_with_totals(world: World, client: Client):
    walk_to(world, "cat_c")
    _two_sessions(world, client)
    headers = bearer(world.supervisor, Role.SUPERVISOR, "read")
    week = client.get(f"/api/v1/people/{world.officer.pk}/exposure", **headers).json()
    assert (week["first_day"], week["last_day"]) == ("2027-06-03", "2027-06-09")
    assert (week["sessions_count"], week["viewing_minutes"], week["break_minutes"]) == (1, 40, 10)
    both = client.get(
        f"/api/v1/people/{world.officer.pk}/exposure?from=2027-06-01&to=2027-06-09", **headers
    ).json()
    assert both["sessions_count"] == 2 and both["sessions"][0]["started_at"].startswith(
        "2027-06-09"
    )
    assert AccessLogEntry.objects.filter(
        viewer=world.supervisor, subject=world.officer, what="api pathway.view"
    ).exists()


@pytest.mark.parametrize(
    "query, code",
    [
        ("from=2027-06-09&to=2027-06-01", "range.reversed"),
        ("from=2025-01-01&to=2027-06-01", "range.too_long"),
        ("from=June", "invalid.date_from_datetime_parsing"),
    ],
)
def test_a_bad_period_is_a_422(world: World, client: Client, query: str, code: str):
    response = client.get(
        f"/api/v1/people/{world.officer.pk}/exposure?{query}", **bearer(world.officer, Role.OFFICER)
    )
    assert response.status_code == 422 and response.json()["detail"][0]["code"] == code


def test_exposure_is_not_found_for_those_the_design_keeps_out(world: World, client: Client):
    for person, role in (
        (world.other_supervisor, Role.SUPERVISOR),
        (world.other_officer, Role.OFFICER),
        (world.foreign_welfare_lead, Role.WELFARE_LEAD),
        (world.senior_leader, Role.SENIOR_LEADER),
        (world.administrator, Role.ADMINISTRATOR),
    ):
        response = client.get(f"/api/v1/people/{world.officer.pk}/exposure", **bearer(person, role))
        assert response.status_code == 404, role


# --- Cases and packages --------------------------------------------------------------------


def upload(client: Client, headers: dict[str, str], path=DATA / "case-v2-us.json", **extra: Any):  # type: ignore[no-untyped-def]
    with open(path, "rb") as f:
        return client.post("/api/v1/cases/import", {"file": f, **extra}, **headers)


def test_a_case_export_is_imported_by_multipart_upload_and_again_changes_nothing(
    world: World, client: Client
):
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    first = upload(client, headers)
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True and body["case"]["case_ref"] == "OP-0011"
    assert {(v["category"], v["kind"]): v["count"] for v in body["case"]["volumes"]} == {
        ("indecent_ungraded", "image"): 25,
        ("indecent_ungraded", "video"): 4,
        ("not_indecent", "image"): 8,
        ("uncategorised", "image"): 7,
    }
    again = upload(client, headers)
    assert again.status_code == 200 and again.json()["already_imported"] is True
    assert Case.objects.count() == 1
    case_id = body["case"]["id"]
    detail = client.get(f"/api/v1/cases/{case_id}", **headers).json()
    assert detail["total_items"] == 44 and detail["ignored_items"] == 16


def test_a_bad_export_is_a_422_naming_the_problem_and_nothing_is_stored(
    world: World, client: Client, tmp_path
):
    path = tmp_path / "x.json"
    path.write_bytes(vics_bytes([item(1), item(2)])[:-40])
    response = upload(client, bearer(world.welfare_lead, Role.WELFARE_LEAD), path)
    detail = response.json()["detail"][0]
    assert response.status_code == 422 and detail["code"] == "vics.truncated"
    assert detail["field"] == "file" and "at byte" in detail["message"]
    assert not Case.objects.exists()


def test_an_import_without_a_file_says_how_to_send_one(world: World, client: Client):
    response = client.post(
        "/api/v1/cases/import", {"case_ref": "X"}, **bearer(world.supervisor, Role.SUPERVISOR)
    )
    assert response.status_code == 422 and response.json()["detail"][0]["code"] == "file.missing"


def test_an_import_over_the_limit_is_a_413(world: World, client: Client, settings):
    settings.WELLGATE_MAX_UPLOAD_BYTES = 500
    response = upload(client, bearer(world.supervisor, Role.SUPERVISOR))
    assert response.status_code == 413 and response.json()["detail"][0]["code"] == "vics.too_large"
    assert not Case.objects.exists()


def test_officers_cannot_import_and_other_forces_cases_are_not_found(world: World, client: Client):
    assert upload(client, bearer(world.officer, Role.OFFICER)).status_code == 403
    case = make_case(world.other_force)
    response = client.get(f"/api/v1/cases/{case.pk}", **bearer(world.supervisor, Role.SUPERVISOR))
    assert response.status_code == 404


def test_packages_are_created_and_assigned_within_clearance_only(world: World, client: Client):
    walk_to(world, "cat_c")
    case = make_case(world.force)
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    made = post(client, "/api/v1/work-packages", {"case_id": case.pk, "category": "C"}, headers)
    assert made.status_code == 201 and made.json()["item_count"] == 40
    package_id = made.json()["id"]
    assigned = post(
        client,
        f"/api/v1/work-packages/{package_id}/assign",
        {"officer_id": world.officer.pk},
        headers,
    )
    assert assigned.status_code == 201 and assigned.json()["officer_id"] == world.officer.pk
    package_a = make_package(case, "A")
    refused = post(
        client,
        f"/api/v1/work-packages/{package_a.pk}/assign",
        {"officer_id": world.officer.pk},
        headers,
    )
    detail = refused.json()["detail"][0]
    assert refused.status_code == 422 and detail["code"] == "package.above_category"
    assert detail["field"] == "officer_id" and "cleared up to Category C" in detail["message"]
    assert WorkPackageAssignment.objects.count() == 1
    bad = post(client, "/api/v1/work-packages", {"case_id": case.pk, "category": "Q"}, headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["code"] == "package.category_unknown"
    assert WorkPackage.objects.count() == 2


def test_a_session_is_posted_against_an_assigned_package(world: World, client: Client):
    walk_to(world, "cat_c")
    package = make_package(make_case(world.force), "C")
    WorkPackageAssignment.objects.create(
        package=package, officer=world.officer, assigned_at=at(9, 8)
    )
    response = post(
        client,
        "/api/v1/exposure-sessions",
        session(work_package_id=package.pk),
        bearer(world.officer, Role.OFFICER),
    )
    assert response.status_code == 201 and response.json()["case_id"] == package.case_id
    missing = post(
        client,
        "/api/v1/exposure-sessions",
        session(
            work_package_id=999999,
            started_at="2027-06-09T11:00:00+01:00",
            ended_at="2027-06-09T11:05:00+01:00",
        ),
        bearer(world.officer, Role.OFFICER),
    )
    assert missing.status_code == 404 and missing.json()["detail"][0]["field"] == "work_package_id"
