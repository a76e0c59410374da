"""Requests to leave made through the real services, for the tests of any app."""

from __future__ import annotations

from tests.factories import World, viewer
from wellgate import clock
from wellgate.moves import services
from wellgate.moves.models import MoveBreach, MoveRequest
from wellgate.people.models import Person, Role


def ask_to_leave(officer: Person, reason: str = "") -> MoveRequest:
    return services.move_request(by=viewer(officer, Role.OFFICER), reason=reason)


def escalated_move_request(world: World) -> MoveRequest:
    """The world officer's open request, with its acknowledge deadline escalated to the
    senior leaders (stored directly: the escalation itself has its own tests)."""
    req = MoveRequest.objects.filter(officer=world.officer, state="requested").first()
    if req is None:
        req = ask_to_leave(world.officer, reason="The last case stays with me at night.")
    MoveBreach.objects.get_or_create(
        key=f"{req.key}:acknowledge:senior_leader",
        defaults={
            "request": req,
            "stage": "acknowledge",
            "level": "senior_leader",
            "due": req.acknowledge_due,
            "escalated_on": req.acknowledge_due,
            "recorded_at": clock.now(),
        },
    )
    return req
