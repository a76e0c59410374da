"""A private check-in changes nothing a supervisor or a mentor can see (DESIGN.md §3).

Every page and API operation the officer's supervisor and mentor can open is read before and
after the officer takes a private check-in with a critical answer (which raises a red flag to
the welfare lead): each response must be the same, byte for byte once per-request tokens are
blanked. A gate item, a total ("of 6"), a code, a count or an ordering that changed would let
them infer what they may never read.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from tests.factories import World, login, make_checkin
from tests.routes import api_routes, web_routes
from tests.walk import SUBJECTS, param_values, subject_for, url_for
from wellgate import clock
from wellgate.flags.models import Flag, State
from wellgate.pathway.services import ensure_joined
from wellgate.people.models import Role
from wellgate.people.services import token_create

# Per-request values: CSRF tokens and CSP nonces differ on every response.
VOLATILE = re.compile(rb'(csrfmiddlewaretoken" value="|csrf-token" content="|nonce=")[^"]*')


def _snapshot(world: World, role: str, extra: dict[str, int], secret: str) -> dict[str, bytes]:
    me = world.by_role(role)
    client = login(Client(), me, role)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    seen = {}
    for route in web_routes() + api_routes():
        if route.action == "public":
            continue
        for kind in SUBJECTS if route.subject else ["own"]:
            url = url_for(route, subject_for(world, role, kind).pk, extra)
            with transaction.atomic():
                if route.kind == "web":
                    response = client.get(url)
                    if response.status_code == 405:
                        response = client.post(url, {})
                else:
                    method = route.method.lower()
                    response = getattr(client, method)(
                        url,
                        data="{}" if method != "get" else None,
                        content_type="application/json",
                        **headers,
                    )
                transaction.set_rollback(True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            seen[f"{route.method} {url}"] = (
                str(response.status_code).encode() + b"\n" + VOLATILE.sub(rb"\1", body)
            )
    # A refused advance names the unmet gate: it must not name more after the check-in.
    with transaction.atomic():
        response = client.post(
            f"/api/v1/people/{world.officer.pk}/pathway/events",
            {"type": "advanced"},
            content_type="application/json",
            **headers,
        )
        transaction.set_rollback(True)
    seen["refused advance"] = str(response.status_code).encode() + b"\n" + response.content
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.MENTOR])
def test_a_private_critical_check_in_changes_nothing_the_role_can_see(world: World, role: str):
    with time_machine.travel(clock.now(), tick=False):
        ensure_joined(officer=world.officer, joined_at=clock.now())
        me = world.by_role(role)
        extra = param_values(world, me)
        # Close the route walk's own flag: the check-in's must be the only one that could show.
        Flag.objects.filter(pk=extra["flag_id"]).update(state=State.CLOSED, closed_at=clock.now())
        _, secret = token_create(person=me, name="diff", scope="write", role=role)
        before = _snapshot(world, role, extra, secret)
        answers = {f"phq9_{i}": 0 for i in range(1, 10)} | {"phq9_9": 2}
        make_checkin(world.officer, "phq9", answers=answers, shared=False)
        assert Flag.objects.filter(officer=world.officer, source="checkin").exists()
        after = _snapshot(world, role, extra, secret)
    changed = [url for url in before if before[url] != after[url]]
    assert not changed, f"{role} can tell a private check-in happened from: {changed}"
    assert len(before) > 40
