"""The move requests API, and proof that no role and no route can decline or delete one."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from django.test import Client

from tests.factories import World
from tests.moves.helpers import ask_to_leave, escalated_move_request
from tests.routes import api_routes
from wellgate.moves import rules
from wellgate.moves.models import MoveRequest
from wellgate.pathway import queries as pathway_queries
from wellgate.people.models import Person, Role
from wellgate.people.services import token_create

REASON = "The Harbour case keeps coming back at night."
JSON = "application/json"


def bearer(person: Person, role: str, scope: str = "write") -> dict[str, str]:
    _, secret = token_create(person=person, name="t", scope=scope, role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client: Client, url: str, headers: dict[str, str], body: str = "{}"):  # type: ignore[no-untyped-def]
    return client.post(url, data=body, content_type=JSON, **headers)


def test_an_officer_asks_to_leave_through_the_api(world: World, client: Client):
    response = post(
        client,
        "/api/v1/move-requests",
        bearer(world.officer, Role.OFFICER),
        f'{{"reason": "{REASON}"}}',
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "requested" and body["reason"] == REASON
    assert body["allowed_actions"] == ["withdraw"]
    assert set(body["deadlines"]) == {"acknowledge_by", "agree_by", "move_by"}
    assert body["next_step"]["stage"] == "acknowledge"
    assert pathway_queries.state(world.officer).move_requested


def test_a_request_is_only_ever_for_the_caller(world: World, client: Client):
    response = post(
        client,
        "/api/v1/move-requests",
        bearer(world.officer, Role.OFFICER),
        f'{{"officer_id": {world.other_officer.pk}}}',
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "code": "move.self_only",
        "message": "You can ask to leave the team only for yourself: leave officer_id out, or "
        "give your own id.",
        "field": "officer_id",
    }
    assert not MoveRequest.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "welfare_lead", "senior_leader", "mentor"])
def test_only_an_officer_may_ask(world: World, client: Client, role: str):
    response = post(client, "/api/v1/move-requests", bearer(world.by_role(role), role))
    assert response.status_code == 403
    assert not MoveRequest.objects.exists()


def test_the_supervisor_reads_the_request_without_the_private_reason(world: World, client: Client):
    req = ask_to_leave(world.officer, reason=REASON)
    response = client.get(
        f"/api/v1/move-requests/{req.pk}", **bearer(world.supervisor, Role.SUPERVISOR)
    )
    assert response.status_code == 200
    assert response.json()["reason"] is None and "Harbour" not in response.content.decode()
    assert response.json()["allowed_actions"] == ["acknowledge"]
    welfare = client.get(
        f"/api/v1/move-requests/{req.pk}", **bearer(world.welfare_lead, Role.WELFARE_LEAD)
    )
    assert welfare.json()["reason"] == REASON


def test_the_supervisor_takes_the_request_through_to_the_move(world: World, client: Client):
    req = ask_to_leave(world.officer)
    sup = bearer(world.supervisor, Role.SUPERVISOR)
    base = f"/api/v1/move-requests/{req.pk}"
    assert post(client, f"{base}/acknowledge", sup).json()["state"] == "acknowledged"
    missing = post(client, f"{base}/agree", sup)
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "destination"
    blank = post(client, f"{base}/agree", sup, '{"destination": "  "}')
    assert blank.status_code == 422
    assert blank.json()["detail"][0]["code"] == "move.destination_required"
    agreed = post(client, f"{base}/agree", sup, '{"destination": "Fraud squad"}')
    assert agreed.json()["destination"] == "Fraud squad"
    moved = post(client, f"{base}/moved", sup)
    assert moved.status_code == 200 and moved.json()["state"] == "moved"
    assert pathway_queries.state(world.officer).left_team


def test_steps_out_of_order_are_a_422_with_the_next_step_named(world: World, client: Client):
    req = ask_to_leave(world.officer)
    response = post(
        client, f"/api/v1/move-requests/{req.pk}/moved", bearer(world.supervisor, Role.SUPERVISOR)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "code": "move.out_of_order",
        "message": "This request is requested; the next step is to acknowledge it.",
        "field": None,
    }


def test_requests_the_caller_cannot_see_are_404(world: World, client: Client):
    req = ask_to_leave(world.officer)
    for person, role in (
        (world.other_supervisor, Role.SUPERVISOR),
        (world.foreign_welfare_lead, Role.WELFARE_LEAD),
        (world.senior_leader, Role.SENIOR_LEADER),  # not escalated to them
        (world.other_officer, Role.OFFICER),
    ):
        response = client.get(f"/api/v1/move-requests/{req.pk}", **bearer(person, role))
        assert response.status_code == 404, (person, role)
        assert response.json()["detail"][0]["code"] == "not_found"
    assert (
        client.get(
            "/api/v1/move-requests/999999", **bearer(world.officer, Role.OFFICER)
        ).status_code
        == 404
    )


def test_a_read_token_cannot_write(world: World, client: Client):
    response = post(client, "/api/v1/move-requests", bearer(world.officer, Role.OFFICER, "read"))
    assert response.status_code == 403
    assert not MoveRequest.objects.exists()


# --- Nobody can decline, cancel, hide or delete a request ----------------------------------

NO_SUCH = ("decline", "declined", "reject", "refuse", "cancel", "close", "delete", "hide")
BODIES = (
    "{}",
    '{"action": "decline", "state": "declined"}',
    '{"destination": "Nowhere", "state": "cancelled", "deleted": true, "hidden": true}',
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _callers(world: World) -> list[tuple[Person, str]]:
    return [
        (world.officer, Role.OFFICER),
        (world.supervisor, Role.SUPERVISOR),
        (world.mentor, Role.MENTOR),
        (world.welfare_lead, Role.WELFARE_LEAD),
        (world.senior_leader, Role.SENIOR_LEADER),
        (world.administrator, Role.ADMINISTRATOR),
        (world.other_officer, Role.OFFICER),
        (world.other_supervisor, Role.SUPERVISOR),
        (world.foreign_welfare_lead, Role.WELFARE_LEAD),
    ]


def _paths(req: MoveRequest) -> list[str]:
    """Every move-request route of the API, and every route a "decline" might hide behind."""
    paths = {
        r.pattern.replace("{request_id}", str(req.pk))
        for r in api_routes()
        if r.pattern.startswith("/api/v1/move-requests")
    }
    base = f"/api/v1/move-requests/{req.pk}"
    paths |= {f"{base}/{word}" for word in NO_SUCH}
    return sorted(paths)


def _legitimate(before: str, after: str, role: str, is_officer: bool, path: str) -> bool:
    """A change the design allows: a step forward by staff, or the officer's withdrawal."""
    if after == before:
        return True
    if after == "withdrawn":
        return is_officer and path.endswith("/withdraw")
    order = ("requested", "acknowledged", "agreed", "moved")
    return (
        role in rules.ACTING_ROLES
        and not is_officer
        and after in order
        and order.index(after) == order.index(before) + 1
    )


