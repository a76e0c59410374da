"""Check-in pages: check in, the result, my check-ins with their trend, the welfare lead's view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from wellgate import clock
from wellgate.checkins import catalogue, chart, queries, rules, services
from wellgate.checkins.forms import CheckinForm
from wellgate.checkins.rules import Instrument
from wellgate.errors import Refused
from wellgate.pages import form_refusal, paginate
from wellgate.people.models import Person
from wellgate.people.queries import current_supervisor
from wellgate.people.services import access_log_record_many
from wellgate.people.web import access, viewer_of
from wellgate.policy import queries as policy_queries


def _who_sees(person: Person, instrument: Instrument | None = None) -> dict[str, Any]:
    """What the officer is told before starting: exactly who will see the result."""
    policy = policy_queries.current(person.force_id)
    instruments = [instrument] if instrument else list(catalogue.instruments().values())
    critical = [(i.title, rules.critical_when(i)) for i in instruments if rules.critical_when(i)]
    changes = [(i.title, rules.change_when(i)) for i in instruments if i.change_rules]
    return {
        "welfare_leads": queries.welfare_leads_named(person.force_id),
        "share_default": services.shares_by_default(policy),
        "critical": critical,
        "changes": changes,
        "supervisor": current_supervisor(person),
        "k": policy.k_anonymity,
    }


@access("checkins.self")
def checkins(request: HttpRequest) -> HttpResponse:
    """ "Check in": what is due, every questionnaire, and who will see the result."""
    viewer = viewer_of(request)
    due = queries.due_for(viewer.person, clock.now())
    instruments = catalogue.instruments()
    return render(
        request,
        "checkins/checkins.html",
        {
            "due": [
                {"due": d, "instruments": [instruments[i] for i in d.instrument_ids]} for d in due
            ],
            "instruments": list(instruments.values()),
            **_who_sees(viewer.person),
        },
    )


def _title(instrument_id: str) -> str:
    instrument = catalogue.instrument(instrument_id)
    return instrument.title if instrument else instrument_id


def _instrument_or_404(instrument_id: str) -> Instrument:
    instrument = catalogue.instrument(instrument_id)
    if instrument is None:
        raise Http404("No such check-in.")
    return instrument


@access("checkins.self")
def checkin_form(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """One questionnaire: who sees it first, then one radio group per question."""
    viewer = viewer_of(request)
    instrument = _instrument_or_404(instrument_id)
    who = _who_sees(viewer.person, instrument)
    form = CheckinForm(
        request.POST or None, instrument=instrument, share_default=who["share_default"]
    )
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_submit(
                by=viewer,
                instrument_id=instrument.id,
                answers=form.answers(),
                share_with_welfare_lead=form.shared(),
            )
        except Refused as exc:
            form_refusal(form, exc, place=lambda d: (d.field or "").removeprefix("answers."))
        else:
            return redirect("checkin_result", checkin_id=checkin.pk)
    return render(
        request,
        "checkins/form.html",
        {"instrument": instrument, "form": form, **who},
        status=400 if form.errors else 200,
    )


@require_POST
@access("checkins.self")
def checkin_skip(request: HttpRequest) -> HttpResponse:
    """Skip one check-in, or every due one of a group, in one click."""
    viewer = viewer_of(request)
    ids = request.POST.getlist("instrument")
    try:
        services.checkin_skip(by=viewer, instrument_ids=ids)
    except Refused as exc:
        for d in exc.details:
            messages.error(request, d.message)
    else:
        messages.success(
            request,
            "Skipped. That is completely fine, and it is never held against you. "
            "You can check in whenever you like.",
        )
    return redirect("checkins")


@access("checkins.self")
def checkin_result(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """The result in plain words; support and crisis contacts first when an answer is critical."""
    viewer = viewer_of(request)
    checkin = queries.own_checkin(viewer, checkin_id)
    if checkin is None:
        raise Http404("No such check-in.")
    instrument = catalogue.instrument(checkin.instrument_id)
    score = checkin.score
    policy = policy_queries.current(viewer.force_id)
    flags = queries.flags_of(checkin)
    return render(
        request,
        "checkins/result.html",
        {
            "checkin": checkin,
            "instrument": instrument,
            "lines": queries.lines_of(instrument, score) if instrument else [],
            "critical_reasons": [instrument.critical_message(c) for c in score.critical_reasons]
            if instrument
            else [],
            "contacts": policy.support_contacts,
            "amber": [f for f in flags if f.severity == "amber"],
            "red": [f for f in flags if f.severity == "red"],
            "welfare_leads": queries.welfare_leads_named(viewer.force_id),
            "supervisor": current_supervisor(viewer.person),
        },
    )


@access("checkins.self")
def checkin_nudge(request: HttpRequest) -> HttpResponse:
    """Ask one's supervisor for a conversation: they learn that, and nothing else."""
    viewer = viewer_of(request)
    supervisor = current_supervisor(viewer.person)
    if request.method == "POST":
        try:
            services.nudge_send(by=viewer)
        except Refused as exc:
            for d in exc.details:
                messages.error(request, d.message)
        else:
            messages.success(
                request,
                f"Sent. {supervisor.full_name if supervisor else 'Your supervisor'} knows you "
                "would like a conversation, and nothing more.",
            )
            return redirect("checkins")
    return render(
        request,
        "checkins/nudge.html",
        {"supervisor": supervisor, "last": queries.last_nudge(viewer.person)},
    )


