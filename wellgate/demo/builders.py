"""The demo force: fictional people with enough history for every page to show something.

Everything is written through the services with the clock moved back, exactly as if it had
happened on those days. Later features add their own builder to ``BUILDERS``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from wellgate import clock
from wellgate.people import services as people
from wellgate.people.access import Viewer
from wellgate.people.models import Force, Person, Role, RoleGrant, Team
from wellgate.policy.rules import PolicySettings
from wellgate.policy.services import policy_update

DEMO_FORCE = "Northmoor Constabulary (fictional)"
OTHER_FORCE = "Eastvale Police (fictional)"
DEMO_PASSWORD = "wellgate-demo"
DOMAIN = "northmoor.example"

# Logins printed by `make run`: one per role, and one person with two roles.
LOGINS = [
    ("officer", "olivia.officer"),
    ("officer (new joiner)", "nico.newjoiner"),
    ("supervisor and mentor (two roles)", "sam.supervisor"),
    ("mentor", "morgan.mentor"),
    ("welfare lead", "wendy.welfare"),
    ("senior leader", "lee.leader"),
    ("administrator", "ada.admin"),
]

TEAM_NAMES = ["ICAT North", "ICAT South", "Digital Forensics Unit"]
OFFICERS = [
    # (login, full name, team index, supervisor login, days since joining)
    ("olivia.officer", "Olivia Officer", 0, "sky.sergeant", 420),
    ("nico.newjoiner", "Nico Newjoiner", 0, "sam.supervisor", 12),
    ("avery.ashdown", "Avery Ashdown", 0, "sam.supervisor", 75),
    ("blake.birchmoor", "Blake Birchmoor", 0, "sam.supervisor", 160),
    ("casey.cragside", "Casey Cragside", 0, "sam.supervisor", 30),
    ("devon.dunmere", "Devon Dunmere", 0, "sam.supervisor", 900),
    ("ellis.eskdale", "Ellis Eskdale", 0, "sam.supervisor", 240),
    ("finley.fellgate", "Finley Fellgate", 0, "sam.supervisor", 1200),
    ("gray.garsdale", "Gray Garsdale", 1, "sky.sergeant", 55),
    ("harper.holmrook", "Harper Holmrook", 1, "sky.sergeant", 130),
    ("indy.ivybridge", "Indy Ivybridge", 1, "sky.sergeant", 300),
    ("jules.kettlewell", "Jules Kettlewell", 1, "sky.sergeant", 700),
    ("kai.langstrath", "Kai Langstrath", 1, "sky.sergeant", 20),
    ("logan.mardale", "Logan Mardale", 1, "sky.sergeant", 1500),
    ("max.netherby", "Max Netherby", 1, "sky.sergeant", 95),
    ("noel.oxenholme", "Noel Oxenholme", 2, "tate.teamlead", 400),
    ("pat.quernmore", "Pat Quernmore", 2, "tate.teamlead", 45),
    ("quinn.ravenglass", "Quinn Ravenglass", 2, "tate.teamlead", 610),
    ("reese.sedbergh", "Reese Sedbergh", 2, "tate.teamlead", 200),
    ("rowan.thornthwaite", "Rowan Thornthwaite", 2, "tate.teamlead", 1000),
]
SUPERVISORS = [
    ("sam.supervisor", "Sam Supervisor", 0),
    ("sky.sergeant", "Sky Sergeant", 1),
    ("tate.teamlead", "Tate Teamlead", 2),
]
MENTORS = [("morgan.mentor", "Morgan Mentor", 0), ("river.trainer", "River Trainer", 1)]
FORCE_ROLES = [
    ("wendy.welfare", "Wendy Welfare", Role.WELFARE_LEAD),
    ("lee.leader", "Lee Leader", Role.SENIOR_LEADER),
    ("ada.admin", "Ada Admin", Role.ADMINISTRATOR),
    ("una.umbrella", "Una Umbrella", Role.SENIOR_LEADER),
]


@dataclass
class Demo:
    force: Force
    now: dt.datetime
    teams: list[Team] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)

    def viewer(self, login: str, role: str) -> Viewer:
        from wellgate.people.queries import current_roles

        person = self.people[login]
        return Viewer(person=person, role=role, roles=current_roles(person))

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)


Builder = Callable[[Demo], None]
BUILDERS: list[Builder] = []


def builder(func: Builder) -> Builder:
    BUILDERS.append(func)
    return func


@functools.cache
def _password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose


def _person(demo: Demo, login: str, name: str) -> Person:
    person = Person.objects.create(
        email=f"{login}@{DOMAIN}",
        password=_password_hash(),
        full_name=name,
        force=demo.force,
        is_demo=True,
    )
    demo.people[login] = person
    return person


def _grant(person: Person, role: str, team: Team | None, since: dt.datetime) -> None:
    RoleGrant.objects.create(person=person, role=role, team=team, starts_at=since)


@builder
def build_people(demo: Demo) -> None:
    start = demo.at(2000)
    for name in TEAM_NAMES:
        demo.teams.append(Team.objects.create(force=demo.force, name=name))
    for login, name, role in FORCE_ROLES:
        _grant(_person(demo, login, name), role, None, start)
    for login, name, team in SUPERVISORS:
        _grant(_person(demo, login, name), Role.SUPERVISOR, demo.teams[team], start)
    for login, name, team in MENTORS:
        _grant(_person(demo, login, name), Role.MENTOR, demo.teams[team], start)
    # Sam supervises and is also an accredited mentor: two roles to switch between.
    _grant(demo.people["sam.supervisor"], Role.MENTOR, demo.teams[0], start)
    admin = demo.viewer("ada.admin", Role.ADMINISTRATOR)
    for login, name, team, supervisor, days in OFFICERS:
        person = _person(demo, login, name)
        _grant(person, Role.OFFICER, demo.teams[team], demo.at(days))
        with clock.frozen_at(demo.at(days)):
            people.supervisor_set(by=admin, officer=person, supervisor=demo.people[supervisor])
    # Supervisor history: Olivia moved from Sky to Sam a year ago.
    with clock.frozen_at(demo.at(365)):
        people.supervisor_set(
            by=admin,
            officer=demo.people["olivia.officer"],
            supervisor=demo.people["sam.supervisor"],
        )


@builder
def build_policy(demo: Demo) -> None:
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)
    with clock.frozen_at(demo.at(400)):
        policy_update(
            by=welfare,
            force=demo.force,
            settings=PolicySettings(),
            reason="Adopted the Wellgate defaults.",
        )
    with clock.frozen_at(demo.at(90)):
        # Ofcom's drama numbers (01632 960xxx): fictional, like everything in the demo.
        contacts = [
            {
                "name": "Northmoor Occupational Health (psychological assessments)",
                "detail": "01632 960 101",
            },
            {"name": "Employee assistance programme (24 hours)", "detail": "01632 960 202"},
            {"name": "Samaritans (24 hours, free)", "detail": "116 123"},
            {"name": "Emergency", "detail": "999"},
        ]
        settings = PolicySettings.from_dict(
            {**PolicySettings().to_dict(), "idle_timeout_minutes": 20, "support_contacts": contacts}
        )
        policy_update(
            by=welfare,
            force=demo.force,
            settings=settings,
            reason="Support contacts filled in; shorter idle sign-out agreed with information security.",
        )


@builder
def build_access_history(demo: Demo) -> None:
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)
    sam = demo.viewer("sam.supervisor", Role.SUPERVISOR)
    for days, viewer, login, what in (
        (40, sam, "olivia.officer", "pathway.view"),
        (21, welfare, "olivia.officer", "obligations.view"),
        (3, welfare, "nico.newjoiner", "pathway.view"),
        (2, sam, "nico.newjoiner", "pathway.view"),
    ):
        with clock.frozen_at(demo.at(days)):
            people.access_log_record(viewer=viewer, subject=demo.people[login], what=what)


@builder
def build_other_force(demo: Demo) -> None:
    """A second, separate force: nothing of it may ever show in the first."""
    with clock.frozen_at(demo.at(500)):
        other, admin, _ = people.force_create(
            name=OTHER_FORCE,
            admin_email="eve.admin@eastvale.example",
            admin_name="Eve Admin",
            by=None,
        )
        admin.set_password(DEMO_PASSWORD)
        admin.is_demo = True
        admin.must_change_password = False  # the demo password is published, not one-time
        admin.save()
        team = Team.objects.create(force=other, name="Eastvale POLIT")
        for login, name in (("ezra.officer", "Ezra Officer"), ("erin.officer", "Erin Officer")):
            person = Person.objects.create(
                email=f"{login}@eastvale.example",
                password=_password_hash(),
                full_name=name,
                force=other,
                is_demo=True,
            )
            _grant(person, Role.OFFICER, team, demo.at(500))


def demo_exists() -> bool:
    return Force.objects.filter(name=DEMO_FORCE).exists()


@transaction.atomic
def build(now: dt.datetime | None = None) -> Demo:
    """Create the demo force (and a second force) as of ``now``."""
    now = now or clock.now()
    force = Force.objects.create(name=DEMO_FORCE, slug="northmoor")
    demo = Demo(force=force, now=now)
    for build_step in BUILDERS:
        build_step(demo)
    return demo


# Pathways are walked first: the support demo then opens today's flags, which would block them.
from wellgate.demo import pathway_demo  # noqa: E402,F401

# isort: split
from wellgate.demo import support_demo  # noqa: E402,F401

# isort: split
# Moves last: they happen after the support history, which must not contradict them.
from wellgate.demo import moves_demo  # noqa: E402,F401

# isort: split
# Check-ins after everything else: their flags would block the pathways walked above.
from wellgate.demo import checkins_demo  # noqa: E402,F401

# isort: split
# Exposure after the pathways: its sessions are checked against the clearance they reached.
from wellgate.demo import exposure_demo  # noqa: E402,F401
