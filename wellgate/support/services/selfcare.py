"""What an officer does for themselves: time away, calendar links, coping strategies."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse

from wellgate import clock
from wellgate.errors import Refused
from wellgate.notify.services import enqueue
from wellgate.people.access import Viewer
from wellgate.people.queries import team_ids_of
from wellgate.support import rules
from wellgate.support.models import CalendarFeed, CopingStrategy, HelpfulMark, TimeAway
from wellgate.support.services._common import _require_self, _supervisor_of

# --- Time away ----------------------------------------------------------------------------


@transaction.atomic
def time_away_take(*, by: Viewer, kind: str = "short_break") -> TimeAway:
    """Time away: one click, no approval, no reason. The supervisor is told, to cover work."""
    officer = _require_self(by)
    if kind not in rules.TIME_AWAY_CODES:
        raise Refused.one(
            "time_away.kind_unknown",
            f"Choose one of: {', '.join(rules.TIME_AWAY_CODES)}.",
            "kind",
        )
    taken = TimeAway.objects.create(
        force_id=officer.force_id, officer=officer, kind=kind, taken_at=clock.now()
    )
    supervisor = _supervisor_of(officer)
    if supervisor is not None:
        label = {c.code: c.label for c in rules.TIME_AWAY_KINDS}[kind]
        enqueue(
            recipient=supervisor,
            kind="support.time_away",
            dedup_key=f"time_away:{taken.pk}",
            title=f"{officer.full_name} is taking time away",
            body=f"{label}. No approval is needed and no reason is asked.",
            link=reverse("person_support", args=[officer.pk]),
        )
    return taken


# --- Calendar feed ------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, by: Viewer) -> tuple[CalendarFeed, str]:
    """A new personal calendar link (the previous one stops working); the secret is shown once."""
    person = _require_self(by)
    now = clock.now()
    CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)
    secret = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        person=person, digest=CalendarFeed.digest_of(secret), prefix=secret[:10], created_at=now
    )
    return feed, secret


@transaction.atomic
def calendar_feed_revoke(*, by: Viewer) -> int:
    """Stop every calendar link of the viewer at once."""
    person = _require_self(by)
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


# --- Coping strategies --------------------------------------------------------------------


@transaction.atomic
def coping_share(*, by: Viewer, title: str, text: str, anonymous: bool) -> CopingStrategy:
    """Share something that helps with one's team, named or anonymously."""
    officer = _require_self(by)
    title, text = title.strip(), text.strip()
    if not title:
        raise Refused.one("coping.title_missing", "Give it a short title.", "title")
    if len(title) > 120:
        raise Refused.one("coping.title_long", "Keep the title under 120 characters.", "title")
    if not text:
        raise Refused.one("coping.text_missing", "Describe what helps.", "text")
    teams = team_ids_of(officer)
    if not teams:
        raise Refused.one("coping.no_team", "You are not in a team to share with yet.")
    return CopingStrategy.objects.create(
        force_id=officer.force_id,
        team_id=teams[0],
        author=officer,
        anonymous=anonymous,
        title=title,
        text=text,
        created_at=clock.now(),
    )


@transaction.atomic
def coping_mark_helpful(*, by: Viewer, strategy: CopingStrategy) -> bool:
    """Mark a teammate's strategy as helpful; once per person (a second mark changes nothing)."""
    person = _require_self(by)
    if strategy.team_id not in team_ids_of(person):
        raise Refused.one("not_found", "Not found, or you do not have access to it.", None, 404)
    if strategy.author_id == person.pk:
        raise Refused.one("coping.own", "You cannot mark your own strategy as helpful.")
    try:
        with transaction.atomic():
            HelpfulMark.objects.create(strategy=strategy, person=person, at=clock.now())
    except IntegrityError:
        return False
    return True
