"""Test data builders: every test makes what it needs in a line or two."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from wellgate import clock
from wellgate.errors import Refused
from wellgate.people.access import Viewer
from wellgate.people.middleware import SESSION_ROLE
from wellgate.people.models import (
    Force,
    LineManagement,
    MentorAssignment,
    Person,
    Role,
    RoleGrant,
    Team,
)
from wellgate.people.queries import current_roles

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def refused(*call_and_args: Any, **kwargs: Any) -> Refused:
    """The refusal ``call(*args, **kwargs)`` raises, failing the test if it does not refuse.

    ``refused(call, ...)``, or ``refused(code, call, ...)`` to require that one code too.
    """
    code: str | None = None
    if isinstance(call_and_args[0], str):
        code, *rest = call_and_args
        call_and_args = tuple(rest)
    call: Callable[..., object] = call_and_args[0]
    with pytest.raises(Refused) as caught:
        call(*call_and_args[1:], **kwargs)
    if code is not None:
        assert caught.value.codes == [code], caught.value.details
    return caught.value


def make_force(name: str | None = None) -> Force:
    n = next(_seq)
    return Force.objects.create(name=name or f"Test Force {n}", slug=f"test-force-{n}")


def make_team(force: Force, name: str | None = None) -> Team:
    return Team.objects.create(force=force, name=name or f"Team {next(_seq)}")


def make_person(
    force: Force,
    role: str | None = Role.OFFICER,
    team: Team | None = None,
    name: str | None = None,
    is_demo: bool = True,
) -> Person:
    n = next(_seq)
    person = Person.objects.create_user(
        email=f"person{n}@example.test",
        password=PASSWORD,
        full_name=name or f"Person {n}",
        force=force,
        is_demo=is_demo,
    )
    if role:
        grant(person, role, team)
    return person


def grant(person: Person, role: str, team: Team | None = None) -> RoleGrant:
    if role in (Role.OFFICER, Role.SUPERVISOR, Role.MENTOR) and team is None:
        team = Team.objects.filter(force=person.force).first() or make_team(person.force)
    return RoleGrant.objects.create(person=person, role=role, team=team, starts_at=clock.now())


def supervise(officer: Person, supervisor: Person) -> LineManagement:
    return LineManagement.objects.create(
        officer=officer, supervisor=supervisor, starts_at=clock.now()
    )


def mentor(officer: Person, mentor_person: Person) -> MentorAssignment:
    return MentorAssignment.objects.create(
        officer=officer, mentor=mentor_person, starts_at=clock.now()
    )


def viewer(person: Person, role: str | None = None) -> Viewer:
    roles = current_roles(person)
    return Viewer(person=person, role=role or roles[0], roles=roles)


def login(client: Client, person: Person, role: str | None = None) -> Client:
    client.force_login(person)
    if role:
        session = client.session
        session[SESSION_ROLE] = role
        session.save()
    return client


@dataclass
class World:
    """One force with two teams and every role, plus a second force.

    ``officer`` is supervised by ``supervisor`` and mentored by ``mentor``;
    ``other_officer`` is in another team with another supervisor;
    ``foreign_officer`` belongs to another force.
    """

    force: Force
    team: Team
    other_team: Team
    officer: Person
    supervisor: Person
    mentor: Person
    welfare_lead: Person
    senior_leader: Person
    administrator: Person
    other_officer: Person
    other_supervisor: Person
    other_force: Force
    foreign_officer: Person
    foreign_welfare_lead: Person

    def by_role(self, role: str) -> Person:
        return getattr(self, role)


def make_world() -> World:
    force = make_force("Northshire Police")
    team, other_team = make_team(force, "Alpha"), make_team(force, "Bravo")
    officer = make_person(force, Role.OFFICER, team, "Olive Officer")
    supervisor = make_person(force, Role.SUPERVISOR, team, "Sid Supervisor")
    mentor_person = make_person(force, Role.MENTOR, team, "Mo Mentor")
    welfare_lead = make_person(force, Role.WELFARE_LEAD, None, "Wyn Welfare")
    senior_leader = make_person(force, Role.SENIOR_LEADER, None, "Sal Senior")
    administrator = make_person(force, Role.ADMINISTRATOR, None, "Adi Admin")
    other_officer = make_person(force, Role.OFFICER, other_team, "Otto Other")
    other_supervisor = make_person(force, Role.SUPERVISOR, other_team, "Oona Sergeant")
    supervise(officer, supervisor)
    mentor(officer, mentor_person)
    supervise(other_officer, other_supervisor)
    other_force = make_force("Southshire Police")
    foreign_team = make_team(other_force, "Charlie")
    foreign_officer = make_person(other_force, Role.OFFICER, foreign_team, "Fen Foreign")
    foreign_welfare_lead = make_person(other_force, Role.WELFARE_LEAD, None, "Fay Foreign")
    return World(
        force,
        team,
        other_team,
        officer,
        supervisor,
        mentor_person,
        welfare_lead,
        senior_leader,
        administrator,
        other_officer,
        other_supervisor,
        other_force,
        foreign_officer,
        foreign_welfare_lead,
    )


def make_obligation(
    officer: Person, kind: str = "one_to_one", due_on: object = None, state: str = "due"
):  # type: ignore[no-untyped-def]
    """An obligation stored directly (planning has its own tests)."""
    from wellgate.support.models import Obligation

    due = due_on or clock.today()
    return Obligation.objects.create(
        force=officer.force,
        officer=officer,
        kind=kind,
        key=f"{kind}:test-{next(_seq)}",
        due_on=due,
        effective_due_on=due,
        state=state,
        created_at=clock.now(),
    )


def make_flag(officer: Person, severity: str = "amber", owner: Person | None = None):  # type: ignore[no-untyped-def]
    """An open flag stored directly, owned by ``owner`` (default: nobody)."""
    from wellgate.flags.models import Flag

    return Flag.objects.create(
        force=officer.force,
        officer=officer,
        source="observation",
        severity=severity,
        owner=owner,
        opened_at=clock.now(),
    )


def make_checkin(
    officer: Person,
    instrument_id: str = "pulse",
    answers: dict[str, int] | None = None,
    shared: bool | None = None,
):  # type: ignore[no-untyped-def]
    """A check-in taken by ``officer`` through the service (all lowest answers by default)."""
    from wellgate.checkins import catalogue
    from wellgate.checkins.services import checkin_submit

    instrument = catalogue.instrument(instrument_id)
    assert instrument is not None
    if answers is None:
        answers = {it.id: min(it.values) for it in instrument.items}
    return checkin_submit(
        by=viewer(officer, Role.OFFICER),
        instrument_id=instrument_id,
        answers=answers,
        share_with_welfare_lead=shared,
    )


def make_policy_proposal(proposer: Person, role: str = Role.WELFARE_LEAD, k: int = 3):  # type: ignore[no-untyped-def]
    """A pending loosening policy change (a smaller k) proposed by ``proposer``."""
    import dataclasses

    from wellgate.policy.queries import current
    from wellgate.policy.services import policy_propose

    settings = dataclasses.replace(current(proposer.force_id), k_anonymity=k)
    return policy_propose(
        by=viewer(proposer, role), force=proposer.force, settings=settings, reason="Smaller k"
    )
