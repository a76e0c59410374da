"""Writes about forces, teams, people, roles and tokens. Each is one transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from wellgate import clock
from wellgate.errors import Refused
from wellgate.people import mail
from wellgate.people.access import Viewer, can
from wellgate.people.models import (
    APPROVAL_ROLES,
    TEAM_ROLES,
    AccessLogEntry,
    ApiToken,
    Force,
    LineManagement,
    MentorAssignment,
    Person,
    Role,
    RoleGrant,
    RoleRequest,
    RoleRequestState,
    Team,
    TokenScope,
)


def _require(viewer: Viewer, action: str, subject: object = None) -> None:
    if not can(viewer, action, subject):
        raise Refused.one("access.denied", "You do not have access to do this.")


def access_log_record(*, viewer: Viewer, subject: Person, what: str) -> None:
    """Record that ``viewer`` read part of ``subject``'s welfare record.

    One's own reads are not logged, except in a session marked ``after_admin_reset``: there
    the reader may not be the officer at all, so every read is logged and marked.
    """
    if viewer.person.pk == subject.pk and not viewer.after_admin_reset:
        return
    AccessLogEntry.objects.create(
        force_id=subject.force_id,
        viewer=viewer.person,
        viewer_role=viewer.role,
        subject=subject,
        what=what,
        at=clock.now(),
        after_admin_reset=viewer.after_admin_reset,
    )


@transaction.atomic
def force_create(
    *, name: str, admin_email: str, admin_name: str, by: Viewer | None
) -> tuple[Force, Person, str]:
    """A new force with its first administrator; returns the one-time password, which must be
    changed at first sign-in.

    Only the platform operator creates forces (``wellgate create_force``, ``by=None``): a
    person acting in a force's role never does, whatever the role.
    """
    if by is not None:
        raise Refused.one(
            "force.platform_only",
            "Forces are created by the platform operator, not from inside a force.",
        )
    name = name.strip()
    if not name:
        raise Refused.one("force.name_missing", "Give the force a name.", "name")
    if Force.objects.filter(name__iexact=name).exists():
        raise Refused.one("force.name_taken", f"A force called “{name}” already exists.", "name")
    slug = slugify(name)[:60] or "force"
    base, n = slug, 2
    while Force.objects.filter(slug=slug).exists():
        slug, n = f"{base[:55]}-{n}", n + 1
    force = Force.objects.create(name=name, slug=slug)
    password = secrets.token_urlsafe(12)
    admin = _person_create(
        force=force, email=admin_email, full_name=admin_name, password=password, by=None
    )
    # The platform operator's grant is the force's first: there is nobody yet to approve it.
    RoleGrant.objects.create(person=admin, role=Role.ADMINISTRATOR, starts_at=clock.now())
    return force, admin, password


@transaction.atomic
def team_create(*, by: Viewer, name: str) -> Team:
    _require(by, "people.manage")
    name = name.strip()
    if not name:
        raise Refused.one("team.name_missing", "Give the team a name.", "name")
    if Team.objects.filter(force_id=by.force_id, name__iexact=name).exists():
        raise Refused.one(
            "team.name_taken", f"Your force already has a team called “{name}”.", "name"
        )
    return Team.objects.create(force_id=by.force_id, name=name)


def _person_create(
    *, force: Force, email: str, full_name: str, password: str | None, by: Viewer | None
) -> Person:
    email = email.strip().lower()
    if not full_name.strip():
        raise Refused.one("person.name_missing", "Enter the person's full name.", "full_name")
    if _email_taken(email):
        raise Refused.one("person.email_taken", f"{email} already has an account.", "email")
    try:
        with transaction.atomic():
            # Someone else chose this password: it works once, to set one's own.
            return Person.objects.create_user(
                email=email,
                password=password,
                full_name=full_name.strip(),
                force=force,
                must_change_password=True,
            )
    except IntegrityError as exc:
        raise Refused.one(
            "person.email_taken", f"{email} already has an account.", "email"
        ) from exc


def _email_taken(email: str, *, but: Person | None = None) -> bool:
    """Is ``email`` somebody's sign-in address, or an address waiting for confirmation?"""
    people = Person.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if but is not None:
        people, addresses = people.exclude(pk=but.pk), addresses.exclude(user_id=but.pk)
    return people.exists() or addresses.exists()


@dataclass(frozen=True)
class NewPerson:
    person: Person
    password: str
    # The first role, when it waits for a second person's approval.
    role_request: RoleRequest | None = None


