"""Every route, every role, every kind of subject (DESIGN.md §3).

The expectations below are written out from the design table, independently of
``wellgate.people.access``, so a wrong decision there fails here.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from tests.exposure.helpers import make_case, make_package
from tests.factories import (
    World,
    login,
    make_checkin,
    make_flag,
    make_obligation,
    make_policy_proposal,
)
from tests.moves.helpers import escalated_move_request
from tests.routes import Route, api_routes, undecided, web_routes
from wellgate import clock
from wellgate.people.models import Role, RoleRequest
from wellgate.people.services import token_create

ROLES = [r.value for r in Role]
SUBJECTS = ["own", "own_report", "other_team", "other_force"]
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


def _subject(world: World, role: str, kind: str):
    me = world.by_role(role)
    if kind == "own":
        return me
    if kind == "own_report":
        return world.officer
    if kind == "other_team":
        return world.other_officer
    return world.foreign_officer


def _url(route: Route, subject_id: int, extra: dict[str, int]) -> str:
    url = route.pattern if route.kind == "api" else "/" + route.pattern
    for name in route.params:
        value = subject_id if name == route.subject else extra.get(name)
        if value is None:
            raise AssertionError(
                f"{route.pattern}: no test value for parameter {name!r}; add one to PARAMS"
            )
        url = re.sub(rf"<(?:\w+:)?{name}>|\{{{name}\}}", str(value), url)
    return url


def _param_values(world: World, person) -> dict[str, int]:
    """Values for non-person path parameters; a route with an unknown one fails the test."""
    role = _role_of(world, person)
    tok, _ = token_create(person=person, name="t", scope="read", role=role)
    # Objects a role may act on whenever it may use the route at all: an officer records their
    # own welfare day; a supervisor and the welfare lead the supervised officer's 1:1 and flag.
    if role == "officer":
        obligation = make_obligation(person, "welfare_day")
    else:
        obligation = make_obligation(world.officer, "one_to_one")
    flag = make_flag(world.officer, owner=world.supervisor)
    case = make_case(world.force)
    package = make_package(case, "C")
    return {
        "token_id": tok.pk,
        "obligation_id": obligation.pk,
        "flag_id": flag.pk,
        "case_id": case.pk,
        "package_id": package.pk,
        # The officer's open request, escalated to the senior leaders so that every role the
        # design lets see a request sees this one.
        "request_id": escalated_move_request(world).pk,
        # The officer's own check-in (only its officer may open its result).
        "checkin_id": make_checkin(world.officer).pk,
        "instrument_id": "pulse",
        # A loosening change the welfare lead proposed (a senior leader may approve it).
        "proposal_id": make_policy_proposal(world.welfare_lead).pk,
        # A role grant of the force waiting for a second person (asked by the administrator).
        "role_request_id": RoleRequest.objects.create(
            person=world.other_officer,
            role=Role.MENTOR,
            team=world.other_team,
            requested_by=world.administrator,
            requested_at=clock.now(),
        ).pk,
    }


def _role_of(world: World, person) -> str:
    for r in ROLES:
        if world.by_role(r) == person:
            return r
    raise AssertionError(person)


def _request(client: Client, route: Route, url: str, headers: dict[str, str]) -> HttpResponse:
    with transaction.atomic():
        method = route.method.lower()
        if route.kind == "web":
            response = client.get(url, **headers)
            if response.status_code == 405:
                response = client.post(url, {}, **headers)
        else:
            response = getattr(client, method)(
                url,
                data="{}" if method != "get" else None,
                content_type="application/json",
                **headers,
            )
        transaction.set_rollback(True)  # a permitted write must not change the next case
    return response


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
def test_every_route_answers_each_role_as_the_design_says(world: World):
    routes = web_routes() + api_routes()
    failures = []
    checked = 0
    for role in ROLES:
        me = world.by_role(role)
        client = login(Client(), me, role)
        _, secret = token_create(person=me, name="route test", scope="write", role=role)
        api_headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        extra = _param_values(world, me)
        for route in routes:
            if route.action == "public":
                continue
            kinds = SUBJECTS if route.subject else ["own"]
            for kind in kinds:
                if role == "officer" and kind == "own_report":
                    continue  # an officer reports to others; nobody reports to them
                subject = _subject(world, role, kind)
                url = _url(route, subject.pk, extra)
                headers = api_headers if route.kind == "api" else {}
                response = _request(client, route, url, headers)
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
        url = _url(
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
        url = _url(
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
