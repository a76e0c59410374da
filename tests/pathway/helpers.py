"""Walk an officer along the pathway through the real services, moving the clock."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.factories import World, viewer
from wellgate import clock
from wellgate.pathway import services
from wellgate.people.models import Role


class Walk:
    """Drives one officer's pathway; ``now`` moves forward as the steps need."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.now = clock.now()
        self.officer = world.officer
        self.me = viewer(world.officer, Role.OFFICER)
        self.sup = viewer(world.supervisor, Role.SUPERVISOR)
        self.mentor = viewer(world.mentor, Role.MENTOR)

    def at(self, days: float = 0, hours: float = 0) -> time_machine.travel:
        self.now = self.now + dt.timedelta(days=days, hours=hours, minutes=1)
        return time_machine.travel(self.now, tick=False)

    def record(self, by, type: str, **kw):  # type: ignore[no-untyped-def]
        with self.at():
            return services.event_record(by=by, officer=self.officer, type=type, **kw)

    def join(self) -> None:
        with self.at():
            services.ensure_joined(officer=self.officer, joined_at=self.now)

    def induction(self) -> None:
        """Everything induction needs, up to the supervisor's sign-off."""
        with self.at():
            services.guidance_publish(
                by=viewer(self.world.welfare_lead),
                title="Looking after yourself",
                text="Take breaks. Talk to someone. You can stop at any time.",
            )
        with self.at():
            services.guidance_acknowledge(by=self.me)
        self.record(self.sup, "briefing_given")
        with self.at():
            services.mentor_assign(by=self.sup, officer=self.officer, mentor=self.world.mentor)
        self.ready_and_signed()

    def ready_and_signed(self) -> None:
        self.record(self.me, "readiness_declared", ready=True)
        self.record(self.sup, "signed_off")

    def stage_evidence(self) -> None:
        """Two supervised sessions, the reflection period, a discussion, readiness, sign-off."""
        self.record(self.mentor, "supervised_session")
        with self.at(days=7):
            pass
        self.record(self.mentor, "supervised_session")
        self.record(
            self.mentor, "reflection_discussed", note="Talked about the images from case 12."
        )
        self.ready_and_signed()

    def psych_assessment(self) -> None:
        from wellgate.support.services import psych_attended_record

        with self.at():
            psych_attended_record(
                by=viewer(self.world.welfare_lead),
                officer=self.officer,
                attended_on=self.now.date(),
            )

    def advance(self):  # type: ignore[no-untyped-def]
        with self.at():
            return services.advance(by=self.sup, officer=self.officer)
