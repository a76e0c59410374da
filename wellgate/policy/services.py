"""Changing a force's policy: at once when it tightens, through a second person when it loosens.

A change that loosens the gate, raises what a stage grants or lowers k is saved as a proposal;
a second person of the other welfare role approves it (DESIGN.md §1). Every new version is
used for decisions made from then on: a clearance already granted is never raised by it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.db import transaction
from django.db.models import Max

from wellgate import clock
from wellgate.errors import Detail, Refused
from wellgate.people.access import Viewer, can
from wellgate.people.models import Force, Person
from wellgate.policy import queries
from wellgate.policy.models import PolicyProposal, PolicyVersion
from wellgate.policy.rules import (
    Loosening,
    PolicySettings,
    approval_refusal,
    loosenings,
    validate,
)

# The code of a refusal that the edit page turns into a proposal.
NEEDS_APPROVAL = "policy.needs_approval"


def _needs_approval(found: list[Loosening]) -> Refused:
    """The change loosens the policy: propose it (``policy_propose``) for a second person."""
    return Refused(
        [
            Detail(
                NEEDS_APPROVAL,
                "This change loosens the policy, so it needs a second person's approval.",
            ),
            *(Detail(lo.code, lo.message, lo.field or None) for lo in found),
        ]
    )


class VersionListener(Protocol):
    def __call__(
        self,
        *,
        force: Force,
        previous: PolicySettings,
        current: PolicySettings,
        version: PolicyVersion,
    ) -> None: ...


# Apps above policy that must act in the transaction of a new version register here (policy
# may not import them, DESIGN.md §10): the pathway tells officers whose clearance it lowers.
_LISTENERS: dict[str, VersionListener] = {}


def on_new_version(name: str) -> Callable[[VersionListener], VersionListener]:
    """Register ``listener`` to run inside the transaction of every new policy version."""

    def deco(listener: VersionListener) -> VersionListener:
        _LISTENERS[name] = listener
        return listener

    return deco


def _deny(message: str) -> Refused:
    return Refused.one("access.denied", message)


def _check(settings: PolicySettings, reason: str) -> None:
    problems = validate(settings)
    if not reason.strip():
        problems.append(
            Detail("policy.reason_missing", "Say why the policy is changing.", "reason")
        )
    if problems:
        raise Refused(problems)


def _lock(force: Force) -> tuple[PolicyVersion | None, PolicySettings]:
    # Lock the force row so two editors cannot both create version n+1 or judge a stale base.
    Force.objects.select_for_update().get(pk=force.pk)
    version = queries.current_version(force.pk)
    return version, queries.settings_of(version)


def _version_create(
    *,
    force: Force,
    previous: PolicySettings,
    settings: PolicySettings,
    created_by: Person | None,
    reason: str,
    approved_by: Person | None = None,
) -> PolicyVersion:
    last = PolicyVersion.objects.filter(force=force).aggregate(n=Max("number"))["n"] or 0
    version = PolicyVersion.objects.create(
        force=force,
        number=last + 1,
        settings=settings.to_dict(),
        created_at=clock.now(),
        created_by=created_by,
        approved_by=approved_by,
        reason=reason.strip(),
    )
    for listener in _LISTENERS.values():
        listener(force=force, previous=previous, current=settings, version=version)
    return version


@transaction.atomic
def policy_update(
    *, by: Viewer | None, force: Force, settings: PolicySettings, reason: str
) -> PolicyVersion:
    """Save ``settings`` as the force's next policy version, in force at once, if it is sound.

    A change that loosens the policy is refused with ``NEEDS_APPROVAL`` (propose it instead).
    ``by=None`` is Wellgate itself setting a force up (demo data, tests), trusted as such.
    """
    if by is not None and not can(by, "policy.edit", force):
        raise _deny("You do not have access to change the policy.")
    _check(settings, reason)
    _, previous = _lock(force)
    if by is not None:
        found = loosenings(previous, settings)
        if found:
            raise _needs_approval(found)
    return _version_create(
        force=force,
        previous=previous,
        settings=settings,
        created_by=by.person if by else None,
        reason=reason,
    )


@transaction.atomic
def policy_propose(
    *, by: Viewer, force: Force, settings: PolicySettings, reason: str
) -> PolicyProposal:
    """Save a loosening change for a second person to approve; nothing changes until then."""
    if not can(by, "policy.edit", force):
        raise _deny("You do not have access to change the policy.")
    _check(settings, reason)
    base, previous = _lock(force)
    found = loosenings(previous, settings)
    if not found:
        raise Refused.one(
            "proposal.nothing_loosens",
            "This change loosens nothing, so it needs no second person: save it as a new version.",
        )
    return PolicyProposal.objects.create(
        force=force,
        settings=settings.to_dict(),
        base=base,
        loosens=[{"code": lo.code, "field": lo.field, "message": lo.message} for lo in found],
        reason=reason.strip(),
        proposed_by=by.person,
        proposed_role=by.role,
        proposed_at=clock.now(),
    )


def _pending(by: Viewer, proposal: PolicyProposal) -> tuple[PolicyProposal, PolicySettings]:
    if not can(by, "policy.approve") or proposal.force_id != by.force_id:
        raise _deny("You cannot decide on policy changes.")
    _, previous = _lock(by.person.force)
    locked = PolicyProposal.objects.select_related("proposed_by").get(pk=proposal.pk)
    if locked.state != PolicyProposal.State.PENDING:
        raise Refused.one(
            "proposal.decided",
            f"This proposal was already {locked.get_state_display().lower()}.",
        )
    return locked, previous


@transaction.atomic
def policy_approve(*, by: Viewer, proposal: PolicyProposal, note: str = "") -> PolicyVersion:
    """Approve a loosening change: it becomes the next version, for decisions from now on.

    The approver is a second person holding the other welfare role: a senior leader for a
    welfare lead's proposal, a welfare lead for a senior leader's, either for an
    administrator's. A proposal made before the policy last changed must be made again.
    """
    locked, previous = _pending(by, proposal)
    refusal = approval_refusal(
        proposer_id=locked.proposed_by_id,
        proposer_role=locked.proposed_role,
        approver_id=by.person.pk,
        approver_role=by.role,
    )
    if refusal is not None:
        raise Refused([refusal])
    if queries.is_stale(locked):
        raise Refused.one(
            "proposal.stale",
            "The policy has changed since this was proposed; reject it and propose "
            "the change again against the policy now in force.",
        )
    settings = PolicySettings.from_dict(locked.settings)
    _check(settings, locked.reason)
    version = _version_create(
        force=by.person.force,
        previous=previous,
        settings=settings,
        created_by=locked.proposed_by,
        reason=locked.reason,
        approved_by=by.person,
    )
    PolicyProposal.objects.filter(pk=locked.pk).update(
        state=PolicyProposal.State.APPROVED,
        decided_by=by.person,
        decided_role=by.role,
        decided_at=version.created_at,
        decision_note=note.strip(),
        version=version,
    )
    return version


@transaction.atomic
def policy_reject(*, by: Viewer, proposal: PolicyProposal, note: str = "") -> PolicyProposal:
    """Turn a proposed loosening down (its proposer may withdraw it this way too)."""
    locked, _ = _pending(by, proposal)
    PolicyProposal.objects.filter(pk=locked.pk).update(
        state=PolicyProposal.State.REJECTED,
        decided_by=by.person,
        decided_role=by.role,
        decided_at=clock.now(),
        decision_note=note.strip(),
    )
    locked.refresh_from_db()
    return locked
