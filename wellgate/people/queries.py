"""Reads about people that pages and the API share."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Count, Prefetch, QuerySet

from wellgate.people.access import Viewer
from wellgate.people.models import (
    AccessLogEntry,
    ApiToken,
    LineManagement,
    MentorAssignment,
    Person,
    Role,
    RoleGrant,
    RoleRequest,
    RoleRequestState,
    Team,
)

# Order in which a person's roles are offered; the first is their landing role.
ROLE_ORDER = [
    Role.OFFICER,
    Role.SUPERVISOR,
    Role.MENTOR,
    Role.WELFARE_LEAD,
    Role.SENIOR_LEADER,
    Role.ADMINISTRATOR,
]


def current_roles(person: Person) -> tuple[str, ...]:
    held = set(RoleGrant.objects.current().filter(person=person).values_list("role", flat=True))
    return tuple(r.value for r in ROLE_ORDER if r.value in held)


def viewer_for(person: Person, wanted_role: str | None = None) -> Viewer | None:
    """The person acting in ``wanted_role`` if they hold it, else in their first role."""
    roles = current_roles(person)
    if not roles:
        return None
    role = wanted_role if wanted_role in roles else roles[0]
    return Viewer(person=person, role=role, roles=roles)


def access_log_for(subject: Person) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(subject=subject).select_related("viewer")


def access_log_for_force(force_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(force_id=force_id).select_related("viewer", "subject")


def current_supervisor(person: Person) -> Person | None:
    lm = (
        LineManagement.objects.current().filter(officer=person).select_related("supervisor").first()
    )
    return lm.supervisor if lm else None


def current_mentor(person: Person) -> Person | None:
    ma = MentorAssignment.objects.current().filter(officer=person).select_related("mentor").first()
    return ma.mentor if ma else None


def reports_of(supervisor: Person) -> QuerySet[Person]:
    """The supervisor's current reports."""
    ids = LineManagement.objects.current().filter(supervisor=supervisor).values("officer_id")
    return Person.objects.filter(pk__in=ids, is_active=True)


def mentees_of(mentor: Person) -> QuerySet[Person]:
    ids = MentorAssignment.objects.current().filter(mentor=mentor).values("officer_id")
    return Person.objects.filter(pk__in=ids, is_active=True)


def officers_of_force(force_id: int, search: str = "") -> QuerySet[Person]:
    """The force's active officers (those whose name contains ``search``, when given)."""
    ids = (
        RoleGrant.objects.current()
        .filter(role=Role.OFFICER, person__force_id=force_id)
        .values("person_id")
    )
    officers = Person.objects.filter(pk__in=ids, is_active=True)
    return officers.filter(full_name__icontains=search) if search else officers


def people_of_force(force_id: int, search: str = "") -> QuerySet[Person]:
    qs = Person.objects.filter(force_id=force_id).prefetch_related(
        Prefetch(
            "role_grants",
            queryset=RoleGrant.objects.current().select_related("team"),
            to_attr="live_grants",
        )
    )
    if search:
        qs = qs.filter(full_name__icontains=search) | qs.filter(email__icontains=search)
    return qs.order_by("full_name")


def holders_to_choose_from(
    force_id: int, role: str, *, exclude: tuple[int, ...] = ()
) -> QuerySet[Person]:
    """The force's active people holding ``role`` now, less those in ``exclude`` (for a choice
    field: nobody is offered as their own supervisor or mentor)."""
    ids = RoleGrant.objects.current().filter(role=role).values("person_id")
    return Person.objects.filter(force_id=force_id, is_active=True, pk__in=ids).exclude(
        pk__in=exclude
    )


def officers_per_team(force_id: int) -> list[tuple[str, int]]:
    """(team name, active officers) for each team of the force with officers, by name."""
    rows = (
        RoleGrant.objects.current()
        .filter(role=Role.OFFICER, team__force_id=force_id, person__is_active=True)
        .values("team__name")
        .annotate(n=Count("person", distinct=True))
        .order_by("team__name")
    )
    return [(r["team__name"], r["n"]) for r in rows]


def people_count(force_id: int) -> int:
    return Person.objects.filter(force_id=force_id).count()


