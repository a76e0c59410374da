"""Pathway pages: my pathway, an officer's pathway and timeline, team pathway, guidance."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wellgate.errors import Refused
from wellgate.pages import form_refusal, paginate
from wellgate.pathway import queries, services
from wellgate.pathway.forms import (
    GuidanceForm,
    RecordForm,
    StepBackForm,
    WelfareChangeForm,
    local_now_input,
)
from wellgate.people import queries as people_queries
from wellgate.people.access import can
from wellgate.people.models import Person, Role
from wellgate.people.services import access_log_record_many
from wellgate.people.web import access, viewer_of
from wellgate.policy import queries as policy_queries


def _lower_stages(officer: Person) -> list[tuple[str, str]]:
    policy = policy_queries.current(officer.force_id)
    st = queries.state(officer)
    index = policy.stage_index(st.stage.code)
    return [(s.code, s.label) for s in policy.stages[:index]]


def _back(person: Person) -> HttpResponse:
    return redirect("pathway", person_id=person.pk)


def _refused(request: HttpRequest, exc: Refused) -> None:
    for detail in exc.details:
        messages.error(request, detail.message)


@access("pathway.view", subject="person_id")
def pathway_detail(request: HttpRequest, person: Person) -> HttpResponse:
    """ "My pathway" for the officer; the same record, with the staff controls, for others."""
    viewer = viewer_of(request)
    policy = policy_queries.current(person.force_id)
    st = queries.state(person)
    is_self = viewer.person.pk == person.pk
    return render(
        request,
        "pathway/detail.html",
        {
            "person": person,
            "is_self": is_self,
            "st": st,
            "policy": policy,
            "checklist": queries.checklist(st, policy),
            "stage_number": policy.stage_index(st.stage.code) + 1,
            "stage_count": len(policy.stages),
            "may_record": can(viewer, "pathway.record", person),
            "may_decide": can(viewer, "pathway.decide", person),
            # A pause's reason is a note: only whoever may read the officer's notes reads it.
            "pause_reason": st.pause_reason if can(viewer, "notes.view", person) else "",
            "needs_guidance": is_self and queries.needs_to_reread_guidance(person),
            "recent": queries.timeline(person, viewer)[:5],
        },
    )


@access("pathway.view", subject="person_id", log="pathway timeline")
def pathway_timeline(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    page = paginate(request, queries.timeline(person, viewer), per_page=30)
    return render(request, "pathway/timeline.html", {"person": person, "page": page})


@access("pathway.record", subject="person_id")
def pathway_record(request: HttpRequest, person: Person) -> HttpResponse:
    """A supervisor, mentor or welfare lead records a briefing, mentor, session or reflection."""
    viewer = viewer_of(request)
    mentors = people_queries.holders_to_choose_from(
        person.force_id, Role.MENTOR, exclude=(person.pk,)
    )
    form = RecordForm(
        request.POST or None, mentors=mentors, initial={"occurred_at": local_now_input()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["type"] == "mentor_assigned":
                services.mentor_assign(
                    by=viewer,
                    officer=person,
                    mentor=data["mentor"],
                    occurred_at=data["occurred_at"],
                )
            else:
                services.event_record(
                    by=viewer,
                    officer=person,
                    type=data["type"],
                    occurred_at=data["occurred_at"],
                    note=data["note"],
                )
        except Refused as exc:
            form_refusal(form, exc, place=lambda d: None)
        else:
            messages.success(request, "Recorded on the pathway.")
            return _back(person)
    return render(
        request,
        "pathway/record.html",
        {"person": person, "form": form},
        status=400 if form.errors else 200,
    )


@access("pathway.decide", subject="person_id")
def pathway_decide(request: HttpRequest, person: Person) -> HttpResponse:
    """Sign off, advance, or a welfare pause or step back with a reason the officer reads."""
    viewer = viewer_of(request)
    form = WelfareChangeForm(
        request.POST if request.POST.get("action") in ("paused", "stepped_back") else None,
        lower_stages=_lower_stages(person),
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "signed_off":
                services.event_record(
                    by=viewer, officer=person, type="signed_off", note=request.POST.get("note", "")
                )
                messages.success(
                    request,
                    "Signed off. You can now move them to the next stage when the gate is complete.",
                )
                return _back(person)
            if action == "advanced":
                services.advance(by=viewer, officer=person)
                messages.success(request, f"{person.full_name} has moved to the next stage.")
                return _back(person)
            if form.is_valid():
                data = form.cleaned_data
                services.event_record(
                    by=viewer,
                    officer=person,
                    type=data["action"],
                    note=data["note"],
                    stage=data["stage"] or None,
                )
                messages.success(
                    request, "Done. Their viewing changed at once, and they can read your reason."
                )
                return _back(person)
        except Refused as exc:
            if action in ("signed_off", "advanced"):
                _refused(request, exc)
                return _back(person)
            form_refusal(form, exc, place=lambda d: None)
    return render(
        request,
        "pathway/decide.html",
        {"person": person, "form": form, "st": queries.state(person)},
        status=400 if form.errors else 200,
    )


@require_POST
@access("self.decide", subject="person_id")
def readiness(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    ready = request.POST.get("ready")
    if ready not in ("yes", "no"):
        messages.error(request, "Choose “I feel able to view more” or “I'm not ready yet”.")
        return _back(person)
    try:
        services.event_record(
            by=viewer, officer=person, type="readiness_declared", ready=ready == "yes"
        )
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            "Thank you. Your supervisor will talk it through with you and sign off when it is right."
            if ready == "yes"
            else "Thank you for saying so. Nothing changes until you feel ready, and that is fine.",
        )
    return _back(person)


@access("self.decide", subject="person_id")
def pause(request: HttpRequest, person: Person) -> HttpResponse:
    """One confirmation, no reason asked, effective at once."""
    viewer = viewer_of(request)
    if request.method == "POST":
        try:
            services.event_record(by=viewer, officer=person, type="paused")
        except Refused as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                "Your viewing is paused, from now. You do not need to explain. "
                "Your supervisor has been told that you have paused, nothing more. Resume whenever you are ready.",
            )
        return _back(person)
    return render(request, "pathway/confirm_pause.html", {"person": person})


@access("self.decide", subject="person_id")
def step_back(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    lower = _lower_stages(person)
    form = StepBackForm(
        request.POST or None, lower_stages=lower, initial={"stage": lower[-1][0] if lower else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_record(
                by=viewer, officer=person, type="stepped_back", stage=form.cleaned_data["stage"]
            )
        except Refused as exc:
            form_refusal(form, exc, place=lambda d: "stage")
        else:
            messages.success(
                request,
                "Done: you have stepped back, from now. That was a good decision to make, "
                "and it is yours. You can work towards the next stage again whenever you feel ready.",
            )
            return _back(person)
    return render(
        request,
        "pathway/step_back.html",
        {"person": person, "form": form, "lower": lower},
        status=400 if form.errors else 200,
    )


@require_POST
@access("self.decide", subject="person_id")
def resume(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    try:
        services.event_record(by=viewer, officer=person, type="resumed")
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Welcome back. Your clearance is restored.")
    return _back(person)


@access("self.decide", subject="person_id")
def leave(request: HttpRequest, person: Person) -> HttpResponse:
    """The old address of "I want to leave the team": the request now lives in the moves app."""
    return redirect("move_leave")


@access("team.view")
def team_pathway(request: HttpRequest) -> HttpResponse:
    """The whole team on one page: stage, days at stage, gate progress, paused, open flags."""
    viewer = viewer_of(request)
    if viewer.role == Role.SUPERVISOR:
        officers = people_queries.reports_of(viewer.person)
    elif viewer.role == Role.MENTOR:
        officers = people_queries.mentees_of(viewer.person)
    else:
        officers = people_queries.officers_of_force(viewer.force_id)
    page = paginate(request, officers.order_by("full_name"), per_page=50)
    rows = queries.team_rows(list(page.object_list))
    access_log_record_many(viewer=viewer, subjects=[r.officer for r in rows], what="pathway.view")
    return render(request, "pathway/team.html", {"page": page, "rows": rows})


@access("home.view")
def guidance(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current = queries.current_guidance(viewer.force_id)
    seen = queries.acknowledged_guidance(viewer.person) if viewer.role == Role.OFFICER else None
    return render(
        request,
        "pathway/guidance.html",
        {
            "guidance": current,
            "seen": seen,
            "contacts": policy_queries.current(viewer.force_id).support_contacts,
        },
    )


@require_POST
@access("home.view")
def guidance_acknowledge(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    try:
        services.guidance_acknowledge(by=viewer)
    except Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Thank you for reading the guidance.")
    return redirect("guidance")


@access("force.welfare")
def guidance_edit(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current = queries.current_guidance(viewer.force_id)
    form = GuidanceForm(
        request.POST or None,
        initial={"title": current.title, "text": current.text} if current else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.guidance_publish(by=viewer, **form.cleaned_data)
        except Refused as exc:
            form_refusal(form, exc, place=lambda d: "text" if "text" in d.code else "title")
        else:
            messages.success(
                request,
                f"Version {version.number} published. Officers will be asked to read it again.",
            )
            return redirect("guidance")
    return render(
        request, "pathway/guidance_edit.html", {"form": form}, status=400 if form.errors else 200
    )
