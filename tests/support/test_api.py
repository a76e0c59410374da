"""The support API: answers, and every kind of bad input a clear 4xx that writes nothing."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client

from tests.factories import World, make_flag, make_obligation
from wellgate import clock
from wellgate.flags.models import Flag
from wellgate.people.models import AccessLogEntry, Person, Role
from wellgate.people.services import token_create
from wellgate.support.models import Obligation, Observation, TimeAway


def bearer(person: Person, role: str, scope: str = "write") -> dict[str, str]:
    _, secret = token_create(person=person, name="t", scope=scope, role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client: Client, url: str, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def detail(response) -> dict[str, object]:  # type: ignore[no-untyped-def]
    [first] = response.json()["detail"]
    return first


def test_a_supervisor_reads_a_reports_obligations_and_the_read_is_logged(
    world: World, client: Client
):
    make_obligation(world.officer, "one_to_one", clock.today() - dt.timedelta(days=2))
    make_obligation(world.officer, "welfare_day", clock.today(), state="done")
    headers = bearer(world.supervisor, Role.SUPERVISOR, "read")
    response = client.get(f"/api/v1/people/{world.officer.pk}/obligations", **headers)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {(o["kind"], o["overdue"]) for o in body["items"]} == {
        ("one_to_one", True),
        ("welfare_day", False),
    }
    assert AccessLogEntry.objects.filter(subject=world.officer, viewer=world.supervisor).exists()
    done = client.get(f"/api/v1/people/{world.officer.pk}/obligations?state=done", **headers)
    assert [o["kind"] for o in done.json()["items"]] == ["welfare_day"]


def test_obligations_of_someone_the_caller_may_not_see_are_not_found(world: World, client: Client):
    headers = bearer(world.supervisor, Role.SUPERVISOR, "read")
    for person in (world.other_officer, world.foreign_officer):
        response = client.get(f"/api/v1/people/{person.pk}/obligations", **headers)
        assert response.status_code == 404
        assert detail(response)["code"] == "not_found"
    bad = client.get(f"/api/v1/people/{world.officer.pk}/obligations?state=late", **headers)
    assert bad.status_code == 422 and detail(bad)["field"] == "state"


def test_completing_an_obligation_twice_is_a_422_with_a_code(world: World, client: Client):
    ob = make_obligation(world.officer, "one_to_one")
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    url = f"/api/v1/obligations/{ob.pk}/complete"
    first = post(client, url, {}, headers)
    assert first.status_code == 200
    assert (first.json()["state"], first.json()["done_on"]) == ("done", clock.today().isoformat())
    again = post(client, url, {}, headers)
    assert again.status_code == 422
    assert detail(again)["code"] == "obligation.closed"


def test_a_future_date_an_unknown_id_and_an_unseen_id_write_nothing(world: World, client: Client):
    ob = make_obligation(world.officer, "one_to_one")
    hidden = make_obligation(world.other_officer, "one_to_one")
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    future = (clock.today() + dt.timedelta(days=1)).isoformat()
    response = post(client, f"/api/v1/obligations/{ob.pk}/complete", {"done_on": future}, headers)
    assert response.status_code == 422
    assert detail(response) == {
        "code": "obligation.done_in_future",
        "message": "Record it as done on the day it happened, not a day still to come.",
        "field": "done_on",
    }
    for pk in (hidden.pk, 999_999):
        response = post(client, f"/api/v1/obligations/{pk}/complete", {}, headers)
        assert response.status_code == 404 and detail(response)["code"] == "not_found"
    malformed = client.post(
        f"/api/v1/obligations/{ob.pk}/complete",
        data="{not json",
        content_type="application/json",
        **headers,
    )
    assert malformed.status_code == 422 and detail(malformed)["code"] == "request.malformed_json"
    wrong_type = post(client, f"/api/v1/obligations/{ob.pk}/complete", {"done_on": "soon"}, headers)
    assert wrong_type.status_code == 422 and detail(wrong_type)["field"] == "done_on"
    assert set(Obligation.objects.values_list("state", flat=True)) == {"due"}


def test_a_read_only_token_cannot_write(world: World, client: Client):
    ob = make_obligation(world.officer, "one_to_one")
    response = post(
        client,
        f"/api/v1/obligations/{ob.pk}/complete",
        {},
        bearer(world.supervisor, Role.SUPERVISOR, "read"),
    )
    assert response.status_code == 403
    assert Obligation.objects.get(pk=ob.pk).state == "due"


def test_an_officer_completes_their_own_welfare_day_but_not_their_1_1(world: World, client: Client):
    day = make_obligation(world.officer, "welfare_day")
    meeting = make_obligation(world.officer, "one_to_one")
    headers = bearer(world.officer, Role.OFFICER)
    assert post(client, f"/api/v1/obligations/{day.pk}/complete", {}, headers).status_code == 200
    response = post(client, f"/api/v1/obligations/{meeting.pk}/complete", {}, headers)
    assert response.status_code == 403 and detail(response)["code"] == "access.denied"


def test_a_reschedule_needs_a_new_date_from_today(world: World, client: Client):
    ob = make_obligation(world.officer, "workload_review")
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    url = f"/api/v1/obligations/{ob.pk}/reschedule"
    missing = post(client, url, {}, headers)
    assert missing.status_code == 422
    assert (detail(missing)["field"], detail(missing)["code"]) == (
        "rescheduled_to",
        "invalid.missing",
    )
    past = post(client, url, {"rescheduled_to": "2020-01-01"}, headers)
    assert past.status_code == 422 and detail(past)["code"] == "obligation.reschedule_in_past"
    new = (clock.today() + dt.timedelta(days=7)).isoformat()
    moved = post(client, url, {"rescheduled_to": new}, headers)
    assert moved.status_code == 200
    assert moved.json()["due_on"] == clock.today().isoformat()
    assert (moved.json()["state"], moved.json()["rescheduled_to"]) == ("rescheduled", new)


def test_an_observation_with_a_sign_answers_with_its_amber_flag(world: World, client: Client):
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    response = post(
        client,
        "/api/v1/observations",
        {"officer_id": world.officer.pk, "signs": ["fatigue"], "note": "Yawning"},
        headers,
    )
    assert response.status_code == 201
    flag = Flag.objects.get()
    assert response.json()["flag_id"] == flag.pk and flag.severity == "amber"


def test_a_bad_observation_is_refused_and_nothing_is_written(world: World, client: Client):
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    cases = [
        ({"signs": ["fatigue"]}, 422, "officer_id"),
        ({"officer_id": world.officer.pk, "signs": ["grumpy"]}, 422, "signs"),
        ({"officer_id": world.officer.pk}, 422, "signs"),
        (
            {"officer_id": world.officer.pk, "signs": ["fatigue"], "observed_on": "2099-01-01"},
            422,
            "observed_on",
        ),
        ({"officer_id": world.other_officer.pk, "signs": ["fatigue"]}, 404, None),
        ({"officer_id": 999_999, "signs": ["fatigue"]}, 404, None),
    ]
    for body, status, field in cases:
        response = post(client, "/api/v1/observations", body, headers)
        assert response.status_code == status, body
        assert detail(response)["field"] == field, body
    officer = post(client, "/api/v1/observations", {}, bearer(world.officer, Role.OFFICER))
    assert officer.status_code == 403
    assert not Observation.objects.exists() and not Flag.objects.exists()


def test_a_flag_is_closed_over_the_api_by_a_recorded_meeting_or_a_welfare_lead_note(
    world: World, client: Client
):
    from tests.factories import viewer
    from wellgate.support.services import meeting_record

    flag = make_flag(world.officer)
    supervisor = bearer(world.supervisor, Role.SUPERVISOR)
    url = f"/api/v1/flags/{flag.pk}/close"
    nothing = post(client, url, {}, supervisor)
    assert nothing.status_code == 422 and detail(nothing)["code"] == "flag.action_missing"
    by_note = post(client, url, {"note": "Fine now"}, supervisor)
    assert by_note.status_code == 403 and detail(by_note)["code"] == "flag.note_welfare_lead_only"
    unknown = post(client, url, {"meeting_id": 999_999}, supervisor)
    assert unknown.status_code == 422 and detail(unknown)["field"] == "meeting_id"
    m = meeting_record(
        by=viewer(world.supervisor), officer=world.officer, kind="one_to_one", held_on=clock.today()
    )
    closed = post(client, url, {"meeting_id": m.pk}, supervisor)
    assert closed.status_code == 200
    assert (closed.json()["state"], closed.json()["closing_action"]) == (
        "closed",
        f"1:1 with supervisor on {clock.today().day} {clock.today():%B %Y}",
    )
    other = make_flag(world.other_officer)
    assert (
        post(client, f"/api/v1/flags/{other.pk}/close", {"note": "x"}, supervisor).status_code
        == 404
    )
    lead = bearer(world.welfare_lead, Role.WELFARE_LEAD)
    assert (
        post(client, f"/api/v1/flags/{other.pk}/close", {"note": "Seen."}, lead).status_code == 200
    )


def test_time_away_is_one_call_for_the_officer_only(world: World, client: Client):
    response = post(client, "/api/v1/time-away", {}, bearer(world.officer, Role.OFFICER))
    assert response.status_code == 201 and response.json()["kind"] == "short_break"
    bad = post(client, "/api/v1/time-away", {"kind": "nap"}, bearer(world.officer, Role.OFFICER))
    assert bad.status_code == 422 and detail(bad)["field"] == "kind"
    other = post(client, "/api/v1/time-away", {}, bearer(world.supervisor, Role.SUPERVISOR))
    assert other.status_code == 403
    assert TimeAway.objects.count() == 1


def test_the_operations_are_described_in_the_openapi_document(db, client: Client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/people/{person_id}/obligations",
        "/api/v1/obligations/{obligation_id}/complete",
        "/api/v1/obligations/{obligation_id}/reschedule",
        "/api/v1/observations",
        "/api/v1/flags",
        "/api/v1/flags/{flag_id}/close",
        "/api/v1/time-away",
    ):
        assert path in paths, path