def test_no_role_and_no_api_route_can_decline_cancel_hide_or_delete_a_request(
    world: World, client: Client
):
    req = escalated_move_request(world)
    total = MoveRequest.objects.count()
    problems = []
    tried = 0
    for person, role in _callers(world):
        headers = bearer(person, role)
        for path, method, body in itertools.product(_paths(req), METHODS, BODIES):
            with transaction.atomic():
                response = client.generic(method, path, data=body, content_type=JSON, **headers)
                tried += 1
                row = MoveRequest.objects.filter(pk=req.pk).first()
                if row is None or MoveRequest.objects.count() < total:
                    problems.append(f"{role} {method} {path}: the request is gone")
                elif row.state not in rules.STATES:
                    problems.append(f"{role} {method} {path}: state {row.state!r}")
                elif not _legitimate(
                    "requested", row.state, role, person.pk == req.officer_id, path
                ):
                    problems.append(f"{role} {method} {path}: {row.state} is not allowed")
                if response.status_code >= 500:
                    problems.append(f"{role} {method} {path}: {response.status_code}")
                transaction.set_rollback(True)  # every attempt starts from the same request
    assert not problems, "\n".join(problems)
    assert tried > 1000
    assert MoveRequest.objects.get(pk=req.pk).state == "requested"


def test_the_api_offers_no_operation_to_decline_cancel_or_delete(world: World):
    moves = [r for r in api_routes() if r.pattern.startswith("/api/v1/move-requests")]
    assert {(r.method, r.pattern) for r in moves} == {
        ("POST", "/api/v1/move-requests"),
        ("GET", "/api/v1/move-requests/{request_id}"),
        ("POST", "/api/v1/move-requests/{request_id}/acknowledge"),
        ("POST", "/api/v1/move-requests/{request_id}/agree"),
        ("POST", "/api/v1/move-requests/{request_id}/moved"),
        ("POST", "/api/v1/move-requests/{request_id}/withdraw"),
    }


@pytest.mark.parametrize("type", ["move_requested", "move_withdrawn"])
def test_the_pathway_api_sends_requests_to_leave_to_their_own_api(
    world: World, client: Client, type: str
):
    response = post(
        client,
        f"/api/v1/people/{world.officer.pk}/pathway/events",
        bearer(world.officer, Role.OFFICER),
        f'{{"type": "{type}"}}',
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "event.use_move_requests"
    assert not pathway_queries.state(world.officer).move_requested
