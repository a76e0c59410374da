from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.factories import make_world, viewer
from tests.pathway.helpers import Walk
from wellgate.errors import Refused
from wellgate.pathway import services
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import Role


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_advancing_at_once_write_one_advanced_event():
    world = make_world()
    walk = Walk(world)
    walk.join()
    walk.induction()
    with walk.at():
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        sup = viewer(world.supervisor, Role.SUPERVISOR)
        wl = viewer(world.welfare_lead, Role.WELFARE_LEAD)

        def attempt(by) -> None:  # type: ignore[no-untyped-def]
            try:
                barrier.wait()
                services.advance(by=by, officer=world.officer)
                outcomes.append("ok")
            except Refused as exc:
                outcomes.append(",".join(exc.codes))
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt, args=(v,)) for v in (sup, wl)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert PathwayEvent.objects.filter(officer=world.officer, type="advanced").count() == 1
    assert outcomes.count("ok") == 1, outcomes
