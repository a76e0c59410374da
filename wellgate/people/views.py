"""People pages: role homes, role switch, person record, access log, tokens, administration."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from wellgate.errors import Refused
from wellgate.homes import panels_for
from wellgate.pages import form_refusal, paginate
from wellgate.people import queries
from wellgate.people import services as people
from wellgate.people.access import can
from wellgate.people.forms import (
    PersonChoiceForm,
    PersonCreateForm,
    PersonEditForm,
    RoleGrantForm,
    TeamForm,
    TokenForm,
)
from wellgate.people.middleware import SESSION_ROLE
from wellgate.people.models import (
    ApiToken,
    Person,
    Role,
    RoleGrant,
    RoleRequest,
    RoleRequestState,
)
from wellgate.people.web import access, public, viewer_of


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@access("home.view")
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page. What higher apps know comes in their panels (the
    senior leader's officers by team too: it needs the policy's k)."""
    viewer = viewer_of(request)
    ctx: dict[str, object] = {}
    if viewer.role == Role.OFFICER:
        ctx["supervisor"] = queries.current_supervisor(viewer.person)
        ctx["mentor"] = queries.current_mentor(viewer.person)
        ctx["team"] = queries.team_of(viewer.person)
    elif viewer.role == Role.WELFARE_LEAD:
        search = request.GET.get("q", "").strip()
        officers = queries.officers_of_force(viewer.force_id, search)
        ctx["page"] = paginate(request, officers.order_by("full_name"))
        ctx["q"] = search
    elif viewer.role == Role.ADMINISTRATOR:
        ctx["people_count"] = queries.people_count(viewer.force_id)
        ctx["teams"] = queries.teams_with_members(viewer.force_id)
    if viewer.role in (Role.OFFICER, Role.MENTOR):
        # Offered to every role; required only of MFA_ROLES (wellgate.middleware).
        ctx["two_step_on"] = queries.two_step_on(viewer.person)
    if can(viewer, "grants.approve", viewer.person.force):
        ctx["pending_role_requests"] = queries.role_requests_pending(viewer.force_id).count()
    ctx["panels"] = panels_for(request, viewer)
    return render(request, f"people/home_{viewer.role}.html", ctx)


@require_POST
@access("home.view")
def role_switch(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    role = request.POST.get("role", "")
    if role not in viewer.roles:
        messages.error(request, "You do not hold that role.")
    else:
        request.session[SESSION_ROLE] = role
        messages.success(request, f"You are now working as {Role(role).label.lower()}.")
    return redirect("home")


@access("person.view", subject="person_id")
def person_detail(request: HttpRequest, person: Person) -> HttpResponse:
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "team": queries.team_of(person),
            "roles": queries.current_roles(person),
            "supervisor": queries.current_supervisor(person),
            "mentor": queries.current_mentor(person),
            "supervisors": queries.supervisor_history(person),
        },
    )


@access("accesslog.view", subject="person_id", log="access log")
def access_log(request: HttpRequest, person: Person) -> HttpResponse:
    """Who has looked at this person's record."""
    page = paginate(request, queries.access_log_for(person), per_page=50)
    return render(request, "people/access_log.html", {"person": person, "page": page})


