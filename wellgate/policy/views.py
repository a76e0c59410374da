from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from wellgate.errors import Refused
from wellgate.pages import form_refusal, paginate
from wellgate.people.access import Viewer, can
from wellgate.people.web import access, viewer_of
from wellgate.policy import queries
from wellgate.policy.forms import PolicyForm, StageFormSet, stage_initial, stages_from
from wellgate.policy.models import PolicyProposal
from wellgate.policy.rules import APPROVERS
from wellgate.policy.services import (
    NEEDS_APPROVAL,
    policy_approve,
    policy_propose,
    policy_reject,
    policy_update,
)

_WHO = {"welfare_lead": "a welfare lead", "senior_leader": "a senior leader"}


def _approvers(role: str) -> str:
    return " or ".join(_WHO[r] for r in APPROVERS.get(role, ())) or "a second person"


@access("policy.view")
def policy_detail(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    may_judge = can(viewer, "policy.approve")
    proposals = [
        {
            "proposal": p,
            "stale": queries.is_stale(p),
            "may_approve": queries.may_decide(viewer, p),
            "may_reject": may_judge,
            "approvers": _approvers(p.proposed_role),
        }
        for p in queries.pending_proposals(viewer.force_id)
    ]
    return render(
        request,
        "policy/detail.html",
        {
            "policy": queries.current(viewer.force_id),
            "version": queries.current_version(viewer.force_id),
            "proposals": proposals,
            "page": paginate(request, queries.history(viewer.force_id), per_page=20),
        },
    )


def _save(viewer: Viewer, request: HttpRequest, form: PolicyForm, stages: Any) -> bool:
    """Put the change in force, or propose it when it loosens; False with errors on the form."""
    force = viewer.person.force
    settings = form.to_settings(stages_from(stages))
    reason = form.cleaned_data["reason"]
    try:
        try:
            version = policy_update(by=viewer, force=force, settings=settings, reason=reason)
        except Refused as exc:
            if NEEDS_APPROVAL not in exc.codes:
                raise
            policy_propose(by=viewer, force=force, settings=settings, reason=reason)
            messages.warning(
                request,
                "Your change loosens the policy, so it is saved as a proposal and is not in "
                f"force until {_approvers(viewer.role)} approves it.",
            )
        else:
            messages.success(request, f"Policy version {version.number} is now in force.")
    except Refused as exc:
        form_refusal(form, exc, place=lambda d: d.field and d.field.replace(".", "__"))
        return False
    return True


@access("policy.edit")
def policy_edit(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current = queries.current(viewer.force_id)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        stages = StageFormSet(request.POST, prefix="stages")
        if form.is_valid() and stages.is_valid() and _save(viewer, request, form, stages):
            return redirect("policy")
    else:
        form = PolicyForm(initial=PolicyForm.initial_from(current))
        stages = StageFormSet(initial=stage_initial(current), prefix="stages")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policy/edit.html",
        {"form": form, "stages": stages, "approvers": _approvers(viewer.role)},
        status=status,
    )


T = TypeVar("T")


def _proposal(viewer: Viewer, proposal_id: int) -> PolicyProposal:
    return get_object_or_404(PolicyProposal, pk=proposal_id, force_id=viewer.force_id)


def _decide(request: HttpRequest, proposal_id: int, decide: Callable[..., T]) -> T | None:
    """Run ``decide`` on the proposal with the decider's note; a refusal becomes messages."""
    viewer = viewer_of(request)
    try:
        return decide(
            by=viewer,
            proposal=_proposal(viewer, proposal_id),
            note=request.POST.get("note", ""),
        )
    except Refused as exc:
        for detail in exc.details:
            messages.error(request, detail.message)
        return None


@require_POST
@access("policy.approve")
def policy_proposal_approve(request: HttpRequest, proposal_id: int) -> HttpResponse:
    version = _decide(request, proposal_id, policy_approve)
    if version is not None:
        messages.success(request, f"Approved: policy version {version.number} is now in force.")
    return redirect("policy")


@require_POST
@access("policy.approve")
def policy_proposal_reject(request: HttpRequest, proposal_id: int) -> HttpResponse:
    if _decide(request, proposal_id, policy_reject) is not None:
        messages.success(request, "The proposed change is rejected; the policy stays as it is.")
    return redirect("policy")
