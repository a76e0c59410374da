"""Writes about forces, teams, people, roles and tokens. Each is one transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from wellgate import clock
from wellgate.errors import SingleRefusal
from wellgate.people.access import Viewer, can
from wellgate.people.models import (
    AccessLogEntry,
    ApiToken,
    Force,
    LineManagement,
    MentorAssignment,
    Person,
    Role,
    RoleGrant,
    Team,
    TokenScope,
)


class PeopleRefused(SingleRefusal):
    """A refused write: ``code`` is stable, ``message`` says what to fix, ``field`` names the input."""


def _require(viewer: Viewer, action: str, subject: object = None) -> None:
    if not can(viewer, action, subject):
        raise PeopleRefused("access.denied", "You do not have access to do this.")


def access_log_record(*, viewer: Viewer, subject: Person, what: str) -> None:
    """Record that ``viewer`` read part of ``subject``'s welfare record (not their own)."""
    if viewer.person.pk == subject.pk:
        return
    AccessLogEntry.objects.create(
        force_id=subject.force_id,
        viewer=viewer.person,
        viewer_role=viewer.role,
        subject=subject,
        what=what,
        at=clock.now(),
    )


@transaction.atomic
def force_create(
    *, name: str, admin_email: str, admin_name: str, by: Viewer | None
) -> tuple[Force, Person, str]:
    """A new force with its first administrator; returns the one-time password."""
    if by is not None:
        _require(by, "forces.manage")
    name = name.strip()
    if not name:
        raise PeopleRefused("force.name_missing", "Give the force a name.", "name")
    if Force.objects.filter(name__iexact=name).exists():
        raise PeopleRefused("force.name_taken", f"A force called “{name}” already exists.", "name")
    slug = slugify(name)[:60] or "force"
    base, n = slug, 2
    while Force.objects.filter(slug=slug).exists():
        slug, n = f"{base[:55]}-{n}", n + 1
    force = Force.objects.create(name=name, slug=slug)
    password = secrets.token_urlsafe(12)
    admin = _person_create(
        force=force, email=admin_email, full_name=admin_name, password=password, by=None
    )
    RoleGrant.objects.create(person=admin, role=Role.ADMINISTRATOR, starts_at=clock.now())
    return force, admin, password


@transaction.atomic
def team_create(*, by: Viewer, name: str) -> Team:
    _require(by, "people.manage")
    name = name.strip()
    if not name:
        raise PeopleRefused("team.name_missing", "Give the team a name.", "name")
    if Team.objects.filter(force_id=by.force_id, name__iexact=name).exists():
        raise PeopleRefused(
            "team.name_taken", f"Your force already has a team called “{name}”.", "name"
        )
    return Team.objects.create(force_id=by.force_id, name=name)


def _person_create(
    *, force: Force, email: str, full_name: str, password: str | None, by: Viewer | None
) -> Person:
    email = email.strip().lower()
    if not full_name.strip():
        raise PeopleRefused("person.name_missing", "Enter the person's full name.", "full_name")
    if Person.objects.filter(email__iexact=email).exists():
        raise PeopleRefused("person.email_taken", f"{email} already has an account.", "email")
    try:
        with transaction.atomic():
            return Person.objects.create_user(
                email=email, password=password, full_name=full_name.strip(), force=force
            )
    except IntegrityError as exc:
        raise PeopleRefused(
            "person.email_taken", f"{email} already has an account.", "email"
        ) from exc


@dataclass(frozen=True)
class NewPerson:
    person: Person
    password: str


@transaction.atomic
def person_create(
    *, by: Viewer, email: str, full_name: str, role: str, team: Team | None
) -> NewPerson:
    """Create an account in the administrator's force, with a first role and a one-time password."""
    _require(by, "people.manage")
    password = secrets.token_urlsafe(12)
    person = _person_create(
        force=by.person.force, email=email, full_name=full_name, password=password, by=by
    )
    role_grant(by=by, person=person, role=role, team=team)
    return NewPerson(person, password)


@transaction.atomic
def person_update(
    *, by: Viewer, person: Person, full_name: str, email: str, is_active: bool
) -> Person:
    _require(by, "person.manage", person)
    email = email.strip().lower()
    if Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise PeopleRefused("person.email_taken", f"{email} already has an account.", "email")
    if person.pk == by.person.pk and not is_active:
        raise PeopleRefused(
            "person.self_deactivate", "You cannot deactivate your own account.", "is_active"
        )
    person.full_name, person.email, person.is_active = full_name.strip(), email, is_active
    person.save(update_fields=["full_name", "email", "is_active"])
    return person


@transaction.atomic
def role_grant(*, by: Viewer, person: Person, role: str, team: Team | None) -> RoleGrant:
    """Give ``person`` a role; team roles need a team of the same force."""
    _require(by, "person.manage", person)
    if role not in Role.values:
        raise PeopleRefused(
            "role.unknown",
            f"“{role}” is not a role; choose one of {', '.join(Role.values)}.",
            "role",
        )
    from wellgate.people.models import TEAM_ROLES

    if role in TEAM_ROLES and team is None:
        raise PeopleRefused(
            "role.team_required",
            f"Choose the team this {Role(role).label.lower()} belongs to.",
            "team",
        )
    if team is not None and team.force_id != person.force_id:
        raise PeopleRefused("role.team_force", "Choose a team of this person's force.", "team")
    if role not in TEAM_ROLES:
        team = None
    if RoleGrant.objects.current().filter(person=person, role=role, team=team).exists():
        raise PeopleRefused("role.duplicate", "This person already has that role.", "role")
    return RoleGrant.objects.create(
        person=person, role=role, team=team, starts_at=clock.now(), granted_by=by.person
    )


