"""Welfare support pages: my support, a person's timeline and notes, team and force support,
escalations, support contacts, coping strategies, and the personal calendar feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wellgate import calendar, clock
from wellgate.errors import Refused
from wellgate.flags.models import State
from wellgate.flags.queries import flags_visible_to
from wellgate.notify import ical
from wellgate.pages import form_refusal, paginate
from wellgate.people.access import can
from wellgate.people.models import Person, Role
from wellgate.people.services import access_log_record_many
from wellgate.people.web import access, public, viewer_of
from wellgate.support import queries, rules, services
from wellgate.support.forms import (
    CopingForm,
    MeetingForm,
    ObligationActionForm,
    ObservationForm,
    PsychAttendedForm,
    PsychBookForm,
    WelfareDayForm,
)
from wellgate.support.models import MEETING_KINDS, NEUTRAL_LABELS, Obligation, ObligationEvent


@dataclass(frozen=True)
class Row:
    """An obligation as a timeline row: what, when, and in plain words where it stands."""

    ob: Obligation
    status: str
    css: str
    events: list[ObligationEvent]

    @property
    def reschedules(self) -> list[ObligationEvent]:
        return [e for e in self.events if e.type == "rescheduled"]


def _status(ob: Obligation, today: dt.date) -> tuple[str, str]:
    if ob.state == "done":
        return f"Done on {rules.long_date(ob.done_on)}" if ob.done_on else "Done", "status-ok"
    if ob.state == "missed":
        return "Missed", ""
    if ob.state == "stopped":
        return "Stopped: left the team", ""
    days = (ob.effective_due_on - today).days
    if days < 0:
        return f"Overdue by {-days} day{'s' if days != -1 else ''}", "status-bad"
    if days == 0:
        return "Due today", "status-todo"
    return f"Due in {days} day{'s' if days != 1 else ''}", "status-todo"


def _rows(obligations: Any, today: dt.date, with_events: bool = True) -> list[Row]:
    obs = list(obligations)
    events = queries.events_of(obs) if with_events else {}
    return [Row(ob, *_status(ob, today), events.get(ob.pk, [])) for ob in obs]


def _today(force_id: int) -> dt.date:
    return calendar.today_for(services.policy_for(force_id))


def _log_list(request: HttpRequest, people: Any, what: str) -> None:
    access_log_record_many(viewer=viewer_of(request), subjects=people, what=what)


# --- The officer's own support ------------------------------------------------------------


@access("support.self")
def my_support(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    officer = viewer.person
    policy = services.policy_for(officer.force_id)
    today = calendar.today_for(policy)
    history = paginate(request, queries.history_of(officer), per_page=10)
    return render(
        request,
        "support/my_support.html",
        {
            "today": today,
            "outstanding": _rows(queries.outstanding_of(officer), today),
            "history": history,
            "history_rows": _rows(history.object_list, today),
            "appointments": queries.upcoming_appointments(officer, today),
            "time_away": queries.time_away_of(officer)[:5],
            "time_away_kinds": rules.TIME_AWAY_KINDS,
            "feed": queries.live_feed(officer),
            "welfare_day_form": WelfareDayForm(initial={"day": today}),
            "contacts": policy.support_contacts,
            "strategies": queries.coping_for(viewer)[:3],
        },
    )


@require_POST
@access("support.self")
def time_away(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    try:
        services.time_away_take(by=viewer, kind=request.POST.get("kind") or "short_break")
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Recorded. Take the time you need: nobody has to approve it.")
    return redirect("my_support")


@access("support.self")
def welfare_day(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = WelfareDayForm(request.POST or None, initial={"day": _today(viewer.force_id)})
    if request.method == "POST" and form.is_valid():
        try:
            services.welfare_day_book(by=viewer, day=form.cleaned_data["day"])
        except Refused as exc:
            form_refusal(form, exc)
        else:
            messages.success(
                request, f"Welfare day booked for {rules.long_date(form.cleaned_data['day'])}."
            )
            return redirect("my_support")
    return render(
        request,
        "support/welfare_day.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@access("support.self")
def calendar_manage(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(by=viewer)
        messages.success(request, "Your calendar link no longer works.")
        return redirect("my_support")
    _, secret = services.calendar_feed_create(by=viewer)
    url = request.build_absolute_uri(reverse("calendar_feed", args=[secret]))
    return render(request, "support/calendar_created.html", {"url": url})


@public
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal calendar feed. Public, because calendar programs cannot sign in: the
    unguessable secret in the address (256 bits, stored only as a hash, revocable) is the
    credential, and the feed holds neutral titles and dates only."""
    feed = queries.feed_for_secret(token)
    if feed is None:
        raise Http404("No such calendar.")
    person = feed.person
    body = ical.render(
        "Wellbeing",
        queries.calendar_events(person, _today(person.force_id)),
        stamp=clock.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@access("support.self")
def coping(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = CopingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coping_share(by=viewer, **form.cleaned_data)
        except Refused as exc:
            form_refusal(form, exc)
        else:
            messages.success(request, "Shared with your team. Thank you.")
            return redirect("coping")
    return render(
        request,
        "support/coping.html",
        {"form": form, "page": paginate(request, queries.coping_for(viewer), per_page=20)},
        status=400 if form.errors else 200,
    )


@require_POST
@access("support.self")
def coping_helpful(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    raw = request.POST.get("strategy", "")
    if not raw.isdigit():
        messages.error(request, "Choose the strategy you found helpful.")
        return redirect("coping")
    strategy = get_object_or_404(queries.coping_for(viewer), pk=int(raw))
    try:
        services.coping_mark_helpful(by=viewer, strategy=strategy)
    except Refused as exc:
        messages.error(request, str(exc))
    if request.htmx:  # type: ignore[attr-defined]
        strategy = queries.coping_for(viewer).get(pk=strategy.pk)
        return render(request, "support/helpful.html", {"s": strategy})
    return redirect(reverse("coping") + f"#strategy-{strategy.pk}")


@access("home.view")
def contacts(request: HttpRequest) -> HttpResponse:
    policy = services.policy_for(viewer_of(request).force_id)
    return render(request, "support/contacts.html", {"contacts": policy.support_contacts})


# --- One person ---------------------------------------------------------------------------


@access("obligations.view", subject="person_id", log="support timeline")
def person_support(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    if person.pk == viewer.person.pk:
        return redirect("my_support")
    today = _today(person.force_id)
    history = paginate(request, queries.history_of(person), per_page=10)
    flags = flags_visible_to(viewer).filter(officer=person, state=State.OPEN)
    return render(
        request,
        "support/person_support.html",
        {
            "person": person,
            "today": today,
            "outstanding": _rows(queries.outstanding_of(person), today),
            "history": history,
            "history_rows": _rows(history.object_list, today),
            "appointments": queries.upcoming_appointments(person, today),
            "time_away": queries.time_away_of(person)[:10],
            "flags": flags,
            "may_record": can(viewer, "support.record", person),
            "may_read_notes": can(viewer, "notes.view", person),
            "meeting_kinds": MEETING_KINDS,
        },
    )


@access("notes.view", subject="person_id", log="support notes")
def person_notes(request: HttpRequest, person: Person) -> HttpResponse:
    return render(
        request,
        "support/person_notes.html",
        {
            "person": person,
            "meetings": paginate(request, queries.meetings_of(person), per_page=10),
            "observations": queries.observations_of(person)[:50],
        },
    )


def _open_flags(request: HttpRequest, person: Person) -> Any:
    return flags_visible_to(viewer_of(request)).filter(officer=person, state=State.OPEN)


@access("support.record", subject="person_id")
def meeting_new(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    today = _today(person.force_id)
    flags = _open_flags(request, person)
    initial: dict[str, Any] = {"held_on": today, "kind": request.GET.get("kind", "one_to_one")}
    flag_id = request.GET.get("flag", "")
    if flag_id.isdigit():
        initial["closes_flag"] = flags.filter(pk=int(flag_id)).first()
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        obligations=queries.outstanding_of(person),
        flags=flags,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                by=viewer,
                officer=person,
                kind=data["kind"],
                held_on=data["held_on"],
                how_are_you=data["how_are_you"],
                workload=data["workload"],
                signs=data["signs"],
                agreed_actions=data["agreed_actions"],
                note=data["note"],
                obligation=data["obligation"],
                closes_flag=data.get("closes_flag"),
            )
        except Refused as exc:
            form_refusal(form, exc)
        else:
            label = NEUTRAL_LABELS[data["kind"]]
            messages.success(request, f"{label} recorded for {person.full_name}.")
            return redirect("person_support", person_id=person.pk)
    return render(
        request,
        "support/meeting_form.html",
        {"person": person, "form": form, "kinds": MEETING_KINDS},
        status=400 if form.errors else 200,
    )


@access("support.record", subject="person_id")
def observation_new(request: HttpRequest, person: Person) -> HttpResponse:
    viewer = viewer_of(request)
    form = ObservationForm(request.POST or None, initial={"observed_on": _today(person.force_id)})
    if request.method == "POST" and form.is_valid():
        try:
            _, flag = services.observation_record(by=viewer, officer=person, **form.cleaned_data)
        except Refused as exc:
            form_refusal(form, exc)
        else:
            extra = " An amber flag is open until a conversation is recorded." if flag else ""
            messages.success(request, f"Observation recorded.{extra}")
            return redirect("person_support", person_id=person.pk)
    return render(
        request,
        "support/observation_form.html",
        {"person": person, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@access("obligations.record")
def obligation_act(request: HttpRequest) -> HttpResponse:
    """Done, rescheduled or missed, from a timeline row (the obligation id is in the form)."""
    viewer = viewer_of(request)
    form = ObligationActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened and, for a reschedule, the new date.")
        return redirect("home")
    data = form.cleaned_data
    ob = get_object_or_404(queries.obligations_visible_to(viewer), pk=data["obligation"])
    target = (
        data["next"]
        if url_has_allowed_host_and_scheme(data["next"], allowed_hosts={request.get_host()})
        and data["next"]
        else reverse("person_support", args=[ob.officer_id])
    )
    try:
        if data["action"] == "complete":
            services.obligation_complete(by=viewer, obligation=ob, done_on=data["on"])
            messages.success(request, f"{ob.label} recorded as done.")
        elif data["action"] == "miss":
            services.obligation_miss(by=viewer, obligation=ob)
            messages.success(request, f"{ob.label} recorded as missed.")
        else:
            if data["on"] is None:
                raise Refused.one("invalid.missing", "Choose the new date.", "on")
            services.obligation_reschedule(by=viewer, obligation=ob, to=data["on"])
            messages.success(request, f"{ob.label} moved to {rules.long_date(data['on'])}.")
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect(target)


# --- Team, force and escalations ----------------------------------------------------------


def _open_flags_page(request: HttpRequest) -> Any:
    flags = flags_visible_to(viewer_of(request)).filter(state=State.OPEN)
    return paginate_as(request, flags.order_by("-severity", "opened_at", "id"), "fpage", 25)


def paginate_as(request: HttpRequest, items: Any, param: str, per_page: int) -> Any:
    """Like ``paginate``, for a second list on the page with its own ``?param=``."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


@access("support.team")
def team_support(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    today = _today(viewer.force_id)
    page = paginate(request, queries.outstanding_for(viewer), per_page=25)
    flags = _open_flags_page(request)
    _log_list(
        request,
        [ob.officer for ob in page.object_list] + [f.officer for f in flags.object_list],
        "team support",
    )
    return render(
        request,
        "support/team_support.html",
        {
            "today": today,
            "page": page,
            "rows": _rows(page.object_list, today, with_events=False),
            "flags": flags,
        },
    )


@access("force.welfare")
def force_support(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    today = _today(viewer.force_id)
    page = paginate(request, queries.overdue_in_force(viewer.force_id, today), per_page=25)
    flags = _open_flags_page(request)
    booked = paginate_as(request, queries.booked_psych(viewer.force_id), "bpage", 25)
    _log_list(
        request,
        [ob.officer for ob in page.object_list]
        + [f.officer for f in flags.object_list]
        + [a.officer for a in booked.object_list],
        "force support",
    )
    return render(
        request,
        "support/force_support.html",
        {
            "today": today,
            "now": clock.now(),
            "page": page,
            "rows": _rows(page.object_list, today, with_events=False),
            "flags": flags,
            "booked": booked,
        },
    )


@access("force.welfare")
def psych(request: HttpRequest) -> HttpResponse:
    """Book a psychological assessment, or record one attended that was not booked here."""
    viewer = viewer_of(request)
    officers = queries.supported_officers(viewer)
    today = _today(viewer.force_id)
    action = request.POST.get("action") if request.method == "POST" else None
    book = PsychBookForm(
        request.POST if action == "book" else None, officers=officers, prefix="book"
    )
    attended = PsychAttendedForm(
        request.POST if action == "attended" else None,
        officers=officers,
        prefix="attended",
        initial={"attended_on": today},
    )
    selected = request.GET.get("officer", "")
    if selected.isdigit():
        book.initial["officer"] = attended.initial["officer"] = int(selected)
    try:
        if action == "book" and book.is_valid():
            data = book.cleaned_data
            policy = services.policy_for(viewer.force_id)
            starts = dt.datetime.combine(data["day"], data["time"], tzinfo=calendar.zone_of(policy))
            services.psych_book(by=viewer, officer=data["officer"], starts_at=starts)
            messages.success(
                request, f"Assessment booked for {data['officer'].full_name}; they have been told."
            )
            return redirect("force_support")
        if action == "attended" and attended.is_valid():
            data = attended.cleaned_data
            services.psych_attended_record(
                by=viewer, officer=data["officer"], attended_on=data["attended_on"]
            )
            messages.success(request, f"Attendance recorded for {data['officer'].full_name}.")
            return redirect("force_support")
    except Refused as exc:
        form = book if action == "book" else attended
        names = {"starts_at": "day", "attended_on": "attended_on"}
        form_refusal(form, exc, place=lambda d: names.get(d.field or ""))
    return render(
        request,
        "support/psych.html",
        {"book": book, "attended": attended},
        status=400 if (book.errors or attended.errors) else 200,
    )


@require_POST
@access("force.welfare")
def psych_attendance(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    raw = request.POST.get("appointment", "")
    if not raw.isdigit():
        messages.error(request, "Choose the booked assessment to record.")
        return redirect("force_support")
    appointment = get_object_or_404(queries.booked_psych(viewer.force_id), pk=int(raw))
    attended = request.POST.get("attended") == "yes"
    try:
        services.psych_attendance_record(by=viewer, appointment=appointment, attended=attended)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        what = "attended" if attended else "not attended"
        messages.success(request, f"Recorded as {what} for {appointment.officer.full_name}.")
    return redirect("force_support")


@access("escalations.view")
def escalations(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    policy = services.policy_for(viewer.force_id)
    today = calendar.today_for(policy)
    level = "senior_leader" if viewer.role == Role.SENIOR_LEADER else "welfare_lead"
    if level == "senior_leader":
        # Only what is addressed to them, each naming its officer: nothing else of anyone.
        rows: Any = queries.escalated_to_senior_leaders(viewer.force_id, policy, today)
    else:
        rows = queries.escalated(viewer.force_id, policy, today, at_least=level)
    page = paginate(request, rows, per_page=25)
    _log_list(request, [r.officer for r in page.object_list], "escalations")
    return render(
        request,
        "support/escalations.html",
        {"page": page, "level": level, "policy": policy, "today": today},
    )
