from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wellgate.people.web import access, viewer_of
from wellgate.policy import queries
from wellgate.policy.forms import PolicyForm, StageFormSet, stage_initial, stages_from
from wellgate.policy.services import PolicyRefused, policy_update
from wellgate.web import add_refusal, paginate


@access("policy.view")
def policy_detail(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    return render(
        request,
        "policy/detail.html",
        {
            "policy": queries.current(viewer.force_id),
            "version": queries.current_version(viewer.force_id),
            "page": paginate(request, queries.history(viewer.force_id), per_page=20),
        },
    )


@access("policy.edit")
def policy_edit(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current = queries.current(viewer.force_id)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        stages = StageFormSet(request.POST, prefix="stages")
        if form.is_valid() and stages.is_valid():
            try:
                version = policy_update(
                    by=viewer,
                    force=viewer.person.force,
                    settings=form.to_settings(stages_from(stages)),
                    reason=form.cleaned_data["reason"],
                )
            except PolicyRefused as exc:
                for p in exc.problems:
                    name = p.field.replace(".", "__")
                    add_refusal(form, name if name in form.fields else None, p.message)
            else:
                messages.success(request, f"Policy version {version.number} is now in force.")
                return redirect("policy")
    else:
        form = PolicyForm(initial=PolicyForm.initial_from(current))
        stages = StageFormSet(initial=stage_initial(current), prefix="stages")
    status = 400 if request.method == "POST" else 200
    return render(request, "policy/edit.html", {"form": form, "stages": stages}, status=status)