@transaction.atomic
def person_create(
    *, by: Viewer, email: str, full_name: str, role: str, team: Team | None
) -> NewPerson:
    """Create an account in the administrator's force, with a first role and a one-time
    password that must be changed at first sign-in. A first role that reads welfare records
    waits for a second person (see ``role_grant``)."""
    _require(by, "people.manage")
    password = secrets.token_urlsafe(12)
    person = _person_create(
        force=by.person.force, email=email, full_name=full_name, password=password, by=by
    )
    granted = role_grant(by=by, person=person, role=role, team=team)
    return NewPerson(person, password, granted if isinstance(granted, RoleRequest) else None)


def _pending_email(person: Person) -> EmailAddress | None:
    """The address an administrator set that its owner has not confirmed yet."""
    return (
        EmailAddress.objects.filter(user=person, verified=False)
        .exclude(email__iexact=person.email)
        .first()
    )


def _email_change_request(*, person: Person, email: str) -> None:
    """The new address is used once its owner confirms it (allauth's e-mail verification);
    until then sign-in and password resets keep using the current one. Both are told."""
    old = person.email
    EmailAddress.objects.filter(user=person).exclude(email__iexact=old).delete()
    EmailAddress.objects.update_or_create(
        user=person, email=old, defaults={"verified": True, "primary": True}
    )
    address = EmailAddress.objects.create(user=person, email=email, verified=False, primary=False)
    person.email_changed_by_admin_at = clock.now()
    # After the commit: a refused or rolled-back change tells nobody anything.
    transaction.on_commit(lambda: mail.email_change_requested(address_id=address.pk, old=old))


@transaction.atomic
def person_update(
    *, by: Viewer, person: Person, full_name: str, email: str, is_active: bool
) -> Person:
    """Change a person's name, sign-in address or whether the account is active.

    A new address is not used at once: both addresses are told, and it replaces the current
    one when its owner confirms it. Saving the current address again calls a pending change off.
    Deactivating an officer's account is their leaving the team (``membership_end``).
    """
    _require(by, "person.manage", person)
    email = email.strip().lower()
    if _email_taken(email, but=person):
        raise Refused.one("person.email_taken", f"{email} already has an account.", "email")
    if person.pk == by.person.pk and not is_active:
        raise Refused.one(
            "person.self_deactivate", "You cannot deactivate your own account.", "is_active"
        )
    leaving = person.is_active and not is_active and _is_member(person)
    person.full_name, person.is_active = full_name.strip(), is_active
    fields = ["full_name", "is_active"]
    pending = _pending_email(person)
    if email == person.email.lower():
        if pending is not None:
            pending.delete()
    elif pending is None or pending.email.lower() != email:
        _email_change_request(person=person, email=email)
        fields.append("email_changed_by_admin_at")
    person.save(update_fields=fields)
    if leaving:
        membership_end(officer=person, by=by, reason="The account was deactivated.")
    return person


def _grant_checked(*, person: Person, role: str, team: Team | None) -> Team | None:
    """Refuse a grant that cannot be held; returns the team it is for (None: whole force)."""
    if role not in Role.values:
        raise Refused.one(
            "role.unknown",
            f"“{role}” is not a role; choose one of {', '.join(Role.values)}.",
            "role",
        )
    if role in TEAM_ROLES and team is None:
        raise Refused.one(
            "role.team_required",
            f"Choose the team this {Role(role).label.lower()} belongs to.",
            "team",
        )
    if team is not None and team.force_id != person.force_id:
        raise Refused.one("role.team_force", "Choose a team of this person's force.", "team")
    if role not in TEAM_ROLES:
        team = None
    if RoleGrant.objects.current().filter(person=person, role=role, team=team).exists():
        raise Refused.one("role.duplicate", "This person already has that role.", "role")
    return team


@transaction.atomic
def role_grant(
    *, by: Viewer, person: Person, role: str, team: Team | None
) -> RoleGrant | RoleRequest:
    """Give ``person`` a role; team roles need a team of the same force.

    Nobody gives themself a role. A role that reads other people's welfare records, or may
    approve such a grant (``APPROVAL_ROLES``), is not given at once: it is recorded as a
    pending ``RoleRequest`` and takes effect when a second person approves it
    (``role_request_approve``). Other roles are granted at once.
    """
    _require(by, "person.manage", person)
    if person.pk == by.person.pk:
        raise Refused.one(
            "role.self_grant",
            "Nobody can give themself a role: ask another administrator.",
            "role",
        )
    team = _grant_checked(person=person, role=role, team=team)
    if role in APPROVAL_ROLES:
        if RoleRequest.objects.filter(
            person=person, role=role, team=team, state=RoleRequestState.PENDING
        ).exists():
            raise Refused.one(
                "role.request_pending", "This role is already waiting for approval.", "role"
            )
        return RoleRequest.objects.create(
            person=person, role=role, team=team, requested_by=by.person, requested_at=clock.now()
        )
    return RoleGrant.objects.create(
        person=person, role=role, team=team, starts_at=clock.now(), granted_by=by.person
    )


