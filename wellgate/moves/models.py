"""Requests to leave the team, their append-only history and the deadlines they missed.

Nothing here is ever deleted, not even in bulk: a request ends only by the move or by the
officer withdrawing it (DESIGN.md §7), and a missed deadline stays on the record.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from wellgate.appendonly import AppendOnlyModel, NeverDeletedModel
from wellgate.crypto import EncryptedTextField
from wellgate.moves import rules
from wellgate.people.models import Force, Person, Team
from wellgate.policy.models import PolicyVersion

STATE_CHOICES = [(s, rules.STATE_LABELS[s]) for s in rules.STATES]
OPEN_STATES = tuple(s for s in rules.STATES if s not in rules.FINAL_STATES)
STAGE_CHOICES = [(s, rules.STAGE_LABELS[s]) for s in rules.STAGES]
LEVEL_CHOICES = [("welfare_lead", "Welfare lead"), ("senior_leader", "Senior leader")]


class MoveRequest(NeverDeletedModel):
    """An officer's request to leave the team. Its state only moves forward (rules.transition)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="move_requests")
    # The team the officer asked to leave (their team when they asked), for the counts.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=STATE_CHOICES, default="requested")
    requested_at = models.DateTimeField()
    # Optional, encrypted, and read only by the officer and the welfare lead ("move.reason").
    reason = EncryptedTextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination = models.CharField(max_length=200, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)
    moved_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The deadlines, fixed when the request was made from the policy then in force.
    acknowledge_due = models.DateField()
    agree_due = models.DateField()
    move_due = models.DateField()
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The tick claims a request once a day with a conditional update (two ticks never both
    # escalate it); "complete" once no breach can happen any more.
    escalations_checked_on = models.DateField(null=True, blank=True)
    escalation_complete = models.BooleanField(default=False)

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("officer",),
                condition=Q(state__in=OPEN_STATES),
                name="move_one_open_request_per_officer",
            )
        ]
        indexes = [
            models.Index(fields=("force", "state", "-requested_at")),
            models.Index(fields=("officer", "-requested_at")),
            models.Index(fields=("escalation_complete", "escalations_checked_on")),
        ]

    def __str__(self) -> str:
        return f"Request to leave by {self.officer} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def key(self) -> str:
        """Names the request in breach and notification keys."""
        return f"move:{self.pk}"

    @property
    def deadlines(self) -> rules.Deadlines:
        return rules.Deadlines(self.acknowledge_due, self.agree_due, self.move_due)


EVENT_CHOICES = [
    ("requested", "Asked to leave the team"),
    ("acknowledged", "Request acknowledged"),
    ("agreed", "Destination agreed"),
    ("moved", "Moved out of the team"),
    ("withdrawn", "Withdrawn by the officer"),
]


class MoveEvent(AppendOnlyModel):
    """One step of a request, with who took it and when. Written once, never changed."""

    request = models.ForeignKey(MoveRequest, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=EVENT_CHOICES)
    at = models.DateTimeField()
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    by_role = models.CharField(max_length=20)
    # The destination, for "agreed"; never the private reason.
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=("request", "at"))]


class MoveBreach(AppendOnlyModel):
    """A missed deadline, escalated once to the welfare lead or the senior leaders; it stays."""

    request = models.ForeignKey(MoveRequest, on_delete=models.PROTECT, related_name="breaches")
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    level = models.CharField(max_length=20, choices=LEVEL_CHOICES)
    due = models.DateField()
    escalated_on = models.DateField()
    recorded_at = models.DateTimeField()
    # rules.Breach.key ("move:12:acknowledge:welfare_lead"): one row per breach, ever.
    key = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ("escalated_on", "id")
        indexes = [models.Index(fields=("level", "escalated_on"))]

    @property
    def stage_label(self) -> str:
        return rules.STAGE_LABELS[self.stage]
