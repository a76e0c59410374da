"""Demo pathways: officers at every stage, one paused, one stepped back, one ready for sign-off.

Each officer walks the real gate through the services, with the clock moved to the day each
step happened, exactly as their supervisor and the welfare lead would have recorded it.
"""

from __future__ import annotations

import datetime as dt

from wellgate import clock
from wellgate.demo.cast import OFFICERS, Demo
from wellgate.pathway import queries, services
from wellgate.people import services as people_services
from wellgate.people.access import Viewer
from wellgate.people.models import Person, Role
from wellgate.people.queries import current_roles, current_supervisor
from wellgate.support.services import psych_attended_record

GUIDANCE_TEXT = """Viewing indecent images of children is hard, important work. It affects everyone who does it, and noticing that is a strength, not a weakness.

Take a break of at least 15 minutes after an hour of viewing, and stop viewing by 4pm so that you have time to decompress before you go home.

Talk to someone: your supervisor, your mentor, the welfare lead, or the employee assistance programme. You can pause, step back, or ask to leave the team at any time, without giving a reason.

Look after the basics: sleep, exercise, time with people you trust. If images come back to you when you do not want them to, tell someone early."""

# login -> (target stage, extra): how far each demo officer has come.
PLAN: dict[str, tuple[str, str]] = {
    "nico.newjoiner": ("induction", "ready_for_sign_off"),
    "kai.langstrath": ("induction", "not_ready"),
    "casey.cragside": ("cat_c", "one_session"),
    "pat.quernmore": ("cat_c", "paused"),
    "avery.ashdown": ("cat_c", "gate_complete"),
    "gray.garsdale": ("cat_b", ""),
    "max.netherby": ("cat_b", "stepped_back"),
    "blake.birchmoor": ("cat_a", ""),
    "harper.holmrook": ("cat_a", "supervisor_pause"),
}
MENTOR_OF_TEAM = {0: "morgan.mentor", 1: "river.trainer", 2: "morgan.mentor"}
# Sam supervises and mentors: Casey is the mentee who shows on Sam's mentor home.
MENTOR_OF = {"casey.cragside": "sam.supervisor"}


def _as(person: Person, role: str) -> Viewer:
    return Viewer(person=person, role=role, roles=current_roles(person))


class _Walker:
    def __init__(self, demo: Demo, officer: Person, joined: dt.datetime, mentor: Person) -> None:
        self.demo, self.officer, self.t, self.mentor = demo, officer, joined, mentor

    def step(self, days: float = 0, hours: float = 1) -> None:
        self.t += dt.timedelta(days=days, hours=hours)

    def _at(self):  # type: ignore[no-untyped-def]
        return clock.frozen_at(self.t)

    def sup(self) -> Viewer:
        supervisor = current_supervisor(self.officer)
        assert supervisor is not None
        return _as(supervisor, Role.SUPERVISOR)

    def me(self) -> Viewer:
        return _as(self.officer, Role.OFFICER)

    def record(self, who: str, type: str, **kw: object) -> None:
        with self._at():
            by = {"me": self.me, "sup": self.sup, "mentor": lambda: _as(self.mentor, Role.MENTOR)}[
                who
            ]()
            services.event_record(by=by, officer=self.officer, type=type, **kw)  # type: ignore[arg-type]
        self.step()

    def induction(self, finish: bool = True) -> None:
        with self._at():
            services.ensure_joined(officer=self.officer, joined_at=self.t)
        self.step(days=1)
        self.record(
            "sup",
            "briefing_given",
            note="Explained categories A, B and C, and what each may contain.",
        )
        with self._at():
            services.guidance_acknowledge(by=self.me())
            # Nobody appoints themself a mentor: Sam's own mentee is assigned by the welfare lead.
            by = self.sup()
            if by.person == self.mentor:
                by = _as(self.demo.people["wendy.welfare"], Role.WELFARE_LEAD)
            services.mentor_assign(by=by, officer=self.officer, mentor=self.mentor)
        self.step(days=1)
        if finish:
            self.ready_and_signed()

    def ready_and_signed(self) -> None:
        self.record("me", "readiness_declared", ready=True)
        self.record("sup", "signed_off")

    def advance(self) -> None:
        with self._at():
            services.advance(by=self.sup(), officer=self.officer)
        self.step(days=1)

    def stage(self, finish: bool = True) -> None:
        self.record(
            "mentor", "supervised_session", note="Graded a small set together; calm throughout."
        )
        self.step(days=7)
        self.record("mentor", "supervised_session")
        self.record(
            "sup",
            "reflection_discussed",
            note="Talked about how the sessions felt and about sleep.",
        )
        if finish:
            self.ready_and_signed()

    def psych(self) -> None:
        with self._at():
            welfare = _as(self.demo.people["wendy.welfare"], Role.WELFARE_LEAD)
            psych_attended_record(by=welfare, officer=self.officer, attended_on=self.t.date())
        self.step()


def build_pathways(demo: Demo) -> None:
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)
    with clock.frozen_at(demo.at(1900)):
        services.guidance_publish(
            by=welfare, title="Looking after yourself in this work", text=GUIDANCE_TEXT
        )
    order = ["induction", "cat_c", "cat_b", "cat_a", "independent"]
    for login, _name, team, _sup, days in OFFICERS:
        officer = demo.people[login]
        target, extra = PLAN.get(login, ("independent", ""))
        w = _Walker(
            demo,
            officer,
            demo.at(days) + dt.timedelta(hours=1),
            demo.people[MENTOR_OF.get(login, MENTOR_OF_TEAM[team])],
        )
        reached = 0
        w.induction(finish=target != "induction")
        if target == "induction":
            if extra == "ready_for_sign_off":
                w.record("me", "readiness_declared", ready=True)
            elif extra == "not_ready":
                w.record("me", "readiness_declared", ready=False)
            continue
        w.advance()
        reached = 1
        while order[reached] != target:
            if order[reached + 1] == "cat_a":
                w.psych()
            w.stage()
            w.advance()
            reached += 1
        if extra == "stepped_back":
            w.record("me", "stepped_back", stage="cat_c")
        elif extra == "paused":
            w.record("mentor", "supervised_session")
            w.record("me", "paused")
        elif extra == "supervisor_pause":
            w.record(
                "sup",
                "paused",
                note="You mentioned difficult nights after the last case; let's talk before you view more.",
            )
        elif extra == "one_session":
            w.record("mentor", "supervised_session")
        elif extra == "gate_complete":
            w.t = max(w.t, demo.at(9))  # recent, so the readiness is still fresh
            w.stage()
        elif target == "independent":
            # Mentoring ends once an officer grades on their own.
            with clock.frozen_at(w.t):
                people_services.mentor_set(by=w.sup(), officer=officer, mentor=None)
    assert queries.state(demo.people["nico.newjoiner"]).stage.code == "induction"
