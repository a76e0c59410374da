"""Welfare flags: a concern that needs a conversation (amber) or urgent attention (red).

A flag is never deleted. It closes only with a recorded action (a 1:1, a debrief, a welfare
lead's note), and every change is an entry in its append-only history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from wellgate.appendonly import AppendOnlyModel, NeverDeletedModel
from wellgate.crypto import EncryptedTextField
from wellgate.people.models import Force, Person


class Source(models.TextChoices):
    OBSERVATION = "observation", "Supervisor observation"
    UNEXPECTED_EXPOSURE = "unexpected_exposure", "Unexpected exposure"
    LIMIT_BREACH = "limit_breach", "Viewing limit exceeded"
    OVERDUE_OBLIGATION = "overdue_obligation", "Overdue welfare support"
    CHECKIN = "checkin", "Check-in"
    MOVE_REQUEST = "move_request", "Request to leave the team"


# Flags only the welfare lead sees (DESIGN.md §3): they never enter the pathway gate, a count
# or an ordering anyone else sees. The welfare lead may make one hold the pathway instead.
PRIVATE_SOURCES: tuple[str, ...] = (Source.CHECKIN,)


class Severity(models.TextChoices):
    AMBER = "amber", "Amber: a conversation is needed"
    RED = "red", "Red: urgent attention"


class State(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Flag(NeverDeletedModel):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    source = models.CharField(max_length=30, choices=Source.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    # Nullable only for a force with neither a supervisor nor a welfare lead to own it.
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="flags_owned"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What caused it, e.g. "observation:12" or "session:42": the same cause opens one flag.
    source_ref = models.CharField(max_length=120, blank=True)
    note = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The recorded action that closed it: a sentence, and a reference ("meeting:7" or "note").
    closing_action = models.CharField(max_length=200, blank=True)
    closing_ref = models.CharField(max_length=60, blank=True)
    closing_note = EncryptedTextField(blank=True)
    # The welfare lead holds the officer's pathway until this flag closes: everyone then sees
    # the neutral gate requirement "gate.welfare_hold", never the flag itself.
    holds_pathway = models.BooleanField(default=False)

    class Meta:
        ordering = ("-opened_at", "-id")
        indexes = [
            models.Index(fields=("officer", "state")),
            models.Index(fields=("force", "state", "-opened_at")),
            models.Index(fields=("owner", "state")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("officer", "source", "source_ref"),
                condition=~Q(source_ref=""),
                name="flag_one_per_cause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} flag for {self.officer}"

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN

    @property
    def severity_word(self) -> str:
        return "Red" if self.severity == Severity.RED else "Amber"


class EventType(models.TextChoices):
    OPENED = "opened", "Opened"
    OWNER_CHANGED = "owner_changed", "Taken over"
    NOTE = "note", "Note added"
    HOLD = "hold", "Holds the pathway"
    HOLD_RELEASED = "hold_released", "No longer holds the pathway"
    CLOSED = "closed", "Closed"


class FlagEvent(AppendOnlyModel):
    """One entry of a flag's history. Written once, never changed."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=EventType.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_role = models.CharField(max_length=20)  # "system" when Wellgate itself acted
    from_owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=("flag", "at"))]
