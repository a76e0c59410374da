"""Reads about people that pages and the API share."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Prefetch, QuerySet

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


def officers_of_force(force_id: int) -> QuerySet[Person]:
    ids = (
        RoleGrant.objects.current()
        .filter(role=Role.OFFICER, person__force_id=force_id)
        .values("person_id")
    )
    return Person.objects.filter(pk__in=ids, is_active=True)


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


def people_visible_to(viewer: Viewer) -> QuerySet[Person]:
    """Everyone the viewer may see by name in their current role."""
    if viewer.role in (Role.WELFARE_LEAD, Role.SENIOR_LEADER, Role.ADMINISTRATOR):
        return Person.objects.filter(force_id=viewer.force_id)
    if viewer.role == Role.SUPERVISOR:
        return reports_of(viewer.person) | Person.objects.filter(pk=viewer.person.pk)
    if viewer.role == Role.MENTOR:
        return mentees_of(viewer.person) | Person.objects.filter(pk=viewer.person.pk)
    return Person.objects.filter(pk=viewer.person.pk)


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
