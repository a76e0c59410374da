"""The outbox (written with its cause) and the in-app inbox it is delivered to."""

from __future__ import annotations

from django.db import models

from wellgate.people.models import Force, Person


class OutboxMessage(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outbox_messages")
    kind = models.CharField(max_length=60)
    # Unique: a cause that runs twice (a re-run tick, a retried request) queues nothing new.
    dedup_key = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    claim_token = models.CharField(max_length=40, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("delivered_at", "created_at"))]


class Notification(models.Model):
    """An item in a person's in-app inbox."""

    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notifications")
    # One inbox item per outbox message, enforced by the database: never delivered twice.
    outbox = models.OneToOneField(
        OutboxMessage, on_delete=models.PROTECT, related_name="notification"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("recipient", "read_at", "-created_at"))]
