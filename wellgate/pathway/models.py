"""The pathway's append-only event log and the force's versioned wellbeing guidance."""

from __future__ import annotations

from django.db import models

from wellgate.appendonly import AppendOnlyModel
from wellgate.crypto import EncryptedTextField
from wellgate.people.models import Force, Person
from wellgate.policy.models import PolicyVersion

EVENT_CHOICES = [
    ("joined", "Joined the team"),
    ("briefing_given", "Categories explained"),
    ("guidance_acknowledged", "Wellbeing guidance read"),
    ("mentor_assigned", "Mentor assigned"),
    ("supervised_session", "Supervised session"),
    ("reflection_discussed", "Reflection discussion"),
    ("readiness_declared", "Readiness"),
    ("signed_off", "Signed off"),
    ("advanced", "Moved to the next stage"),
    ("paused", "Paused viewing"),
    ("resumed", "Resumed viewing"),
    ("stepped_back", "Stepped back"),
    ("move_requested", "Asked to leave the team"),
    ("move_withdrawn", "Withdrew the request to leave"),
    ("left_team", "Left the team"),
]


class GuidanceVersion(models.Model):
    """The force's wellbeing guidance; each edit is a new version that officers re-read."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="guidance_versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("-number",)
        constraints = [
            models.UniqueConstraint(fields=("force", "number"), name="guidance_version_unique")
        ]


class PathwayEvent(AppendOnlyModel):
    """One entry of an officer's pathway. Never changed or deleted: corrections are new events."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pathway_events")
    type = models.CharField(max_length=30, choices=EVENT_CHOICES)
    # Empty when Wellgate itself recorded it (a joiner, a session fed from an exposure record).
    actor = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_role = models.CharField(max_length=20)
    recorded_at = models.DateTimeField()
    occurred_at = models.DateTimeField()
    ready = models.BooleanField(null=True, blank=True)
    stage = models.CharField(max_length=30, blank=True)
    # A reflection note is private; a supervisor's pause reason is for the officer to read.
    note = EncryptedTextField(blank=True)
    guidance = models.ForeignKey(
        GuidanceVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The policy in force when the event was accepted (past decisions keep their rules).
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # joined / advanced / stepped_back: the clearance this decision granted, which a later
    # policy never raises (DESIGN.md §1). Empty supervised: no grant recorded.
    grant_category = models.CharField(max_length=1, blank=True)  # "" = may view nothing
    grant_media = models.JSONField(default=list, blank=True)
    grant_supervised = models.BooleanField(null=True, blank=True)
    # The number of the policy version it was granted under (0: the Wellgate defaults).
    grant_policy_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("recorded_at", "id")
        indexes = [models.Index(fields=("officer", "recorded_at"))]
