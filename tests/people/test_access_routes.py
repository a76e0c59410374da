"""Every route, every role, every kind of subject (DESIGN.md §3).

The expectations below are written out from the design table, independently of
``wellgate.people.access``, so a wrong decision there fails here.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from tests.factories import (
    World,
    login,
)
from tests.routes import Route, api_routes, undecided, web_routes
from tests.walk import ROLES, SUBJECTS, param_values, request_route, subject_for, url_for
from wellgate.people.services import token_create

EVERYONE = set(SUBJECTS[:3])

# Person actions: for each role, which subjects it may act on.
EXPECTED_PERSON: dict[str, dict[str, set[str]]] = {
    "person.view": {
        "officer": {"own"},
        "supervisor": {"own", "own_report"},
        "mentor": {"own", "own_report"},
        "welfare_lead": EVERYONE,
        "senior_leader": EVERYONE,
        "administrator": EVERYONE,
    },
    "pathway.view": {
        "officer": {"own"},
        "supervisor": {"own_report"},
        "mentor": {"own_report"},
        "welfare_lead": EVERYONE,
    },
    "pathway.record": {
        "supervisor": {"own_report"},
        "mentor": {"own_report"},
        "welfare_lead": EVERYONE,
    },
    "pathway.decide": {"supervisor": {"own_report"}, "welfare_lead": EVERYONE},
    "self.decide": {"officer": {"own"}},
    "obligations.view": {
        "officer": {"own"},
        "supervisor": {"own_report"},
        "welfare_lead": EVERYONE,
    },
    "notes.view": {"officer": {"own"}, "supervisor": {"own_report"}, "welfare_lead": EVERYONE},
    "checkins.view": {"officer": {"own"}, "welfare_lead": EVERYONE},
    "move.view": {
        "officer": {"own"},
        "supervisor": {"own_report"},
        "welfare_lead": EVERYONE,
        "senior_leader": EVERYONE,
    },
    "move.reason": {"officer": {"own"}, "welfare_lead": EVERYONE},
    "accesslog.view": {"officer": {"own"}, "welfare_lead": EVERYONE},
    "person.manage": {"administrator": EVERYONE},
    "support.record": {"supervisor": {"own_report"}, "welfare_lead": EVERYONE},
    "exposure.log": {
        "officer": {"own"},
        "supervisor": {"own_report"},
        "mentor": {"own_report"},
        "welfare_lead": EVERYONE,
    },
}
ALL = set(ROLES)
# Force-wide actions: which roles may use them.
EXPECTED_FORCE: dict[str, set[str]] = {
    "public": ALL,
    "home.view": ALL,
    "inbox.view": ALL,
    "tokens.manage": ALL,
    "team.view": {"supervisor", "mentor", "welfare_lead"},
    "force.welfare": {"welfare_lead"},
    "aggregates.view": {"welfare_lead", "senior_leader"},
    "escalations.view": {"welfare_lead", "senior_leader"},
    "policy.view": {"welfare_lead", "administrator", "senior_leader"},
    "policy.edit": {"welfare_lead", "administrator"},
    "policy.approve": {"welfare_lead", "senior_leader"},
    "people.manage": {"administrator"},
    # Pending role grants: a second administrator, the welfare lead or a senior leader.
    "grants.approve": {"administrator", "welfare_lead", "senior_leader"},
    "accesslog.force": {"welfare_lead"},
    "support.self": {"officer"},
    "support.team": {"supervisor", "welfare_lead"},
    "obligations.record": {"officer", "supervisor", "welfare_lead"},
    "exposure.submit": {"officer", "supervisor", "mentor", "welfare_lead"},
    "cases.manage": {"supervisor", "welfare_lead"},
    "checkins.self": {"officer"},
    "instruments.view": ALL,
    # DESIGN.md §3 "move request": the officer, their supervisor, the welfare lead, and a
    # senior leader once it is escalated (rows filtered; the route itself is open to them).
    "moves.self": {"officer"},
    "moves.team": {"supervisor", "welfare_lead"},
    "moves.view": {"officer", "supervisor", "welfare_lead", "senior_leader"},
}
# The person each role is "responsible for" (own_report) in the world fixture.
REPORT_OF = {"supervisor": "officer", "mentor": "officer"}


def _expected(route: Route, role: str, kind: str) -> bool:
    if route.subject is not None:
        return kind in EXPECTED_PERSON[route.action].get(role, set())
    return role in EXPECTED_FORCE[route.action]


def test_every_route_declares_an_access_decision(db):
    missing = undecided(web_routes() + api_routes())
    assert missing == [], f"routes without an access decision: {missing}"


def test_every_declared_action_has_an_expectation(db):
    for route in web_routes() + api_routes():
        table = EXPECTED_PERSON if route.subject else EXPECTED_FORCE
        assert route.action in table, (
            f"{route.pattern} uses {route.action}, which the design table lacks"
        )


def test_a_new_route_without_a_decision_is_caught():
    def dummy(request):
        return HttpResponse("hello")

    dummy_api = NinjaAPI(urls_namespace="dummy")

    @dummy_api.get("/dummy/{person_id}")
    def dummy_op(request, person_id: int):
        return {}

    assert [r.pattern for r in undecided(web_routes([path("dummy/", dummy)]))] == ["dummy/"]
    assert [r.name for r in undecided(api_routes(dummy_api))] == ["dummy_op"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_design_says(world: World, role: str):
    routes = web_routes() + api_routes()
    failures = []
    checked = 0
    me = world.by_role(role)
    client = login(Client(), me, role)
    _, secret = token_create(person=me, name="route test", scope="write", role=role)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    extra = param_values(world, me)
    for route in routes:
        if route.action == "public":
            continue
        kinds = SUBJECTS if route.subject else ["own"]
        for kind in kinds:
            if role == "officer" and kind == "own_report":
                continue  # an officer reports to others; nobody reports to them
            subject = subject_for(world, role, kind)
            url = url_for(route, subject.pk, extra)
            headers = api_headers if route.kind == "api" else {}
            response = request_route(client, route, url, headers)
            allowed = _expected(route, role, kind)
            status = response.status_code
            checked += 1
            if allowed and status in (401, 403, 404):
                failures.append(f"{role} denied {route.method} {url} ({kind}): {status}")
            if not allowed:
                denied_status = 404 if route.subject else 403
                if status != denied_status:
                    failures.append(
                        f"{role} got {status} not {denied_status} for {route.method} {url} ({kind})"
                    )
            if status >= 500:
                failures.append(f"{role} {route.method} {url}: server error")
    assert not failures, "\n".join(failures)
    assert checked > 100


def test_signed_out_visitors_are_sent_to_sign_in_for_every_page(db, client):
    for route in web_routes():
        if route.action == "public":
            continue
        url = url_for(
            route,
            1,
            {
                "token_id": 1,
                "obligation_id": 1,
                "flag_id": 1,
                "case_id": 1,
                "package_id": 1,
                "request_id": 1,
                "checkin_id": 1,
                "instrument_id": 1,
                "proposal_id": 1,
                "role_request_id": 1,
            },
        )
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], route


def test_api_without_a_token_is_refused_for_every_operation(db, client):
    for route in api_routes():
        url = url_for(
            route,
            1,
            {
                "token_id": 1,
                "obligation_id": 1,
                "flag_id": 1,
                "case_id": 1,
                "package_id": 1,
                "request_id": 1,
                "checkin_id": 1,
                "instrument_id": 1,
                "proposal_id": 1,
                "role_request_id": 1,
            },
        )
        response = getattr(client, route.method.lower())(url)
        assert response.status_code == 401, route
        assert response.json()["detail"][0]["code"] == "auth.token"
