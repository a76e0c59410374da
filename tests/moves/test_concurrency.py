"""Two processes at once (PostgreSQL): one request, one step, one escalation."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection

from tests.factories import make_world, viewer
from tests.moves.helpers import ask_to_leave
from wellgate.errors import Refused
from wellgate.moves import services
from wellgate.moves.models import MoveBreach, MoveRequest
from wellgate.notify.models import OutboxMessage
from wellgate.people.models import Role

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at_once(*calls: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Refused as exc:
            outcomes.extend(exc.codes)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_makes_one_request():
    world = make_world()
    me = viewer(world.officer, Role.OFFICER)
    outcomes = at_once(lambda: services.move_request(by=me), lambda: services.move_request(by=me))
    assert sorted(outcomes) == ["move.already_requested", "ok"]
    assert MoveRequest.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_supervisor_and_welfare_lead_acknowledging_at_once_write_one_step():
    world = make_world()
    req = ask_to_leave(world.officer)
    sup = viewer(world.supervisor, Role.SUPERVISOR)
    wl = viewer(world.welfare_lead, Role.WELFARE_LEAD)
    outcomes = at_once(
        lambda: services.move_acknowledge(by=sup, request=req),
        lambda: services.move_acknowledge(by=wl, request=req),
    )
    assert sorted(outcomes) == ["move.out_of_order", "ok"]
    assert req.events.filter(type="acknowledged").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_escalate_a_missed_deadline_once():
    world = make_world()
    with time_machine.travel(dt.datetime(2027, 3, 25, 10, tzinfo=LONDON), tick=False):
        ask_to_leave(world.officer)
    moment = dt.datetime(2027, 4, 1, 9, tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        at_once(
            lambda: services.breaches_send(now=moment),
            lambda: services.breaches_send(now=moment),
        )
    assert MoveBreach.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="moves.breach.welfare_lead").count() == 1
