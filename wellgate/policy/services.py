"""Changing a force's policy."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from wellgate import clock
from wellgate.errors import Detail, Refused
from wellgate.people.access import Viewer, can
from wellgate.people.models import Force
from wellgate.policy.models import PolicyVersion
from wellgate.policy.rules import PolicySettings, Problem, validate


class PolicyRefused(Refused):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    def details(self) -> list[Detail]:
        return [Detail(p.code, p.message, p.field or None) for p in self.problems]


@transaction.atomic
def policy_update(
    *, by: Viewer | None, force: Force, settings: PolicySettings, reason: str
) -> PolicyVersion:
    """Save ``settings`` as the force's next policy version, if it is sound."""
    if by is not None and not can(by, "policy.edit", force):
        raise PolicyRefused(
            [Problem("access.denied", "", "You do not have access to change the policy.")]
        )
    problems = validate(settings)
    if not reason.strip():
        problems.append(
            Problem("policy.reason_missing", "reason", "Say why the policy is changing.")
        )
    if problems:
        raise PolicyRefused(problems)
    # Lock the force row so two editors cannot both create version n+1.
    Force.objects.select_for_update().get(pk=force.pk)
    last = PolicyVersion.objects.filter(force=force).aggregate(n=Max("number"))["n"] or 0
    return PolicyVersion.objects.create(
        force=force,
        number=last + 1,
        settings=settings.to_dict(),
        created_at=clock.now(),
        created_by=by.person if by else None,
        reason=reason.strip(),
    )
