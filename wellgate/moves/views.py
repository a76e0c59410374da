"""Pages for leaving the team: asking, following and withdrawing (the officer); acknowledging,
agreeing and recording the move (supervisor, welfare lead); counts for leaders."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wellgate import calendar
from wellgate.errors import Refused
from wellgate.moves import queries, rules, services
from wellgate.moves.forms import AgreeForm, LeaveForm
from wellgate.moves.models import MoveRequest
from wellgate.pages import form_refusal, paginate
from wellgate.people.access import Viewer
from wellgate.people.models import Role
from wellgate.people.queries import current_supervisor
from wellgate.people.services import access_log_record, access_log_record_many
from wellgate.people.web import access, viewer_of
from wellgate.policy import queries as policy_queries


@access("moves.self")
def leave(request: HttpRequest) -> HttpResponse:
    """ "I want to leave the team": one confirmation, an optional private reason, and the
    deadlines as dates before the officer asks."""
    viewer = viewer_of(request)
    current = queries.open_request_of(viewer.person)
    if current is not None:
        if request.method == "POST":
            messages.info(
                request, "You have already asked to leave the team: here is your request."
            )
        return redirect("move_request", request_id=current.pk)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            req = services.move_request(by=viewer, reason=form.cleaned_data["reason"])
        except Refused as exc:
            form_refusal(form, exc)
        else:
            messages.success(
                request,
                "Your request is made. Your viewing is suspended from now, and your supervisor "
                "and the welfare lead have been told.",
            )
            return redirect("move_request", request_id=req.pk)
    return render(
        request,
        "moves/leave.html",
        {
            "form": form,
            "deadlines": services.deadlines_if_asked_now(viewer.force_id),
            "supervisor": current_supervisor(viewer.person),
            "earlier": queries.requests_of(viewer.person)[:10],
        },
        status=400 if form.errors else 200,
    )


def _render(
    request: HttpRequest, req: MoveRequest, agree_form: AgreeForm, status: int = 200
) -> HttpResponse:
    viewer = viewer_of(request)
    policy = policy_queries.current(req.force_id)
    today = calendar.today_for(policy)
    is_self = viewer.person.pk == req.officer_id
    progress = queries.progress_of(req, policy)
    step = rules.next_step(req.state, req.deadlines, today)
    actions = (
        rules.allowed_actions(req.state, viewer.role, is_self)
        if viewer.role in (Role.OFFICER, Role.SUPERVISOR, Role.WELFARE_LEAD)
        else ()
    )
    return render(
        request,
        "moves/request.html",
        {
            "req": req,
            "is_self": is_self,
            "may_read_reason": queries.may_read_reason(viewer, req),
            "rows": [
                (row, rules.OFFICER_STAGE_TEXT[row.stage] if is_self else row.label)
                for row in rules.stage_rows(req.deadlines, progress, today)
            ],
            "next_step": step,
            "next_step_label": rules.STAGE_LABELS[step.stage] if step else "",
            "actions": actions,
            "history": queries.history(req),
            "breaches": queries.breaches_of(req),
            "agree_form": agree_form,
            "state_label": rules.STATE_LABELS[req.state],
        },
        status=status,
    )


@access("moves.view")
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: its progress against the deadlines, its history and what to do next."""
    viewer = viewer_of(request)
    req = queries.request_or_404(viewer, request_id)
    access_log_record(viewer=viewer, subject=req.officer, what="move request")
    return _render(request, req, AgreeForm())


_DONE = {
    "acknowledged": "Acknowledged. {name} has been told.",
    "agreed": "Destination agreed. {name} has been told.",
    "moved": "Move recorded: {name} has left the team. Their history is kept.",
}


def _after_step(viewer: Viewer, req: MoveRequest) -> HttpResponse:
    # A supervisor's line to the officer ends with the move, and with it their access.
    if req.state == "moved" and viewer.role == Role.SUPERVISOR:
        return redirect("move_list")
    return redirect("move_request", request_id=req.pk)


@require_POST
@access("moves.team")
def request_act(request: HttpRequest, request_id: int) -> HttpResponse:
    """Acknowledge, agree a destination or record the move (there is no way to decline)."""
    viewer = viewer_of(request)
    req = queries.request_or_404(viewer, request_id)
    action = request.POST.get("action", "")
    try:
        # The service checks the step and the destination (in that order), as for the API.
        req = services.move_step(
            by=viewer,
            request=req,
            action=action,
            destination=request.POST.get("destination") if action == "agree" else None,
        )
    except Refused as exc:
        if any(d.field == "destination" for d in exc.details):
            form = AgreeForm(request.POST)
            form.errors.clear()  # the service's sentence, not a second one from the form
            form_refusal(form, exc)
            return _render(request, req, form, status=400)
        messages.error(request, str(exc))
        return redirect("move_request", request_id=req.pk)
    messages.success(request, _DONE[req.state].format(name=req.officer.full_name))
    return _after_step(viewer, req)


@access("moves.self")
def withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    """The officer withdraws their own request, after one confirmation."""
    viewer = viewer_of(request)
    req = queries.request_or_404(viewer, request_id)
    if not req.is_open:
        messages.info(request, "This request is already finished; nothing more can change.")
        return redirect("move_request", request_id=req.pk)
    if request.method == "POST":
        try:
            services.move_withdraw(by=viewer, request=req)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                "You have withdrawn your request. Your viewing stays paused until you choose to "
                "resume it, from “My pathway”.",
            )
        return redirect("move_request", request_id=req.pk)
    return render(request, "moves/withdraw.html", {"req": req})


@access("moves.team")
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests of the people one looks after: the open ones first, each with its next
    deadline (a supervisor's reports; the whole force for the welfare lead)."""
    viewer = viewer_of(request)
    show = "all" if request.GET.get("show") == "all" else "open"
    page = paginate(request, queries.list_for(viewer, show), per_page=25)
    today = calendar.today_for(policy_queries.current(viewer.force_id))
    rows = [(req, rules.next_step(req.state, req.deadlines, today)) for req in page.object_list]
    access_log_record_many(
        viewer=viewer, subjects=[req.officer for req in page.object_list], what="move requests"
    )
    return render(
        request,
        "moves/list.html",
        {"page": page, "rows": rows, "show": show, "state_labels": rules.STATE_LABELS},
    )


@access("aggregates.view")
def summary(request: HttpRequest) -> HttpResponse:
    """Requests and deadlines met as counts (k rule); names only where escalated to leaders."""
    viewer = viewer_of(request)
    policy = policy_queries.current(viewer.force_id)
    today = calendar.today_for(policy)
    escalated = paginate(request, queries.escalated_to_senior(viewer.force_id), per_page=25)
    access_log_record_many(
        viewer=viewer,
        subjects=[b.request.officer for b in escalated.object_list],
        what="move escalations",
    )
    return render(
        request,
        "moves/summary.html",
        {
            "summary": queries.summary(viewer.force_id, policy, today),
            "page": escalated,
            "today": today,
            "state_labels": rules.STATE_LABELS,
        },
    )