@transaction.atomic
def role_end(*, by: Viewer, grant: RoleGrant) -> None:
    """End a role grant (history kept)."""
    _require(by, "person.manage", grant.person)
    if grant.ends_at is not None:
        return
    if grant.person_id == by.person.pk and grant.role == Role.ADMINISTRATOR:
        raise PeopleRefused(
            "role.self_admin", "Another administrator must remove your administrator role."
        )
    grant.ends_at = clock.now()
    grant.save(update_fields=["ends_at"])


@transaction.atomic
def supervisor_set(*, by: Viewer, officer: Person, supervisor: Person | None) -> None:
    """Make ``supervisor`` the officer's line manager from now; the previous one is kept as history."""
    _require(by, "person.manage", officer)
    now = clock.now()
    if supervisor is not None:
        if supervisor.force_id != officer.force_id:
            raise PeopleRefused(
                "line.force", "Choose a supervisor from the same force.", "supervisor"
            )
        if supervisor.pk == officer.pk:
            raise PeopleRefused("line.self", "Nobody can supervise themselves.", "supervisor")
        if not RoleGrant.objects.current().filter(person=supervisor, role=Role.SUPERVISOR).exists():
            raise PeopleRefused(
                "line.not_supervisor",
                f"{supervisor} does not have the supervisor role.",
                "supervisor",
            )
    current = LineManagement.objects.current().select_for_update().filter(officer=officer)
    if supervisor is not None and current.filter(supervisor=supervisor).exists():
        return
    current.update(ends_at=now)
    if supervisor is not None:
        LineManagement.objects.create(
            officer=officer, supervisor=supervisor, starts_at=now, recorded_by=by.person
        )


@transaction.atomic
def mentor_set(*, by: Viewer, officer: Person, mentor: Person | None) -> None:
    """Assign (or end) the officer's mentor; history is kept."""
    if not (can(by, "person.manage", officer) or can(by, "pathway.record", officer)):
        raise PeopleRefused("access.denied", "You do not have access to do this.")
    now = clock.now()
    if mentor is not None:
        if mentor.force_id != officer.force_id or mentor.pk == officer.pk:
            raise PeopleRefused(
                "mentor.invalid", "Choose a mentor from the same force, not the officer.", "mentor"
            )
        if not RoleGrant.objects.current().filter(person=mentor, role=Role.MENTOR).exists():
            raise PeopleRefused(
                "mentor.not_mentor", f"{mentor} does not have the mentor role.", "mentor"
            )
    current = MentorAssignment.objects.current().select_for_update().filter(officer=officer)
    if mentor is not None and current.filter(mentor=mentor).exists():
        return
    current.update(ends_at=now)
    if mentor is not None:
        MentorAssignment.objects.create(
            officer=officer, mentor=mentor, starts_at=now, recorded_by=by.person
        )


@transaction.atomic
def officer_leave_team(*, by: Viewer, officer: Person) -> int:
    """The officer has left the team: from now they hold no officer role, and their line
    management and mentoring end. Nothing is deleted (the history stays); returns how many
    records were ended.

    For the officer's supervisor or the welfare lead (who record a move out of the team) and
    for an administrator.
    """
    if not (can(by, "person.manage", officer) or can(by, "pathway.decide", officer)):
        raise PeopleRefused("access.denied", "You do not have access to do this.")
    now = clock.now()
    ended = (
        RoleGrant.objects.current(now).filter(person=officer, role=Role.OFFICER).update(ends_at=now)
    )
    ended += LineManagement.objects.current(now).filter(officer=officer).update(ends_at=now)
    ended += MentorAssignment.objects.current(now).filter(officer=officer).update(ends_at=now)
    return ended


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, person: Person, name: str, scope: str, role: str, is_service: bool = False
) -> tuple[ApiToken, str]:
    """Create an API token acting as ``person`` in ``role``; returns the secret (shown once)."""
    if scope not in TokenScope.values:
        raise PeopleRefused("token.scope", "Scope must be read or write.", "scope")
    if not RoleGrant.objects.current().filter(person=person, role=role).exists():
        raise PeopleRefused("token.role", f"{person} does not hold the role “{role}”.", "role")
    if not name.strip():
        raise PeopleRefused(
            "token.name", "Give the token a name, for example the workstation it is for.", "name"
        )
    secret = "wg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name.strip()[:80],
        scope=scope,
        role=role,
        is_service=is_service,
        prefix=secret[:10],
        digest=_digest(secret),
        created_at=clock.now(),
    )
    return token, secret


def token_authenticate(secret: str) -> ApiToken | None:
    """The live token for ``secret``; records when it was last used."""
    token = (
        ApiToken.objects.select_related("person", "person__force")
        .filter(digest=_digest(secret), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is not None:
        now = clock.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def token_revoke(*, by: Viewer, token: ApiToken) -> None:
    if token.person_id != by.person.pk:
        raise PeopleRefused("access.denied", "You can revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


def access_log_record_many(*, viewer: Viewer, subjects: Iterable[Person], what: str) -> None:
    """Record that ``viewer`` read part of several people's welfare records (a list page)."""
    now = clock.now()
    others = {s.pk: s for s in subjects if s.pk != viewer.person.pk}
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            force_id=s.force_id,
            viewer=viewer.person,
            viewer_role=viewer.role,
            subject=s,
            what=what,
            at=now,
        )
        for s in others.values()
    )