@access("accesslog.force")
def force_access_log(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    page = paginate(request, queries.access_log_for_force(viewer.force_id), per_page=50)
    return render(request, "people/force_access_log.html", {"page": page})


@access("tokens.manage")
def tokens(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    secret = None
    form = TokenForm(request.POST or None, roles=viewer.roles)
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = people.token_create(
                person=viewer.person,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                role=form.cleaned_data["role"],
            )
            form = TokenForm(roles=viewer.roles)
        except Refused as exc:
            form_refusal(form, exc)
    return render(
        request,
        "people/tokens.html",
        {"form": form, "secret": secret, "tokens": queries.tokens_of(viewer.person)},
        status=400 if form.errors else 200,
    )


@require_POST
@access("tokens.manage")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    token = get_object_or_404(ApiToken, pk=token_id, person=viewer.person)
    people.token_revoke(by=viewer, token=token)
    messages.success(request, f"Token “{token.name}” revoked. It no longer works.")
    return redirect("tokens")


# Administration --------------------------------------------------------------------------


@access("people.manage")
def manage_people(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    q = request.GET.get("q", "").strip()
    page = paginate(request, queries.people_of_force(viewer.force_id, q))
    return render(request, "people/manage_people.html", {"page": page, "q": q})


@access("people.manage")
def manage_person_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = PersonCreateForm(request.POST or None, force_id=viewer.force_id)
    if request.method == "POST" and form.is_valid():
        try:
            created = people.person_create(by=viewer, **form.cleaned_data)
        except Refused as exc:
            form_refusal(form, exc)
        else:
            return render(request, "people/person_created.html", {"created": created})
    return render(
        request, "people/manage_person_new.html", {"form": form}, status=400 if form.errors else 200
    )


@access("person.manage", subject="person_id")
def manage_person(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    # Nobody appoints themself anyone's supervisor or mentor: the viewer is not offered.
    others = (person.pk, viewer.person.pk)
    supervisors = queries.holders_to_choose_from(viewer.force_id, Role.SUPERVISOR, exclude=others)
    mentors = queries.holders_to_choose_from(viewer.force_id, Role.MENTOR, exclude=others)
    action = request.POST.get("action") if request.method == "POST" else None
    pending_email = queries.pending_email(person)
    edit = PersonEditForm(
        request.POST if action == "edit" else None,
        initial={
            "full_name": person.full_name,
            "email": pending_email or person.email,
            "is_active": person.is_active,
        },
    )
    grant = RoleGrantForm(request.POST if action == "grant" else None, force_id=viewer.force_id)
    sup = PersonChoiceForm(
        request.POST if action == "supervisor" else None,
        queryset=supervisors,
        label="Supervisor",
        prefix="sup",
        initial={"person": queries.current_supervisor(person)},
    )
    men = PersonChoiceForm(
        request.POST if action == "mentor" else None,
        queryset=mentors,
        label="Mentor",
        prefix="men",
        initial={"person": queries.current_mentor(person)},
    )
    form = {"edit": edit, "grant": grant, "supervisor": sup, "mentor": men}.get(action or "")
    if form is not None and form.is_valid():
        data = form.cleaned_data
        saved = "Saved."
        try:
            if action == "edit":
                people.person_update(by=viewer, person=person, **data)
                if queries.pending_email(person) not in ("", pending_email):
                    saved = (
                        "Saved. The new address is used once its owner confirms it; until then "
                        "sign-in and password resets use the current one. Both were told."
                    )
            elif action == "grant":
                granted = people.role_grant(
                    by=viewer, person=person, role=data["role"], team=data["team"]
                )
                if isinstance(granted, RoleRequest):
                    saved = (
                        f"The {granted.get_role_display().lower()} role waits for a second "
                        "person: another administrator, the welfare lead or a senior leader "
                        "approves it under Role approvals."
                    )
            elif action == "supervisor":
                people.supervisor_set(by=viewer, officer=person, supervisor=data["person"])
            elif action == "mentor":
                people.mentor_set(by=viewer, officer=person, mentor=data["person"])
        except Refused as exc:
            form_refusal(form, exc)
        else:
            messages.success(request, saved)
            return redirect("manage_person", person_id=person.pk)
    elif action == "end_role":
        grant_obj = get_object_or_404(
            RoleGrant, pk=request.POST.get("grant", 0) or 0, person=person
        )
        try:
            people.role_end(by=viewer, grant=grant_obj)
            messages.success(request, "Role ended. It stays in the history.")
            return redirect("manage_person", person_id=person.pk)
        except Refused as exc:
            messages.error(request, str(exc))
    grants = queries.role_grants_of(person)
    has_errors = any(f.errors for f in (edit, grant, sup, men))
    return render(
        request,
        "people/manage_person.html",
        {
            "person": person,
            "edit": edit,
            "grant_form": grant,
            "sup_form": sup,
            "men_form": men,
            "grants": grants,
            "requests": queries.role_requests_of(person),
            "pending_email": pending_email,
            "supervisors": queries.supervisor_history(person),
        },
        status=400 if has_errors else 200,
    )


@access("people.manage")
def manage_teams(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = people.team_create(by=viewer, name=form.cleaned_data["name"])
            messages.success(request, f"Team “{team.name}” created.")
            return redirect("manage_teams")
        except Refused as exc:
            form_refusal(form, exc)
    teams = queries.teams_with_members(viewer.force_id)
    return render(
        request,
        "people/manage_teams.html",
        {"form": form, "page": paginate(request, teams)},
        status=400 if form.errors else 200,
    )


@access("grants.approve")
def role_requests(request: HttpRequest) -> HttpResponse:
    """Role grants waiting for a second person, and the latest decisions."""
    viewer = viewer_of(request)
    return render(
        request,
        "people/role_requests.html",
        {
            "page": paginate(request, queries.role_requests_pending(viewer.force_id)),
            "decided": queries.role_requests_decided(viewer.force_id)[:20],
        },
    )


@require_POST
@access("grants.approve")
def role_request_decide(request: HttpRequest, role_request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    role_request = get_object_or_404(
        RoleRequest, pk=role_request_id, person__force_id=viewer.force_id
    )
    decision = request.POST.get("decision", "")
    try:
        if decision == "approve":
            people.role_request_approve(by=viewer, request=role_request)
            messages.success(
                request,
                f"Approved: {role_request.person} is {role_request.get_role_display().lower()} "
                "from now.",
            )
        elif decision == "decline":
            decided = people.role_request_decline(by=viewer, request=role_request)
            word = "withdrawn" if decided.state == RoleRequestState.WITHDRAWN else "declined"
            messages.success(request, f"Request {word}. It stays in the history.")
        else:
            messages.error(request, "Choose to approve or to decline the request.")
    except Refused as exc:
        messages.error(request, str(exc))
    if request.POST.get("next") == "person" and can(viewer, "person.manage", role_request.person):
        return redirect("manage_person", person_id=role_request.person_id)
    return redirect("role_requests")
