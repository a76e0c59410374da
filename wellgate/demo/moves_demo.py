"""Demo requests to leave the team: one open with a missed deadline (escalated to the senior
leaders), one moved, one withdrawn. Written through the services with the clock moved back,
and the tick run day by day, exactly as it would have happened.

The three officers (Digital Forensics Unit, supervised by Tate Teamlead) are used by no other
demo after their pathway, and the moves happen after the support history was written, so
nothing later contradicts them.
"""

from __future__ import annotations

import datetime as dt

from wellgate import clock
from wellgate.demo.cast import Demo
from wellgate.moves import services
from wellgate.moves.models import MoveRequest
from wellgate.notify.services import deliver_pending
from wellgate.pathway import services as pathway_services
from wellgate.people.access import Viewer
from wellgate.people.models import Role
from wellgate.people.queries import current_roles


def _as(demo: Demo, login: str, role: str) -> Viewer:
    person = demo.people[login]
    return Viewer(person=person, role=role, roles=current_roles(person))


def _at(demo: Demo, days_ago: float, hour: int = 10) -> dt.datetime:
    """``days_ago`` days before the demo's now, at ``hour`` o'clock (of the demo's now zone)."""
    moment = demo.at(days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _ticks(demo: Demo, from_days_ago: int, to_days_ago: int = 0) -> None:
    """Run the escalation step once a day over those days, as the tick would have."""
    for days_ago in range(from_days_ago, to_days_ago - 1, -1):
        moment = min(_at(demo, days_ago, hour=7), demo.now)
        with clock.frozen_at(moment):
            services.breaches_send(now=moment)
            deliver_pending(moment)


def _step(
    demo: Demo, days_ago: float, by: Viewer, req: MoveRequest, action: str, **kw: str
) -> MoveRequest:
    with clock.frozen_at(_at(demo, days_ago, hour=11)):
        return services.move_step(by=by, request=req, action=action, **kw)


def build_moves(demo: Demo) -> None:
    tate = _as(demo, "tate.teamlead", Role.SUPERVISOR)
    wendy = _as(demo, "wendy.welfare", Role.WELFARE_LEAD)

    # Rowan asked five weeks ago and has moved: every deadline met.
    rowan = _as(demo, "rowan.thornthwaite", Role.OFFICER)
    with clock.frozen_at(_at(demo, 35)):
        moved = services.move_request(
            by=rowan, reason="Twenty years in; I would like to finish my service somewhere else."
        )
    moved = _step(demo, 34, tate, moved, "acknowledge")
    moved = _step(demo, 27, tate, moved, "agree", destination="Economic Crime Unit")
    moved = _step(demo, 8, tate, moved, "moved")

    # Reese asked, then withdrew after talking it through, and chose to resume viewing.
    reese = _as(demo, "reese.sedbergh", Role.OFFICER)
    with clock.frozen_at(_at(demo, 10)):
        withdrawn = services.move_request(by=reese)
    withdrawn = _step(demo, 9, wendy, withdrawn, "acknowledge")
    _step(demo, 6, reese, withdrawn, "withdraw")
    with clock.frozen_at(_at(demo, 5)):
        pathway_services.event_record(by=reese, officer=reese.person, type="resumed")

    # Quinn asked nine working days ago; nobody acknowledged in time, so the welfare lead and
    # then the senior leaders were told. It was acknowledged late and is still open.
    quinn = _as(demo, "quinn.ravenglass", Role.OFFICER)
    with clock.frozen_at(_at(demo, 13)):
        services.move_request(
            by=quinn, reason="Since the Harbour case I dread the mornings; I need a change."
        )
    _ticks(demo, 12, 4)
    late = MoveRequest.objects.get(officer=quinn.person, state="requested")
    _step(demo, 3, tate, late, "acknowledge")
    _ticks(demo, 3, 0)
