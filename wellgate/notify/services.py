"""Queueing and delivering notifications.

``enqueue`` is called inside the transaction of the event that causes it, so the message exists
exactly when its cause does. ``deliver_pending`` (run by ``wellgate tick``) claims a batch of
messages with a token written by a conditional UPDATE, so two tick processes take separate
batches and never deliver one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from wellgate import clock
from wellgate.notify.models import Notification, OutboxMessage
from wellgate.people.access import Viewer
from wellgate.people.models import Person
from wellgate.periodic import claim_batch

log = logging.getLogger(__name__)

# A claim older than this belongs to a tick that died; another tick may take the message over.
STALE_CLAIM = dt.timedelta(minutes=10)
NEUTRAL_SUBJECT = "You have a new item in Wellgate"


def enqueue(
    *, recipient: Person, kind: str, dedup_key: str, title: str, body: str = "", link: str = ""
) -> bool:
    """Queue a message for ``recipient`` unless ``dedup_key`` was queued before.

    Must run inside the caller's transaction; returns True when a new message was queued.
    """
    if OutboxMessage.objects.filter(dedup_key=dedup_key).exists():
        return False
    try:
        with transaction.atomic():  # a savepoint: a concurrent duplicate must not spoil the caller
            OutboxMessage.objects.create(
                force_id=recipient.force_id,
                recipient=recipient,
                kind=kind,
                dedup_key=dedup_key[:200],
                title=title[:200],
                body=body,
                link=link,
                created_at=clock.now(),
            )
    except IntegrityError:
        return False
    return True


def _candidates(now: dt.datetime) -> QuerySet[OutboxMessage]:
    """Undelivered messages nobody holds: never claimed, or claimed by a tick that died."""
    qs = OutboxMessage.objects.filter(delivered_at__isnull=True)
    free = qs.filter(Q(claim_token="") | Q(claimed_at__lt=now - STALE_CLAIM))
    return free.order_by("created_at", "id")


def deliver_pending(now: dt.datetime, *, limit: int = 500) -> int:
    """Deliver queued messages to the inbox (and, when set up, a neutral e-mail)."""
    token = uuid.uuid4().hex
    delivered = 0
    batch = claim_batch(
        _candidates(now),
        limit=limit,
        token_field="claim_token",
        token=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    for message_id in batch:
        message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
        with transaction.atomic():
            # Still ours? A tick may take over a claim that grew stale while we worked.
            if not OutboxMessage.objects.filter(
                pk=message.pk, claim_token=token, delivered_at__isnull=True
            ).update(delivered_at=now):
                continue
            _, created = Notification.objects.get_or_create(
                outbox=message,
                defaults={
                    "recipient": message.recipient,
                    "kind": message.kind,
                    "title": message.title,
                    "body": message.body,
                    "link": message.link,
                    "created_at": message.created_at,
                },
            )
        if created:
            delivered += 1
            _email(message, now)
    return delivered


def _email(message: OutboxMessage, now: dt.datetime) -> None:
    """A neutral e-mail: never any welfare content, only a pointer to Wellgate."""
    if not settings.WELLGATE_EMAIL_ENABLED or not message.recipient.email:
        return
    try:
        send_mail(
            NEUTRAL_SUBJECT,
            f"Hello,\n\nYou have a new item in Wellgate. Sign in to read it:\n{settings.WELLGATE_BASE_URL}/inbox/\n",
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient.email],
        )
        OutboxMessage.objects.filter(pk=message.pk).update(emailed_at=now)
    except OSError as exc:  # the inbox item stands; e-mail is a courtesy
        log.warning("e-mail for outbox %s failed: %s", message.pk, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:500])


def notification_mark_read(*, by: Viewer, notification_id: int | None = None) -> int:
    """Mark one (or every) inbox item of the viewer as read."""
    qs = Notification.objects.filter(recipient=by.person, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=clock.now())
