from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wellgate.notify import queries
from wellgate.notify.services import notification_mark_read
from wellgate.pages import paginate
from wellgate.people.web import access, viewer_of


@access("inbox.view")
def inbox(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    return render(
        request, "notify/inbox.html", {"page": paginate(request, queries.inbox(viewer.person))}
    )


@require_POST
@access("inbox.view")
def mark_read(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    raw = request.POST.get("notification")
    notification_mark_read(by=viewer, notification_id=int(raw) if raw and raw.isdigit() else None)
    return redirect("inbox")
