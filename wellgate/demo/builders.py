"""The demo force: fictional people with enough history for every page to show something.

Everything is written through the services with the clock moved back, exactly as if it had
happened on those days. ``STEPS`` is the one place that says what is built, in which order.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from wellgate import clock
from wellgate.demo import (
    checkins_demo,
    exposure_demo,
    moves_demo,
    pathway_demo,
    people_demo,
    policy_demo,
    support_demo,
)
from wellgate.demo.cast import DEMO_FORCE, DEMO_PASSWORD, DOMAIN, LOGINS, Builder, Demo
from wellgate.people.models import Force

__all__ = ["DEMO_PASSWORD", "DOMAIN", "LOGINS", "STEPS", "Demo", "build", "demo_exists"]

STEPS: list[Builder] = [
    people_demo.build_people,
    policy_demo.build_policy,
    people_demo.build_access_history,
    people_demo.build_other_force,
    # Pathways are walked first: the support demo then opens today's flags, which would block them.
    pathway_demo.build_pathways,
    support_demo.build_support,
    # Moves after the support history, which must not contradict them.
    moves_demo.build_moves,
    # Check-ins after the pathways: their flags would block the pathways walked above.
    checkins_demo.build_checkins,
    # Exposure after the pathways: its sessions are checked against the clearance they reached.
    exposure_demo.build_exposure,
]


def demo_exists() -> bool:
    return Force.objects.filter(name=DEMO_FORCE).exists()


@transaction.atomic
def build(now: dt.datetime | None = None) -> Demo:
    """Create the demo force (and a second force) as of ``now``."""
    now = now or clock.now()
    force = Force.objects.create(name=DEMO_FORCE, slug="northmoor")
    demo = Demo(force=force, now=now)
    for build_step in STEPS:
        build_step(demo)
    return demo
