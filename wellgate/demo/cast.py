"""The demo's cast of fictional people, and the ``Demo`` every builder step adds to."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from wellgate.people.access import Viewer
from wellgate.people.models import Force, Person, Role, Team
from wellgate.people.queries import current_roles

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
        person = self.people[login]
        return Viewer(person=person, role=role, roles=current_roles(person))

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)


# One step of the build: writes part of the demo through the services.
Builder = Callable[[Demo], None]


@functools.cache
def password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
