"""No welfare record stays in a browser's or a proxy's cache (ASVS 8.2.1): every answer to a
signed-in person, and every API answer, is ``Cache-Control: no-store``."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.factories import World, login
from tests.routes import api_routes, web_routes
from tests.walk import ROLES, param_values, request_route, url_for
from wellgate.people.models import Role
from wellgate.people.services import token_create


def no_store(response: HttpResponse) -> bool:
    return "no-store" in response.get("Cache-Control", "") and response.get("Pragma") == "no-cache"


def bearer(person, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, secret = token_create(person=person, name="cache", scope="write", role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_a_signed_in_person_with_no_store(world: World, role: str):
    """Each route once, whatever it answers (a page, a refusal, a redirect)."""
    missing = []
    me = world.by_role(role)
    client = login(Client(), me, role)
    headers = bearer(me, role)
    extra = {**param_values(world, me), "token": "not-a-feed"}
    for route in web_routes() + api_routes():
        url = url_for(route, (world.officer if route.subject else me).pk, extra)
        response = request_route(client, route, url, headers if route.kind == "api" else {})
        if not no_store(response):
            missing.append(f"{role} {route.method} {url}: {response.status_code}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "role, url",
    [
        ("officer", "/checkins/"),
        ("officer", "/checkins/results/{checkin}/"),
        ("officer", "/people/{officer}/checkins/"),
        ("officer", "/people/{officer}/access-log/"),
        ("supervisor", "/people/{officer}/support/notes/"),
        ("supervisor", "/moves/"),
        ("welfare_lead", "/moves/{request}/"),
        ("welfare_lead", "/welfare/access-log/"),
    ],
)
def test_welfare_pages_are_never_stored(world: World, client: Client, role: str, url: str):
    extra = param_values(world, world.by_role(role))
    login(client, world.by_role(role), role)
    path = url.format(
        officer=world.officer.pk, checkin=extra["checkin_id"], request=extra["request_id"]
    )
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"


@pytest.mark.parametrize(
    "role, url",
    [
        ("officer", "/api/v1/people/{officer}/checkins"),
        ("welfare_lead", "/api/v1/move-requests/{request}"),
        ("supervisor", "/api/v1/people/{officer}/pathway/events"),
    ],
)
def test_api_answers_are_never_stored(world: World, client: Client, role: str, url: str):
    extra = param_values(world, world.by_role(role))
    path = url.format(officer=world.officer.pk, request=extra["request_id"])
    response = client.get(path, **bearer(world.by_role(role), role))
    assert response.status_code == 200, path
    assert no_store(response)
    # Without a token too: the refusal comes from the API all the same.
    assert no_store(client.get(path.replace(str(world.officer.pk), "1")))


def test_a_signed_out_public_answer_is_left_as_it_is(db, client: Client):
    response = client.get("/healthz")
    assert response.status_code == 200 and not response.has_header("Pragma")
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_calendar_feed_keeps_its_own_private_no_store(world: World, client: Client):
    from tests.factories import viewer
    from wellgate.support.services import calendar_feed_create

    _, secret = calendar_feed_create(by=viewer(world.officer, Role.OFFICER))
    response = client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