def teams_with_members(force_id: int) -> QuerySet[Team]:
    """The force's teams by name, each with ``members``: the people ever granted a role in it."""
    return (
        Team.objects.filter(force_id=force_id)
        .annotate(members=Count("role_grants__person", distinct=True))
        .order_by("name")
    )


def role_grants_of(person: Person) -> QuerySet[RoleGrant]:
    """Every role the person holds or held, the latest first."""
    return RoleGrant.objects.filter(person=person).select_related("team").order_by("-starts_at")


def two_step_on(person: Person) -> bool:
    return Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


def team_of(person: Person) -> str:
    grant = (
        RoleGrant.objects.current()
        .filter(person=person, team__isnull=False)
        .select_related("team")
        .order_by("role")
        .first()
    )
    return grant.team.name if grant and grant.team else ""


def tokens_of(person: Person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person)


def supervisor_history(person: Person) -> QuerySet[LineManagement]:
    return (
        LineManagement.objects.filter(officer=person)
        .select_related("supervisor")
        .order_by("-starts_at")
    )


def pending_email(person: Person) -> str:
    """The new address waiting for its owner's confirmation ("" when none)."""
    address = (
        EmailAddress.objects.filter(user=person, verified=False)
        .exclude(email__iexact=person.email)
        .first()
    )
    return address.email if address else ""


def _role_requests() -> QuerySet[RoleRequest]:
    return RoleRequest.objects.select_related("person", "team", "requested_by", "decided_by")


def role_requests_pending(force_id: int) -> QuerySet[RoleRequest]:
    """Role grants of the force waiting for a second person, oldest first."""
    return (
        _role_requests()
        .filter(person__force_id=force_id, state=RoleRequestState.PENDING)
        .order_by("requested_at", "id")
    )


def role_requests_decided(force_id: int) -> QuerySet[RoleRequest]:
    return (
        _role_requests().filter(person__force_id=force_id).exclude(state=RoleRequestState.PENDING)
    )


def role_requests_of(person: Person) -> QuerySet[RoleRequest]:
    return _role_requests().filter(person=person)


# --- Who holds a role (the one lookup every app uses) -------------------------------------


def holders(
    force_id: int, role: str, team_id: int | None = None, at: dt.datetime | None = None
) -> list[Person]:
    """The active people holding ``role`` in the force (or in team ``team_id``) at ``at``
    (default now), in a stable order."""
    grants = RoleGrant.objects.current(at).filter(
        role=role, person__force_id=force_id, person__is_active=True
    )
    if team_id is not None:
        grants = grants.filter(team_id=team_id)
    return list(Person.objects.filter(pk__in=grants.values("person_id")).order_by("pk"))


def team_ids_of(
    person: Person, role: str = Role.OFFICER, at: dt.datetime | None = None
) -> list[int]:
    """The teams in which the person holds ``role`` (default: officer) at ``at``, the
    longest-held first."""
    return list(
        RoleGrant.objects.current(at)
        .filter(person=person, role=role, team__isnull=False)
        .order_by("starts_at", "id")
        .values_list("team_id", flat=True)
    )


class Recipients:
    """Who is told, looked up once per force and moment (a periodic step asks many times)."""

    def __init__(self, force_id: int, at: dt.datetime) -> None:
        self.force_id, self.at = force_id, at
        self._holders: dict[str, list[Person]] = {}
        self._supervisors: dict[int, list[Person]] = {}

    def holders(self, role: str) -> list[Person]:
        """The force's active holders of ``role``."""
        if role not in self._holders:
            self._holders[role] = holders(self.force_id, role, at=self.at)
        return self._holders[role]

    def supervisor_of(self, officer_id: int) -> list[Person]:
        """The officer's active supervisor, as a list (empty when there is none)."""
        if officer_id not in self._supervisors:
            lm = (
                LineManagement.objects.current(self.at)
                .filter(officer_id=officer_id, supervisor__is_active=True)
                .select_related("supervisor")
                .first()
            )
            self._supervisors[officer_id] = [lm.supervisor] if lm else []
        return self._supervisors[officer_id]
