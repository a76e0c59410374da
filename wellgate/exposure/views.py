"""Exposure pages: log a session (with the "before you start" panel), the session timer,
an officer's sessions, the team's week, and cases with their work packages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from wellgate import calendar, clock
from wellgate.errors import Refused
from wellgate.exposure import queries, rules, services
from wellgate.exposure.forms import (
    AssignForm,
    CaseImportForm,
    PackageForm,
    SessionForm,
    TimerStartForm,
    category_choices_of,
    local_input,
)
from wellgate.exposure.models import Source
from wellgate.exposure.uploads import stream_uploads_to_disk, too_large_message
from wellgate.pages import add_refusal, form_refusal, paginate
from wellgate.pathway import queries as pathway_queries
from wellgate.people import queries as people_queries
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person, Role
from wellgate.people.services import access_log_record_many
from wellgate.people.web import access, viewer_of
from wellgate.policy import queries as policy_queries
from wellgate.support.rules import long_date

# Service fields that have no form field of the same name.
_FORM_FIELD = {"counts": None, "officer_id": None, "media": "media_viewed"}


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _refusal_on(form: Any, exc: Refused) -> None:
    form_refusal(form, exc, place=lambda d: _FORM_FIELD.get(d.field or "", d.field))


# --- An officer's sessions -------------------------------------------------------------------


@access("pathway.view", subject="person_id", log="exposure")
def exposure_list(request: HttpRequest, person: Person) -> HttpResponse:
    """ "My exposure" for the officer; the same list for the people who look after them."""
    viewer = viewer_of(request)
    page = paginate(request, queries.sessions_of(person), per_page=25)
    return render(
        request,
        "exposure/list.html",
        {
            "person": person,
            "is_self": viewer.person.pk == person.pk,
            "page": page,
            "panel": queries.before_you_start(person),
            "may_log": can(viewer, "exposure.log", person),
            "timer": queries.timer_of(person),
        },
    )


def _package_choices(officer: Person) -> list[tuple[int, str]]:
    return [(p.pk, queries.package_label(p)) for p in queries.packages_of(officer)]


def _case_choices(officer: Person) -> list[tuple[int, str]]:
    return [(c.pk, f"Case {c.case_ref}") for c in queries.cases_open_to(officer)]


def _initial(person: Person, request: HttpRequest) -> dict[str, Any]:
    timer = queries.timer_of(person)
    if timer is not None and timer.stopped_at is not None:
        return {
            "started_at": local_input(timer.started_at),
            "ended_at": local_input(timer.stopped_at),
            "break_minutes": timer.break_seconds // 60,
            "mentor_present": timer.mentor_present,
            "work_package": timer.work_package_id,
            "case": None if timer.work_package_id else timer.case_id,
            "max_category": timer.work_package.category if timer.work_package else None,
        }
    now = clock.now()
    initial: dict[str, Any] = {
        "started_at": local_input(now - dt.timedelta(hours=1)),
        "ended_at": local_input(now),
        "break_minutes": 0,
    }
    wanted = request.GET.get("package", "")
    if wanted.isdigit():
        package = queries.packages_of(person).filter(pk=int(wanted)).first()
        if package is not None:
            initial["work_package"] = package.pk
            initial["max_category"] = package.category
    return initial


def _outcome_messages(
    request: HttpRequest, outcome: services.SessionOutcome, is_self: bool
) -> None:
    s = outcome.session
    messages.success(
        request,
        f"Session logged: {s.minutes} minutes, highest {rules.describe_category(s.max_category)}.",
    )
    if s.pathway_event_id:
        messages.success(request, "It counts as a supervised session on the pathway.")
    if outcome.check.unexpected:
        due = long_date(outcome.debrief_due_on) if outcome.debrief_due_on else "soon"
        messages.warning(
            request,
            ("You saw" if is_self else "This session included")
            + " material above the clearance held at the time. That is not a mark against "
            "anyone: the supervisor and the welfare lead have been told, so that someone talks "
            f"it through. A debrief is due by {due}.",
        )
    for r in outcome.check.reasons:
        if r.code == "exposure.mentor_required":
            messages.warning(request, r.message)
    for b in outcome.breaches:
        messages.warning(
            request,
            f"A viewing limit was passed: {b.message} The supervisor will talk it through; "
            "nothing else changes.",
        )


@access("exposure.log", subject="person_id", log="exposure log form")
def session_log(request: HttpRequest, person: Person) -> HttpResponse:
    """Log a session in a few seconds, with what the clearance allows shown first."""
    viewer = viewer_of(request)
    is_self = viewer.person.pk == person.pk
    form = SessionForm(
        _posted(request),
        initial=_initial(person, request),
        packages=_package_choices(person),
        cases=_case_choices(person),
        is_self=is_self,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        timer = queries.timer_of(person)
        try:
            outcome = services.session_record(
                by=viewer,
                entry=services.SessionInput(
                    officer=person,
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    minutes=data["minutes"],
                    max_category=data["max_category"],
                    media=data["media_viewed"],
                    counts=form.counts(),
                    mentor_present=data["mentor_present"],
                    case=queries.case_by_id(person.force_id, data["case"]),
                    work_package=queries.package_by_id(person.force_id, data["work_package"]),
                    break_minutes=data["break_minutes"],
                    source=Source.WEB,
                    timer=timer if timer is not None and timer.stopped_at is not None else None,
                ),
            )
        except Refused as exc:
            if exc.status == 404:
                raise Http404("Not found.") from exc
            _refusal_on(form, exc)
        else:
            _outcome_messages(request, outcome, is_self)
            return redirect("exposure", person_id=person.pk)
    timer = queries.timer_of(person)
    return render(
        request,
        "exposure/log.html",
        {
            "person": person,
            "is_self": is_self,
            "form": form,
            "panel": queries.before_you_start(person),
            "from_timer": timer is not None and timer.stopped_at is not None,
            "timer": timer,
        },
        status=400 if form.errors else 200,
    )


# --- The session timer -----------------------------------------------------------------------


@access("exposure.log", subject="person_id", log="exposure timer")
def timer(request: HttpRequest, person: Person) -> HttpResponse:
    """Start, break, stop: the start time is kept on the server, so it works without
    JavaScript; the page refreshes itself every minute to remind the officer of breaks."""
    viewer = viewer_of(request)
    current = queries.timer_of(person)
    form = TimerStartForm(_posted(request), packages=_package_choices(person))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "start" and form.is_valid():
                services.timer_start(
                    by=viewer,
                    officer=person,
                    mentor_present=form.cleaned_data["mentor_present"],
                    work_package=queries.package_by_id(
                        person.force_id, form.cleaned_data["work_package"]
                    ),
                )
                messages.success(request, "The session timer has started.")
                return redirect("exposure_timer", person_id=person.pk)
            if action == "break":
                t = services.timer_break(by=viewer, officer=person)
                messages.success(
                    request,
                    "Break started: the timer is not counting viewing. Come back when you are ready."
                    if t.on_break_since
                    else "Welcome back: viewing is being timed again.",
                )
                return redirect("exposure_timer", person_id=person.pk)
            if action == "stop":
                services.timer_stop(by=viewer, officer=person)
                messages.success(request, "Stopped. Now say what the session included.")
                return redirect("exposure_log", person_id=person.pk)
            if action == "discard":
                services.timer_discard(by=viewer, officer=person)
                messages.success(request, "The timer was discarded; nothing was logged.")
                return redirect("exposure", person_id=person.pk)
        except Refused as exc:
            if exc.status == 404:
                raise Http404("Not found.") from exc
            _refusal_on(form, exc)
        current = queries.timer_of(person)
    if current is not None and current.stopped_at is not None and request.method == "GET":
        return redirect("exposure_log", person_id=person.pk)
    status = queries.timer_status(current) if current is not None else None
    context = {
        "person": person,
        "is_self": viewer.person.pk == person.pk,
        "form": form,
        "status": status,
        "panel": queries.before_you_start(person) if current is None else None,
    }
    if request.htmx and status is not None:  # type: ignore[attr-defined]
        return render(request, "exposure/_timer_status.html", context)
    return render(request, "exposure/timer.html", context, status=400 if form.errors else 200)


# --- The team's week -------------------------------------------------------------------------


def _officers_of(viewer: Viewer) -> Any:
    if viewer.role == Role.SUPERVISOR:
        return people_queries.reports_of(viewer.person)
    if viewer.role == Role.MENTOR:
        return people_queries.mentees_of(viewer.person)
    return people_queries.officers_of_force(viewer.force_id)


def _week_of(request: HttpRequest, today: dt.date) -> dt.date:
    raw = request.GET.get("week", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return queries.monday_of(min(day, today))


@access("team.view")
def team_exposure(request: HttpRequest) -> HttpResponse:
    """Hours, sessions, breaks, limits passed and unexpected exposures, one week at a time:
    the basis of the workload review."""
    viewer = viewer_of(request)
    policy = policy_queries.current(viewer.force_id)
    today = calendar.today_for(policy)
    monday = _week_of(request, today)
    page = paginate(request, _officers_of(viewer).order_by("full_name"), per_page=50)
    officers = list(page.object_list)
    access_log_record_many(viewer=viewer, subjects=officers, what="team exposure")
    week = queries.team_week(officers, monday, policy)
    this_monday = queries.monday_of(today)
    return render(
        request,
        "exposure/team_week.html",
        {
            "week": week,
            "page": page,
            "limits": policy.limits,
            "previous": (monday - dt.timedelta(days=7)).isoformat(),
            "next": (monday + dt.timedelta(days=7)).isoformat() if monday < this_monday else None,
            "is_this_week": monday == this_monday,
        },
    )


# --- Cases and work packages -----------------------------------------------------------------


@access("cases.manage")
def cases(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    page = paginate(request, queries.cases_of(viewer), per_page=25)
    return render(
        request,
        "exposure/cases.html",
        {"page": page, "is_welfare_lead": viewer.role == Role.WELFARE_LEAD},
    )


@csrf_exempt
@access("cases.manage")
def case_import(request: HttpRequest) -> HttpResponse:
    """Upload a grading-tool export. The upload goes to a temporary file on disk (never into
    memory) and is read streaming; CSRF is checked after the upload handler is chosen."""
    stream_uploads_to_disk(request)
    return _case_import(request)


@csrf_protect
def _case_import(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    force = viewer.person.force
    posted = request.method == "POST"
    # The welfare lead says which team a case is for; a supervisor's is their own team's.
    teams = queries.teams_of_force(force.pk) if viewer.role == Role.WELFARE_LEAD else None
    form = CaseImportForm(
        request.POST if posted else None, request.FILES if posted else None, teams=teams
    )
    if posted:
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.errors.pop("file", None)
            add_refusal(form, "file", too_large_message())
        elif form.is_valid():
            try:
                outcome = services.case_import(
                    by=viewer,
                    force=force,
                    stream=form.cleaned_data["file"],
                    case_ref=form.cleaned_data["case_ref"],
                    team=form.cleaned_data.get("team"),
                )
            except Refused as exc:
                _refusal_on(form, exc)
            else:
                case = outcome.case
                if outcome.already_imported:
                    messages.warning(
                        request,
                        f"This file was imported before, into case {case.case_ref}: nothing "
                        "has changed.",
                    )
                else:
                    messages.success(
                        request,
                        f"Case {case.case_ref} {'imported' if outcome.created else 'updated'}: "
                        f"{case.total_items:,} items counted"
                        + (
                            f", {case.ignored_items:,} left out by the mapping"
                            if case.ignored_items
                            else ""
                        )
                        + ".",
                    )
                return redirect("case", case_id=case.pk)
    policy = policy_queries.current(force.pk)
    return render(
        request,
        "exposure/case_import.html",
        {
            "form": form,
            "mapping": sorted(policy.category_mapping.items(), key=lambda kv: kv[0]),
            "profile": policy.category_profile,
        },
        status=400 if form.errors else 200,
    )


def _case_or_404(viewer: Viewer, case_id: int) -> Any:
    # Another team's case is not found, never forbidden.
    case = queries.case_for(viewer, case_id)
    if case is None:
        raise Http404("No such case.")
    return case


def _render_case(
    request: HttpRequest, case: Any, package_form: PackageForm | None = None
) -> HttpResponse:
    viewer = viewer_of(request)
    totals = queries.category_totals(case)
    form = package_form or PackageForm(categories=category_choices_of(totals))
    return render(
        request,
        "exposure/case_detail.html",
        {
            "case": case,
            "table": queries.volume_table(case.volumes.all()),
            "packages": list(case.packages.all()),
            "form": form,
            # Only the officers the viewer may see on a case: never another team's.
            "worked_on": queries.seen_on_cases(viewer, services.officers_who_worked_on(case)),
            "may_close": queries.manages_case(viewer, case),
            "is_welfare_lead": viewer.role == Role.WELFARE_LEAD,
        },
        status=400 if form.errors else 200,
    )


@access("cases.manage")
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's volume per category and media kind, its packages and who has them; the
    welfare lead also posts here to share it with every team, or to stop sharing it."""
    viewer = viewer_of(request)
    case = _case_or_404(viewer, case_id)
    if request.method == "POST":
        shared = request.POST.get("shared") == "yes"
        try:
            services.case_share(by=viewer, case=case, shared=shared)
        except Refused as exc:
            if exc.status == 404:
                raise Http404("No such case.") from exc
            for d in exc.details:
                messages.error(request, d.message)
        else:
            messages.success(
                request,
                f"Case {case.case_ref} is shared with every team; each supervisor sees only "
                "their own team's officers on it."
                if shared
                else f"Case {case.case_ref} is no longer shared.",
            )
        return redirect("case", case_id=case.pk)
    return _render_case(request, case)


