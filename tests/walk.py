"""The world every route walk uses: which person each kind of subject is, the URL of a route
for a subject, and a value for every other path parameter."""

from __future__ import annotations

import re

from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from tests.exposure.helpers import make_case, make_package
from tests.factories import (
    World,
    make_checkin,
    make_flag,
    make_obligation,
    make_policy_proposal,
)
from tests.moves.helpers import escalated_move_request
from tests.routes import Route
from wellgate import clock
from wellgate.people.models import Role, RoleRequest
from wellgate.people.services import token_create

ROLES = [r.value for r in Role]
# Whose record a route is opened on: the viewer's own, the world officer (a supervisor's and a
# mentor's report), an officer of another team, an officer of another force.
SUBJECTS = ["own", "own_report", "other_team", "other_force"]


def subject_for(world: World, role: str, kind: str):
    me = world.by_role(role)
    if kind == "own":
        return me
    if kind == "own_report":
        return world.officer
    if kind == "other_team":
        return world.other_officer
    return world.foreign_officer


def url_for(route: Route, subject_id: int, extra: dict[str, int]) -> str:
    url = route.pattern if route.kind == "api" else "/" + route.pattern
    for name in route.params:
        value = subject_id if name == route.subject else extra.get(name)
        if value is None:
            raise AssertionError(
                f"{route.pattern}: no test value for parameter {name!r}; add one to PARAMS"
            )
        url = re.sub(rf"<(?:\w+:)?{name}>|\{{{name}\}}", str(value), url)
    return url


def param_values(world: World, person) -> dict[str, int]:
    """Values for non-person path parameters; a route with an unknown one fails the test."""
    role = role_of(world, person)
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


def role_of(world: World, person) -> str:
    for r in ROLES:
        if world.by_role(r) == person:
            return r
    raise AssertionError(person)


def request_route(client: Client, route: Route, url: str, headers: dict[str, str]) -> HttpResponse:
    """Open ``url`` as ``route`` says (GET, else POST for a POST-only page), rolled back."""
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
