"""Flag pages: one flag with its history; taking it over, adding a note, closing it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from wellgate.errors import Refused
from wellgate.flags import services
from wellgate.flags.forms import FlagCloseForm, FlagNoteForm
from wellgate.flags.models import Flag
from wellgate.flags.queries import flag_history, flags_visible_to
from wellgate.pages import form_refusal
from wellgate.people.access import can
from wellgate.people.services import access_log_record
from wellgate.people.web import access, viewer_of


def _flag(request: HttpRequest, flag_id: int) -> Flag:
    """The flag if the viewer may see it; every page about it shows the officer's welfare
    state, so opening one is logged (a refused form re-shows the flag too)."""
    viewer = viewer_of(request)
    flag = get_object_or_404(flags_visible_to(viewer), pk=flag_id)
    access_log_record(viewer=viewer, subject=flag.officer, what="flag")
    return flag


@access("support.team")
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    """The flag; the welfare lead also posts here to hold the officer's pathway on it."""
    flag = _flag(request, flag_id)
    if request.method == "POST":
        return _hold(request, flag)
    return _render(request, flag, FlagNoteForm(), FlagCloseForm())


def _hold(request: HttpRequest, flag: Flag) -> HttpResponse:
    holds = request.POST.get("hold") == "yes"
    try:
        services.flag_hold_set(by=viewer_of(request), flag=flag, holds=holds)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{flag.officer.full_name}'s pathway is held: everyone sees only that you are "
            "following something up."
            if holds
            else f"{flag.officer.full_name}'s pathway is no longer held.",
        )
    return redirect("flag", flag_id=flag.pk)


def _render(
    request: HttpRequest, flag: Flag, note_form: FlagNoteForm, close_form: FlagCloseForm
) -> HttpResponse:
    viewer = viewer_of(request)
    return render(
        request,
        "flags/flag_detail.html",
        {
            "flag": flag,
            "history": flag_history(flag),
            "may_act": services.may_act_on(viewer, flag),
            "may_read_notes": can(viewer, "notes.view", flag.officer),
            "is_welfare_lead": can(viewer, "force.welfare", flag.officer.force),
            "note_form": note_form,
            "close_form": close_form,
        },
        status=400 if (note_form.errors or close_form.errors) else 200,
    )


@require_POST
@access("force.welfare")
def flag_take_over(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = _flag(request, flag_id)
    try:
        services.flag_take_over(by=viewer_of(request), flag=flag)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"You now own the flag for {flag.officer.full_name}.")
    return redirect("flag", flag_id=flag.pk)


@require_POST
@access("support.team")
def flag_note(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = _flag(request, flag_id)
    form = FlagNoteForm(request.POST)
    if form.is_valid():
        try:
            services.flag_note_add(by=viewer_of(request), flag=flag, note=form.cleaned_data["note"])
        except Refused as exc:
            form_refusal(form, exc)
        else:
            messages.success(request, "Note added to the flag's history.")
            return redirect("flag", flag_id=flag.pk)
    return _render(request, flag, form, FlagCloseForm())


@require_POST
@access("force.welfare")
def flag_close(request: HttpRequest, flag_id: int) -> HttpResponse:
    """The welfare lead closes a flag with a note saying what was done."""
    flag = _flag(request, flag_id)
    form = FlagCloseForm(request.POST)
    if form.is_valid():
        try:
            services.flag_close(by=viewer_of(request), flag=flag, note=form.cleaned_data["note"])
        except Refused as exc:
            form_refusal(form, exc)
        else:
            messages.success(request, f"Flag for {flag.officer.full_name} closed.")
            return redirect("flag", flag_id=flag.pk)
    return _render(request, flag, FlagNoteForm(), form)