def _answers(instrument: Instrument | None, answers: dict[str, int]) -> list[tuple[str, str]]:
    if instrument is None:
        return [(k, str(v)) for k, v in answers.items()]
    found = []
    for number, item in enumerate(instrument.items, 1):
        label = next((o.label for o in item.options if o.value == answers.get(item.id)), "—")
        found.append((f"{number}. {item.text}", label))
    return found


def _chart(trend: queries.Trend, n: int) -> str:
    instrument = trend.instrument
    keys = trend.keys or instrument.keys[:1]
    series = [
        chart.Series(
            rules.key_label(key) if len(keys) > 1 else instrument.title,
            tuple(
                (timezone.localdate(r.checkin.created_at), r.checkin.score.totals[key])
                for r in trend.rows
                if key in r.checkin.score.totals
            ),
        )
        for key in keys
    ]
    low, high = rules.key_range(instrument, keys[0])
    bands = [
        chart.BandArea(b.label, b.minimum, b.maximum) for b in instrument.bands.get(keys[0], ())
    ]
    latest = trend.rows[-1]
    summary = "; ".join(
        f"{line.label} {line.value:g}" + (f" ({line.band.label})" if line.band else "")
        for line in latest.lines
    )
    first_day = timezone.localdate(trend.rows[0].checkin.created_at)
    last_day = timezone.localdate(latest.checkin.created_at)
    description = (
        f"{len(trend.rows)} check-in{'s' if len(trend.rows) != 1 else ''} from "
        f"{first_day:%d %B %Y} to {last_day:%d %B %Y}. Latest: {summary}. "
        "The table beside the chart gives every value."
    )
    # Safe: chart.trend_svg escapes every piece of text it draws.
    return mark_safe(
        chart.trend_svg(
            chart_id=f"trend-{n}",
            title=f"{instrument.title} over time",
            description=description,
            series=series,
            y_min=low,
            y_max=high,
            bands=bands,
        )
    )


@access("checkins.view", subject="person_id", log="check-ins")
def person_checkins(request: HttpRequest, person: Person) -> HttpResponse:
    """ "My check-ins" for the officer; for the welfare lead, only what the officer shared."""
    viewer = viewer_of(request)
    is_self = viewer.person.pk == person.pk
    visible = list(queries.checkins_visible_to(viewer, person))
    trends = queries.trends_of(visible)
    page = paginate(request, visible, per_page=20)
    rows = [
        {"row": r, "answers": _answers(r.instrument, r.checkin.answers)}
        for r in queries.rows_of(list(page.object_list))
    ]
    return render(
        request,
        "checkins/person.html",
        {
            "person": person,
            "is_self": is_self,
            "charts": [
                {"trend": t, "svg": _chart(t, n), "id": f"trend-{n}"}
                for n, t in enumerate(trends, 1)
            ],
            "page": page,
            "rows": rows,
            "skips": [
                (s.created_at, _title(s.instrument_id)) for s in queries.skips_of(person)[:10]
            ]
            if is_self
            else [],
        },
    )


@access("force.welfare")
def force_checkins(request: HttpRequest) -> HttpResponse:
    """The welfare lead's view: check-in flags to act on, and every check-in shared with them."""
    viewer = viewer_of(request)
    flags = Paginator(queries.checkin_flag_queue(viewer), 25).get_page(request.GET.get("fpage"))
    shared = paginate(request, queries.shared_in_force(viewer), per_page=25)
    access_log_record_many(
        viewer=viewer,
        subjects=[f.officer for f in flags.object_list] + [c.officer for c in shared.object_list],
        what="check-ins list",
    )
    return render(
        request,
        "checkins/force.html",
        {"flags": flags, "shared": shared, "rows": queries.rows_of(list(shared.object_list))},
    )
