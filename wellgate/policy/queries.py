"""Reading a force's policy (current, or as it stood at a moment) and its proposed changes."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from wellgate.people.access import Viewer, can
from wellgate.policy.models import PolicyProposal, PolicyVersion
from wellgate.policy.rules import PolicySettings, approval_refusal


def current_version(force_id: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(force_id=force_id).order_by("-number").first()


def settings_of(version: PolicyVersion | None) -> PolicySettings:
    """The settings of a stored version; the defaults of DESIGN.md for none."""
    return PolicySettings.from_dict(version.settings) if version else PolicySettings()


def current(force_id: int) -> PolicySettings:
    """The force's policy now; the defaults of DESIGN.md when none was saved yet."""
    return settings_of(current_version(force_id))


def at(force_id: int, moment: dt.datetime) -> PolicySettings:
    """The policy in force at ``moment`` (past decisions are judged by the rules of their day)."""
    version = (
        PolicyVersion.objects.filter(force_id=force_id, created_at__lte=moment)
        .order_by("-number")
        .first()
    )
    return settings_of(version)


def history(force_id: int) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(force_id=force_id).select_related(
        "created_by", "approved_by"
    )


def pending_proposals(force_id: int) -> QuerySet[PolicyProposal]:
    """Loosening changes waiting for a second person, oldest first."""
    return (
        PolicyProposal.objects.filter(force_id=force_id, state=PolicyProposal.State.PENDING)
        .select_related("proposed_by", "base")
        .order_by("proposed_at", "id")
    )


def is_stale(proposal: PolicyProposal) -> bool:
    """True when the policy has changed since the proposal was made (it must be made again)."""
    latest = current_version(proposal.force_id)
    return (latest.pk if latest else None) != proposal.base_id


def may_decide(viewer: Viewer, proposal: PolicyProposal) -> bool:
    """Whether the viewer may approve this proposal (rejecting needs only ``policy.approve``)."""
    return (
        can(viewer, "policy.approve")
        and proposal.force_id == viewer.force_id
        and approval_refusal(
            proposer_id=proposal.proposed_by_id,
            proposer_role=proposal.proposed_role,
            approver_id=viewer.person.pk,
            approver_role=viewer.role,
        )
        is None
    )