def _locked_pending(request: RoleRequest) -> RoleRequest:
    locked = RoleRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if locked.state != RoleRequestState.PENDING:
        raise Refused.one(
            "role_request.decided",
            f"This request was already {locked.get_state_display().lower()}.",
        )
    return locked


def _require_approver(by: Viewer, request: RoleRequest) -> None:
    if not can(by, "grants.approve", request.person.force):
        raise Refused.one("access.denied", "You do not have access to do this.")
    if request.person_id == by.person.pk:
        raise Refused.one(
            "role_request.grantee", "Nobody approves a role for themself: a second person must."
        )
    if request.requested_by_id == by.person.pk:
        raise Refused.one(
            "role_request.own",
            "You asked for this role: a second person must approve it.",
        )


@transaction.atomic
def role_request_approve(*, by: Viewer | None, request: RoleRequest) -> RoleGrant:
    """Approve a pending role grant: the role is held from now.

    For a second person of the force acting as administrator, welfare lead or senior leader;
    never the one who asked, never the grantee. ``by=None`` is the platform operator
    (``wellgate role_requests approve``), who starts a force that has nobody else yet.
    """
    request = _locked_pending(request)
    if by is not None:
        _require_approver(by, request)
    if not request.person.is_active:
        raise Refused.one("role_request.inactive", f"{request.person}'s account is deactivated.")
    team = _grant_checked(person=request.person, role=request.role, team=request.team)
    now = clock.now()
    grant = RoleGrant.objects.create(
        person=request.person,
        role=request.role,
        team=team,
        starts_at=now,
        granted_by=request.requested_by,
    )
    request.state, request.decided_at = RoleRequestState.APPROVED, now
    request.decided_by = by.person if by is not None else None
    request.grant = grant
    request.save(update_fields=["state", "decided_by", "decided_at", "grant"])
    return grant


@transaction.atomic
def role_request_decline(*, by: Viewer, request: RoleRequest) -> RoleRequest:
    """Turn down a pending role grant (an approver), or withdraw it (the one who asked)."""
    request = _locked_pending(request)
    if request.requested_by_id == by.person.pk and can(by, "person.manage", request.person):
        request.state = RoleRequestState.WITHDRAWN
    else:
        _require_approver(by, request)
        request.state = RoleRequestState.DECLINED
    request.decided_by, request.decided_at = by.person, clock.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    return request


@transaction.atomic
def role_end(*, by: Viewer, grant: RoleGrant) -> None:
    """End a role grant (history kept). Ending someone's last officer role is their leaving
    the team (``membership_end``)."""
    _require(by, "person.manage", grant.person)
    if grant.ends_at is not None:
        return
    if grant.person_id == by.person.pk and grant.role == Role.ADMINISTRATOR:
        raise Refused.one(
            "role.self_admin", "Another administrator must remove your administrator role."
        )
    grant.ends_at = clock.now()
    grant.save(update_fields=["ends_at"])
    if grant.role == Role.OFFICER and not _is_member(grant.person):
        # Their last officer role: they have left the team, with all that follows.
        membership_end(
            officer=grant.person, by=by, reason="The officer role was ended by an administrator."
        )


@transaction.atomic
def supervisor_set(*, by: Viewer, officer: Person, supervisor: Person | None) -> None:
    """Make ``supervisor`` the officer's line manager from now; the previous one is kept as history."""
    _require(by, "person.manage", officer)
    now = clock.now()
    if supervisor is not None:
        if supervisor.force_id != officer.force_id:
            raise Refused.one(
                "line.force", "Choose a supervisor from the same force.", "supervisor"
            )
        if supervisor.pk == officer.pk:
            raise Refused.one("line.self", "Nobody can supervise themselves.", "supervisor")
        if not RoleGrant.objects.current().filter(person=supervisor, role=Role.SUPERVISOR).exists():
            raise Refused.one(
                "line.not_supervisor",
                f"{supervisor} does not have the supervisor role.",
                "supervisor",
            )
    current = LineManagement.objects.current().select_for_update().filter(officer=officer)
    if supervisor is not None and current.filter(supervisor=supervisor).exists():
        return
    if supervisor is not None and supervisor.pk == by.person.pk:
        # A supervisor reads their reports' notes: nobody appoints themself to that.
        raise Refused.one(
            "line.self_appoint",
            "You cannot make yourself someone's supervisor: ask another administrator.",
            "supervisor",
        )
    current.update(ends_at=now)
    if supervisor is not None:
        LineManagement.objects.create(
            officer=officer, supervisor=supervisor, starts_at=now, recorded_by=by.person
        )


