"""Check-ins over the API: instruments, one's own check-in, a person's check-ins."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.checkins.helpers import bearer, lowest, summing_to
from tests.factories import World, make_checkin
from wellgate.checkins.models import CheckIn, CheckInSkip
from wellgate.flags.models import Flag
from wellgate.people.models import AccessLogEntry, Role


def post(client: Client, url: str, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_instruments_are_listed_with_items_bands_and_licences(world: World, client: Client):
    body = client.get("/api/v1/instruments", **bearer(world.supervisor, Role.SUPERVISOR)).json()
    by_id = {i["id"]: i for i in body}
    assert list(by_id) == ["pulse", "phq9", "gad7", "pcl5", "proqol5", "who5"]
    proqol = by_id["proqol5"]
    assert proqol["scoring"] == "subscale_sums" and len(proqol["items"]) == 30
    assert "Center for Victims of Torture" in proqol["licence"]
    assert [b["code"] for b in proqol["bands"]["burnout"]] == ["low", "moderate", "high"]
    reversed_items = [it["id"] for it in proqol["items"] if it["reversed"]]
    assert len(reversed_items) == 5


def test_an_officer_takes_a_check_in_through_the_api(world: World, client: Client):
    response = post(
        client,
        "/api/v1/checkins",
        {"instrument": "gad7", "answers": summing_to("gad7", 11)},
        bearer(world.officer, Role.OFFICER),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["officer_id"] == world.officer.pk
    assert body["totals"] == {"total": 11.0} and body["bands"]["total"]["code"] == "moderate"
    assert body["shared_with_welfare_lead"] is True and body["support_contacts"] == []
    assert body["scoring_method"] == "sum" and body["instrument_version"] == "1"


def test_a_critical_check_in_through_the_api_returns_the_support_contacts(
    world: World, client: Client
):
    body = post(
        client,
        "/api/v1/checkins",
        {
            "instrument": "phq9",
            "answers": summing_to("phq9", 2, phq9_9=2),
            "share_with_welfare_lead": False,
        },
        bearer(world.officer, Role.OFFICER),
    ).json()
    assert body["critical"] is True and body["critical_reasons"] == ["phq9.item_9"]
    assert {"name": "Samaritans (24 hours, free)", "detail": "116 123"} in body["support_contacts"]
    assert Flag.objects.get().severity == "red"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"instrument": "bdi2", "answers": {}}, "checkin.instrument_unknown", "instrument"),
        ({"instrument": "gad7", "answers": {}}, "checkin.answer_missing", "answers.gad7_1"),
        (
            {
                "instrument": "gad7",
                "answers": {**{f"gad7_{n}": 0 for n in range(1, 8)}, "gad7_7": 9},
            },
            "checkin.answer_invalid",
            "answers.gad7_7",
        ),
        (
            {
                "instrument": "gad7",
                "answers": {**{f"gad7_{n}": 0 for n in range(1, 8)}, "gad7_7": "2"},
            },
            "invalid.int_type",
            "answers.gad7_7",
        ),
        ({"answers": {}}, "invalid.missing", "instrument"),
    ],
)
def test_bad_input_is_a_422_naming_the_item_and_stores_nothing(
    world: World, client: Client, payload: dict, code: str, field: str
):
    response = post(client, "/api/v1/checkins", payload, bearer(world.officer, Role.OFFICER))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert (detail["code"], detail["field"]) == (code, field)
    assert detail["message"]
    assert not CheckIn.objects.exists() and not Flag.objects.exists()


def test_a_read_only_token_cannot_take_a_check_in(world: World, client: Client):
    response = post(
        client,
        "/api/v1/checkins",
        {"instrument": "pulse", "answers": lowest("pulse")},
        bearer(world.officer, Role.OFFICER, scope="read"),
    )
    assert response.status_code == 403 and not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "role", ["supervisor", "mentor", "welfare_lead", "senior_leader", "administrator"]
)
def test_nobody_takes_a_check_in_for_anyone_else(world: World, client: Client, role: str):
    response = post(
        client,
        "/api/v1/checkins",
        {"instrument": "pulse", "answers": lowest("pulse")},
        bearer(world.by_role(role), role),
    )
    assert response.status_code == 403 and not CheckIn.objects.exists()


def test_skips_and_a_nudge_through_the_api(world: World, client: Client):
    headers = bearer(world.officer, Role.OFFICER)
    response = post(client, "/api/v1/checkins/skips", {"instruments": ["pulse"]}, headers)
    assert response.status_code == 201 and response.json()[0]["instrument"] == "pulse"
    assert CheckInSkip.objects.count() == 1 and not Flag.objects.exists()
    response = post(client, "/api/v1/checkins/nudge", {}, headers)
    assert response.status_code == 201 and response.json()["supervisor_id"] == world.supervisor.pk


def test_an_officer_reads_every_one_of_their_own_check_ins(world: World, client: Client):
    make_checkin(world.officer, "phq9", summing_to("phq9", 7))
    make_checkin(world.officer, "gad7", lowest("gad7"), shared=False)
    body = client.get(
        f"/api/v1/people/{world.officer.pk}/checkins", **bearer(world.officer, Role.OFFICER)
    ).json()
    assert body["count"] == 2
    assert [i["instrument"] for i in body["items"]] == ["gad7", "phq9"]
    assert body["items"][1]["answers"] == summing_to("phq9", 7)
    assert not AccessLogEntry.objects.exists()


def test_the_welfare_lead_reads_only_shared_check_ins_and_the_read_is_logged(
    world: World, client: Client
):
    make_checkin(world.officer, "phq9", summing_to("phq9", 7))
    make_checkin(world.officer, "gad7", lowest("gad7"), shared=False)
    body = client.get(
        f"/api/v1/people/{world.officer.pk}/checkins?instrument=",
        **bearer(world.welfare_lead, Role.WELFARE_LEAD),
    ).json()
    assert [i["instrument"] for i in body["items"]] == ["phq9"] and body["count"] == 1
    entry = AccessLogEntry.objects.get()
    assert (entry.viewer, entry.subject, entry.what) == (
        world.welfare_lead,
        world.officer,
        "api checkins.view",
    )


@pytest.mark.parametrize("role", ["supervisor", "mentor", "senior_leader", "administrator"])
def test_no_other_role_reads_a_persons_check_ins(world: World, client: Client, role: str):
    make_checkin(world.officer, "phq9", summing_to("phq9", 7))
    response = client.get(
        f"/api/v1/people/{world.officer.pk}/checkins", **bearer(world.by_role(role), role)
    )
    assert response.status_code == 404
    assert "phq9" not in response.content.decode()
