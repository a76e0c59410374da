"""Forces, teams, people, roles, line management, mentoring, API tokens and the access log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q

# AppendOnlyError is re-exported: tests and older code import it from here.
from wellgate.appendonly import AppendOnlyError as AppendOnlyError
from wellgate.appendonly import AppendOnlyModel


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    SUPERVISOR = "supervisor", "Supervisor"
    MENTOR = "mentor", "Mentor"
    WELFARE_LEAD = "welfare_lead", "Welfare lead"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that must use two-step verification (they read or manage other people's records).
MFA_ROLES = frozenset({Role.SUPERVISOR, Role.WELFARE_LEAD, Role.SENIOR_LEADER, Role.ADMINISTRATOR})
# Roles granted to a team rather than the whole force.
TEAM_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.MENTOR})
# Roles that need a second person's approval (DESIGN.md §1: a grant needs a second person).
# Every role but the officer's reads someone else's welfare record (§3: supervisor, mentor,
# welfare lead; a senior leader reads escalated move requests) or can approve such a grant
# (senior leader, administrator): were either immediate, one administrator could approve
# their own request through a second account they created.
APPROVAL_ROLES = frozenset(
    {Role.SUPERVISOR, Role.MENTOR, Role.WELFARE_LEAD, Role.SENIOR_LEADER, Role.ADMINISTRATOR}
)


class Force(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=("force", "name"), name="team_name_unique_in_force")
        ]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Person:
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person


class Person(AbstractBaseUser):
    """A user of Wellgate. Belongs to exactly one force; nothing crosses forces."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="people")
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    # Demo accounts skip two-step verification so the demo can be explored at once.
    is_demo = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    # The password is a one-time password somebody else issued: change it before anything else.
    must_change_password = models.BooleanField(default=False)
    # When an administrator last changed the sign-in address: a password reset sent there
    # is one the administrator may have received.
    email_changed_by_admin_at = models.DateTimeField(null=True, blank=True)
    # The password was set through such a reset: sign-ins with it are marked until it changes.
    password_from_admin_reset = models.BooleanField(default=False)

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ("full_name",)
        indexes = [models.Index(fields=("force", "full_name"))]

    def __str__(self) -> str:
        return self.full_name

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0]


class CurrentQuerySet(models.QuerySet[Any]):
    def current(self, at: Any = None) -> CurrentQuerySet:
        from wellgate import clock

        at = at or clock.now()
        return self.filter(Q(starts_at__lte=at), Q(ends_at__isnull=True) | Q(ends_at__gt=at))


class RoleGrant(models.Model):
    """A role held by a person, for one team or for the whole force, over a period."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="role_grants"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ("starts_at",)
        indexes = [models.Index(fields=("person", "role", "ends_at"))]


class RoleRequestState(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RoleRequest(models.Model):
    """A role grant waiting for a second person (see ``APPROVAL_ROLES``); kept once decided."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="role_requests")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="role_requests"
    )
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=RoleRequestState.choices, default=RoleRequestState.PENDING
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    grant = models.OneToOneField(
        RoleGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ("-requested_at", "-id")
        indexes = [models.Index(fields=("state", "requested_at"))]


class LineManagement(models.Model):
    """Who supervises whom; one current supervisor at a time, history kept."""

    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervised_by")
    supervisor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervises")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ("starts_at",)
        indexes = [
            models.Index(fields=("supervisor", "ends_at")),
            models.Index(fields=("officer", "ends_at")),
        ]


class MentorAssignment(models.Model):
    """An accredited image-grading trainer who sits with a new joiner."""

    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentored_by")
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentees")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CurrentQuerySet.as_manager()

    class Meta:
        ordering = ("starts_at",)
        indexes = [
            models.Index(fields=("mentor", "ends_at")),
            models.Index(fields=("officer", "ends_at")),
        ]


# What a reader opened, in words for the officer (entries store the stable code).
ACCESS_LABELS = {
    "pathway.view": "Pathway and clearance",
    "pathway timeline": "Pathway timeline",
    "obligations.view": "Support: obligations and attendance",
    "notes.view": "1:1 and observation notes",
    "checkins.view": "Check-in results",
    "move.view": "Request to leave the team",
    "move.reason": "Reason for leaving the team",
    "accesslog.view": "Who has looked at the record",
    "access log": "Who has looked at the record",
    # Only in a session marked as started after an administrator reset (own reads).
    "session.signed_in": "Signed in",
    "home.view": "Home page",
    "inbox.view": "Inbox",
    "checkins.self": "Own check-ins",
    "support.self": "Own support",
    "moves.self": "Own request to leave the team",
    "moves.view": "Request to leave the team",
    "obligations.record": "Support: obligations and attendance",
}


def access_label(what: str) -> str:
    api = what.startswith("api ")
    code = what[4:] if api else what
    label = ACCESS_LABELS.get(code, code.replace(".view", "").replace("_", " ").capitalize())
    return f"{label} (through the API)" if api else label


class AccessLogEntry(AppendOnlyModel):
    """One read of somebody else's welfare record (or, in a session marked
    ``after_admin_reset``, of one's own). Written once, never changed."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    viewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="accesses_made")
    viewer_role = models.CharField(max_length=20, choices=Role.choices)
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="accesses_received")
    what = models.CharField(max_length=60)
    at = models.DateTimeField(db_index=True)
    # Read in a session that signed in with a one-time password or after a password reset
    # to an address an administrator set: it may not have been the officer at all.
    after_admin_reset = models.BooleanField(default=False)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=("subject", "-at")), models.Index(fields=("force", "-at"))]

    @property
    def what_label(self) -> str:
        return access_label(self.what)


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the secret is shown once."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=10, choices=TokenScope.choices)
    # The role the token acts in: a token never holds more than one role's access.
    role = models.CharField(max_length=20, choices=Role.choices)
    is_service = models.BooleanField(default=False)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