@transaction.atomic
def mentor_set(*, by: Viewer, officer: Person, mentor: Person | None) -> None:
    """Assign (or end) the officer's mentor; history is kept."""
    if not (can(by, "person.manage", officer) or can(by, "pathway.record", officer)):
        raise Refused.one("access.denied", "You do not have access to do this.")
    now = clock.now()
    if mentor is not None:
        if mentor.force_id != officer.force_id or mentor.pk == officer.pk:
            raise Refused.one(
                "mentor.invalid", "Choose a mentor from the same force, not the officer.", "mentor"
            )
        if not RoleGrant.objects.current().filter(person=mentor, role=Role.MENTOR).exists():
            raise Refused.one(
                "mentor.not_mentor", f"{mentor} does not have the mentor role.", "mentor"
            )
    current = MentorAssignment.objects.current().select_for_update().filter(officer=officer)
    if mentor is not None and current.filter(mentor=mentor).exists():
        return
    if mentor is not None and mentor.pk == by.person.pk:
        # A mentor reads their mentees' pathway: nobody appoints themself to that.
        raise Refused.one(
            "mentor.self_appoint",
            "You cannot make yourself someone's mentor: ask their supervisor or an administrator.",
            "mentor",
        )
    current.update(ends_at=now)
    if mentor is not None:
        MentorAssignment.objects.create(
            officer=officer, mentor=mentor, starts_at=now, recorded_by=by.person
        )


# --- Leaving the team: one way out -------------------------------------------------------


class MembershipEndHandler(Protocol):
    def __call__(self, *, officer: Person, by: Viewer, reason: str) -> object: ...


_ON_MEMBERSHIP_END: dict[str, MembershipEndHandler] = {}


def on_membership_end(name: str) -> Callable[[MembershipEndHandler], MembershipEndHandler]:
    """Register ``handler(officer=, by=, reason=)`` to run inside every ``membership_end``.

    Higher apps register theirs from their ``AppConfig.ready()`` (this app may not import
    them): support stops obligations, flags hands open flags over, the pathway closes.
    """

    def deco(handler: MembershipEndHandler) -> MembershipEndHandler:
        _ON_MEMBERSHIP_END[name] = handler
        return handler

    return deco


def membership_end_handlers() -> list[str]:
    """The names of the registered handlers, in the order they run."""
    return list(_ON_MEMBERSHIP_END)


@transaction.atomic
def membership_end(*, officer: Person, by: Viewer, reason: str) -> int:
    """The officer leaves the team: the one path every door goes through (a recorded move,
    an administrator ending the officer role, the account being deactivated).

    From now they hold no officer role and their line management and mentoring end; then
    every registered handler runs in this transaction (obligations stop, open flags go to
    the welfare lead, the pathway records ``left_team``). Nothing is deleted; ``reason`` is
    a sentence kept in the history. Returns how many people records were ended.

    For an administrator, and for the officer's supervisor or the welfare lead (who record a
    move out of the team).
    """
    if not (can(by, "person.manage", officer) or can(by, "pathway.decide", officer)):
        raise Refused.one("access.denied", "You do not have access to do this.")
    now = clock.now()
    ended = (
        RoleGrant.objects.current(now).filter(person=officer, role=Role.OFFICER).update(ends_at=now)
    )
    ended += LineManagement.objects.current(now).filter(officer=officer).update(ends_at=now)
    ended += MentorAssignment.objects.current(now).filter(officer=officer).update(ends_at=now)
    for handler in _ON_MEMBERSHIP_END.values():
        handler(officer=officer, by=by, reason=reason)
    return ended


def _is_member(person: Person) -> bool:
    return RoleGrant.objects.current().filter(person=person, role=Role.OFFICER).exists()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, person: Person, name: str, scope: str, role: str, is_service: bool = False
) -> tuple[ApiToken, str]:
    """Create an API token acting as ``person`` in ``role``; returns the secret (shown once)."""
    if scope not in TokenScope.values:
        raise Refused.one("token.scope", "Scope must be read or write.", "scope")
    if not RoleGrant.objects.current().filter(person=person, role=role).exists():
        raise Refused.one("token.role", f"{person} does not hold the role “{role}”.", "role")
    if not name.strip():
        raise Refused.one(
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
        raise Refused.one("access.denied", "You can revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


def access_log_record_many(*, viewer: Viewer, subjects: Iterable[Person], what: str) -> None:
    """Record that ``viewer`` read part of several people's welfare records (a list page);
    one's own only in a session marked ``after_admin_reset`` (see ``access_log_record``)."""
    now = clock.now()
    others = {s.pk: s for s in subjects if s.pk != viewer.person.pk or viewer.after_admin_reset}
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            force_id=s.force_id,
            viewer=viewer.person,
            viewer_role=viewer.role,
            subject=s,
            what=what,
            at=now,
            after_admin_reset=viewer.after_admin_reset,
        )
        for s in others.values()
    )
