"""Supervisors, mentors, senior leaders and administrators never read an answer or a score,
through any page or API route (DESIGN.md §3: "never; at most 'conversation suggested'")."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.checkins.helpers import summing_to
from tests.factories import World, login, make_checkin
from tests.routes import Route, api_routes, web_routes
from tests.walk import param_values, request_route, url_for
from wellgate import clock
from wellgate.checkins import services
from wellgate.flags.models import Flag
from wellgate.notify.services import deliver_pending
from wellgate.people.models import Role
from wellgate.people.services import token_create

NOT_ALLOWED = ["supervisor", "mentor", "senior_leader", "administrator"]

# What would give a check-in away: instrument names, band labels, critical reasons, the flag.
MARKERS = [
    "PHQ-9",
    "PCL-5",
    "GAD-7",
    "Moderately severe",
    "cut-point",
    "better off dead",
    "urgent attention",
    "marked change",
    "</span>: check-in",  # a flag's source in the flag tables
    "<dd>Check-in</dd>",  # and on a flag's page
    '"checkin"',  # and in the API
]


def checkin_routes() -> list[Route]:
    return [
        r
        for r in web_routes() + api_routes()
        if "checkin" in r.pattern or "instrument" in r.pattern
    ]


@pytest.fixture
def history(world: World) -> World:
    """Olive's check-ins, all shared: a critical PHQ-9 (red flag), a PCL-5 rise (amber flag),
    and a nudge to her supervisor."""
    make_checkin(world.officer, "pcl5", summing_to("pcl5", 10))
    make_checkin(world.officer, "pcl5", summing_to("pcl5", 25))
    make_checkin(world.officer, "phq9", summing_to("phq9", 17, phq9_9=2))
    from tests.factories import viewer

    services.nudge_send(by=viewer(world.officer, Role.OFFICER))
    deliver_pending(clock.now())
    assert set(Flag.objects.values_list("severity", flat=True)) == {"red", "amber"}
    return world


def _clients(world: World, role: str) -> tuple[Client, dict[str, str]]:
    me = world.by_role(role)
    _, secret = token_create(person=me, name="privacy", scope="write", role=role)
    return login(Client(), me, role), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_there_are_check_in_routes_to_walk(db):
    patterns = {r.pattern for r in checkin_routes()}
    assert "people/<int:person_id>/checkins/" in patterns
    assert "/api/v1/people/{person_id}/checkins" in patterns
    assert "/api/v1/checkins" in patterns and "/api/v1/instruments" in patterns


@pytest.mark.parametrize("role", NOT_ALLOWED)
def test_no_check_in_route_answers_these_roles_with_an_answer_or_a_score(history: World, role: str):
    world = history
    client, api_headers = _clients(world, role)
    extra = param_values(world, world.by_role(role))
    failures = []
    for route in checkin_routes():
        for subject in (world.officer, world.other_officer, world.by_role(role)):
            url = url_for(route, subject.pk, extra)
            response = request_route(client, route, url, api_headers if route.kind == "api" else {})
            if route.action == "instruments.view":
                # The questionnaires themselves: public text, no answers, no scores.
                body = response.content.decode()
                if response.status_code != 200 or "Moderately severe" in body and "totals" in body:
                    failures.append(f"{route.pattern}: {response.status_code}")
                continue
            if response.status_code not in (403, 404):
                failures.append(f"{role} got {response.status_code} for {route.method} {url}")
            if route.subject is None:
                break  # the same answer for every subject
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", NOT_ALLOWED)
def test_no_page_or_api_read_these_roles_may_open_shows_a_check_in(history: World, role: str):
    """Walk every page and API read the role may use, about the officer with check-ins."""
    world = history
    client, api_headers = _clients(world, role)
    extra = param_values(world, world.by_role(role))
    opened = 0
    leaks = []
    for route in web_routes() + api_routes():
        if route.action == "public" or route.method != "GET":
            continue
        if route.action == "instruments.view":
            continue  # questionnaire text (titles included), checked above to hold no scores
        subjects = [world.officer, world.by_role(role)] if route.subject else [world.by_role(role)]
        for subject in subjects:
            url = url_for(route, subject.pk, extra)
            headers = api_headers if route.kind == "api" else {}
            response = client.get(url, **headers)
            if response.status_code != 200:
                continue
            opened += 1
            body = response.content.decode()
            leaks += [f"{url}: {m!r}" for m in MARKERS if m in body]
    assert opened > 10
    assert not leaks, "\n".join(leaks)


def test_the_supervisor_learns_only_that_a_conversation_was_suggested(history: World):
    client = login(Client(), history.supervisor, Role.SUPERVISOR)
    page = client.get("/inbox/").content.decode()
    assert "Olive Officer would like a conversation with you" in page
    for marker in MARKERS:
        assert marker not in page
    assert client.get("/welfare/checkins/").status_code == 403
    for flag in Flag.objects.all():
        assert client.get(f"/flags/{flag.pk}/").status_code == 404
