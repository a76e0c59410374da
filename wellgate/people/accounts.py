"""Passwords and sign-in: the writes the allauth adapter and signals make. Each is one
transaction."""

from __future__ import annotations

from django.db import transaction

from wellgate import clock
from wellgate.people.models import AccessLogEntry, Person, Role, RoleGrant

# Why a session is marked: the words the officer reads in their access log.
MARK_ONE_TIME = "one_time_password"
MARK_ADMIN_RESET = "admin_reset"


@transaction.atomic
def password_replace(*, person: Person, password: str) -> None:
    """The person sets a new password (changed, set, or through a reset link): a one-time
    password stops working, and sign-ins with the new one are no longer marked."""
    person.set_password(password)
    person.must_change_password = False
    person.password_from_admin_reset = False
    person.save(update_fields=["password", "must_change_password", "password_from_admin_reset"])


@transaction.atomic
def password_reset_record(*, person: Person) -> None:
    """A password was just set through a reset link. If an administrator changed the
    address the link went to, whoever signs in with it may be that administrator."""
    if person.email_changed_by_admin_at is not None:
        Person.objects.filter(pk=person.pk).update(password_from_admin_reset=True)
        person.password_from_admin_reset = True


@transaction.atomic
def sign_in_record(*, person: Person) -> str:
    """Called as the person signs in. Returns why the session must be marked (or "") and,
    when it must, writes the sign-in to the person's own access log, marked.

    Marked: a sign-in with a one-time password somebody else issued, or with a password set
    through a reset to an address an administrator set.
    """
    if person.must_change_password:
        reason = MARK_ONE_TIME
    elif person.password_from_admin_reset:
        reason = MARK_ADMIN_RESET
    else:
        return ""
    held = set(RoleGrant.objects.current().filter(person=person).values_list("role", flat=True))
    role = next((r for r in Role.values if r in held), None)
    if role is not None:
        AccessLogEntry.objects.create(
            force_id=person.force_id,
            viewer=person,
            viewer_role=role,
            subject=person,
            what="session.signed_in",
            at=clock.now(),
            after_admin_reset=True,
        )
    return reason