@access("cases.manage")
def package_new(request: HttpRequest, case_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    case = _case_or_404(viewer, case_id)
    if request.method != "POST":
        return redirect("case", case_id=case.pk)
    form = PackageForm(request.POST, categories=category_choices_of(queries.category_totals(case)))
    if form.is_valid():
        try:
            package = services.work_package_create(
                by=viewer,
                case=case,
                category=form.cleaned_data["category"],
                kinds=form.cleaned_data["kinds"],
            )
        except Refused as exc:
            _refusal_on(form, exc)
        else:
            messages.success(request, f"Work package ready: {queries.package_label(package)}.")
            return redirect("package_assign", package_id=package.pk)
    return _render_case(request, case, form)


def _assignable(viewer: Viewer) -> list[tuple[int, str]]:
    """Officers the viewer looks after, each with what they are cleared for now."""
    officers = list(_officers_of(viewer).order_by("full_name"))
    rows = pathway_queries.team_rows(officers)
    # Each choice shows the officer's stage and clearance: a read of their pathway.
    access_log_record_many(viewer=viewer, subjects=officers, what="pathway.view")
    choices = []
    for row in rows:
        c = row.state.clearance
        cleared = f"cleared up to Category {c.max_category}" if c.max_category else "no viewing"
        choices.append(
            (row.officer.pk, f"{row.officer.full_name} ({row.state.stage.label}; {cleared})")
        )
    return choices


@access("cases.manage")
def package_assign(request: HttpRequest, package_id: int) -> HttpResponse:
    """Give a package to an officer; above their clearance it is refused, saying why."""
    viewer = viewer_of(request)
    package = queries.package_for(viewer, package_id)
    if package is None:
        raise Http404("No such work package.")
    form = AssignForm(_posted(request), officers=_assignable(viewer))
    if request.method == "POST" and form.is_valid():
        officer = queries.person_in_force(viewer.force_id, form.cleaned_data["officer"])
        assert officer is not None  # the form offers only officers the viewer looks after
        try:
            services.work_package_assign(by=viewer, package=package, officer=officer)
        except Refused as exc:
            form_refusal(form, exc, place=lambda d: "officer")
        else:
            messages.success(
                request, f"Assigned to {officer.full_name}. They have been told in their inbox."
            )
            return redirect("case", case_id=package.case_id)
    return render(
        request,
        "exposure/package_assign.html",
        {"package": package, "label": queries.package_label(package), "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@access("cases.manage")
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    case = _case_or_404(viewer, case_id)
    try:
        officers = services.case_close(by=viewer, case=case)
    except Refused as exc:
        for d in exc.details:
            messages.error(request, d.message)
    else:
        # Count only the officers the closer may see on the case, never another team's.
        seen = queries.seen_on_cases(viewer, officers)
        everyone = viewer.role == Role.WELFARE_LEAD
        whose = "" if everyone else " of your team"
        if seen:
            text = (
                f"A debrief to share the outcome is due for {len(seen)} "
                f"officer{'s' if len(seen) != 1 else ''}{whose}."
            )
        elif everyone:
            text = "Nobody had worked on it, so no debrief is due."
        else:
            text = "No officer of your team had worked on it, so none of them has a debrief due."
        if case.shared and not everyone:
            text += " Officers of other teams who worked on it get a debrief too."
        messages.success(request, f"Case {case.case_ref} closed. {text}")
    return redirect(reverse("case", args=[case.pk]))
