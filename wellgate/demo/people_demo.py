"""Demo people: the force's teams, roles and line management, a little access history, and a
second force whose data must never show in the first."""

from __future__ import annotations

import datetime as dt

from wellgate import clock
from wellgate.demo.cast import (
    DEMO_PASSWORD,
    DOMAIN,
    FORCE_ROLES,
    MENTORS,
    OFFICERS,
    OTHER_FORCE,
    SUPERVISORS,
    TEAM_NAMES,
    Demo,
    password_hash,
)
from wellgate.people import services as people
from wellgate.people.models import Person, Role, RoleGrant, Team


def _person(demo: Demo, login: str, name: str) -> Person:
    person = Person.objects.create(
        email=f"{login}@{DOMAIN}",
        password=password_hash(),
        full_name=name,
        force=demo.force,
        is_demo=True,
    )
    demo.people[login] = person
    return person


def _grant(person: Person, role: str, team: Team | None, since: dt.datetime) -> None:
    RoleGrant.objects.create(person=person, role=role, team=team, starts_at=since)


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
                password=password_hash(),
                full_name=name,
                force=other,
                is_demo=True,
            )
            _grant(person, Role.OFFICER, team, demo.at(500))
