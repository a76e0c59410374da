"""Welfare support records: obligations and their history, 1:1s and other meetings,
observations, appointments, time away, coping strategies and calendar feeds.

Nothing here is deleted. Obligations change state (due → done, missed or rescheduled) and
every change is also written to their append-only history; notes are encrypted at rest.
"""

from __future__ import annotations

import hashlib

from django.db import models

from wellgate.appendonly import AppendOnlyModel, NeverDeletedModel
from wellgate.crypto import EncryptedTextField
from wellgate.people.models import Force, Person, Team
from wellgate.support import rules

KIND_CHOICES = [(c.code, c.label) for c in rules.OBLIGATION_KINDS]
# The labels as anyone but the officer reads them ("1:1 with supervisor", not "your").
NEUTRAL_LABELS = {**rules.KIND_LABELS, "one_to_one": "1:1 with supervisor"}
TIME_AWAY_CHOICES = [(c.code, c.label) for c in rules.TIME_AWAY_KINDS]


class ObligationState(models.TextChoices):
    DUE = "due", "Due"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    RESCHEDULED = "rescheduled", "Rescheduled"
    STOPPED = "stopped", "Stopped: left the team"


OUTSTANDING = (ObligationState.DUE, ObligationState.RESCHEDULED)


class Obligation(NeverDeletedModel):
    """A welfare activity due for an officer (DESIGN.md §6)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="obligations")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    # Stable and unique per officer ("one_to_one:2027-02-01", "debrief:session:42"): planning
    # the same obligation twice, even from two processes at once, creates one row.
    key = models.CharField(max_length=150)
    # The date first planned; a reschedule keeps it and sets ``rescheduled_to``.
    due_on = models.DateField()
    rescheduled_to = models.DateField(null=True, blank=True)
    # The date it is due now (the new date after a reschedule), kept for sorting and filtering.
    effective_due_on = models.DateField()
    state = models.CharField(
        max_length=12, choices=ObligationState.choices, default=ObligationState.DUE
    )
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The event that caused a one-off obligation ("session:42", "case:OP-17"); blank if planned.
    source_ref = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()
    # The tick claims an overdue obligation once a day with a conditional update, so two tick
    # processes never both send its escalations; "complete" once every level has been sent.
    escalations_checked_on = models.DateField(null=True, blank=True)
    escalation_complete = models.BooleanField(default=False)

    class Meta:
        ordering = ("effective_due_on", "id")
        constraints = [
            models.UniqueConstraint(fields=("officer", "key"), name="obligation_key_per_officer")
        ]
        indexes = [
            models.Index(fields=("officer", "state", "effective_due_on")),
            models.Index(fields=("force", "state", "effective_due_on")),
        ]

    def __str__(self) -> str:
        return f"{self.label} for {self.officer} due {self.effective_due_on}"

    @property
    def label(self) -> str:
        return rules.KIND_LABELS[self.kind]

    @property
    def others_label(self) -> str:
        """The label as a supervisor or welfare lead reads it (not "your supervisor")."""
        return NEUTRAL_LABELS[self.kind]

    @property
    def outstanding(self) -> bool:
        return self.state in OUTSTANDING

    def as_record(self) -> rules.ObligationRecord:
        return rules.ObligationRecord(
            kind=self.kind,
            due_on=self.due_on,
            state=self.state,  # type: ignore[arg-type]
            key=self.key,
            done_on=self.done_on,
            rescheduled_to=self.rescheduled_to,
        )


class ObligationEventType(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    RESCHEDULED = "rescheduled", "Rescheduled"
    STOPPED = "stopped", "Stopped: left the team"


class ObligationEvent(AppendOnlyModel):
    """One change to an obligation, with who and when. Written once, never changed."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=12, choices=ObligationEventType.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_role = models.CharField(max_length=20)  # "system" for Wellgate's own planning
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=("obligation", "at"))]


class PlanningMark(models.Model):
    """The day an officer's obligations were last planned: the tick's per-officer claim."""

    officer = models.OneToOneField(
        Person, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    planned_on = models.DateField()


MEETING_KINDS = (
    "one_to_one",
    "workload_review",
    "debrief",
    "structured_review",
    "still_right_review",
)
MEETING_CHOICES = [(k, NEUTRAL_LABELS[k]) for k in MEETING_KINDS]


class Meeting(AppendOnlyModel):
    """A 1:1, workload review, debrief or structured review, with its welfare discussion."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_meetings")
    kind = models.CharField(max_length=30, choices=MEETING_CHOICES)
    held_on = models.DateField()
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_role = models.CharField(max_length=20)
    recorded_at = models.DateTimeField()
    how_are_you = EncryptedTextField(blank=True)
    workload = EncryptedTextField(blank=True)
    signs = models.JSONField(default=list, blank=True)
    agreed_actions = EncryptedTextField(blank=True)
    note = EncryptedTextField(blank=True)
    # The obligation this meeting completed, if one was outstanding.
    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )

    class Meta:
        ordering = ("-held_on", "-id")
        indexes = [models.Index(fields=("officer", "-held_on"))]

    @property
    def label(self) -> str:
        return NEUTRAL_LABELS[self.kind]

    @property
    def sign_labels(self) -> list[str]:
        return [SIGN_LABELS.get(s, s) for s in self.signs]


SIGN_LABELS = {c.code: c.label for c in rules.STRESS_SIGNS}


class Observation(AppendOnlyModel):
    """Stress signs a supervisor noticed, with a note. Any sign opens an amber flag."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="observations")
    observed_on = models.DateField()
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_role = models.CharField(max_length=20)
    recorded_at = models.DateTimeField()
    signs = models.JSONField(default=list, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ("-observed_on", "-id")
        indexes = [models.Index(fields=("officer", "-observed_on"))]

    @property
    def sign_labels(self) -> list[str]:
        return [SIGN_LABELS.get(s, s) for s in self.signs]


class AppointmentKind(models.TextChoices):
    PSYCH_ASSESSMENT = "psych_assessment", "Psychological assessment"
    WELFARE_DAY = "welfare_day", "Welfare day"


class AppointmentState(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Replaced by a new booking"


class Appointment(NeverDeletedModel):
    """A booked psychological assessment or welfare day. Attendance only: never clinical content."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    obligation = models.ForeignKey(
        Obligation, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    day = models.DateField()  # in the force's time zone
    starts_at = models.DateTimeField(null=True, blank=True)  # None: all day
    state = models.CharField(
        max_length=20, choices=AppointmentState.choices, default=AppointmentState.BOOKED
    )
    booked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField()
    attended_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("day", "starts_at", "id")
        indexes = [
            models.Index(fields=("officer", "kind", "state")),
            models.Index(fields=("force", "kind", "state", "day")),
        ]


class TimeAway(AppendOnlyModel):
    """Time away taken by the officer: one click, no approval, no reason."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="time_away")
    kind = models.CharField(max_length=20, choices=TIME_AWAY_CHOICES)
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ("-taken_at", "-id")
        indexes = [models.Index(fields=("officer", "-taken_at"))]
        verbose_name_plural = "time away"


class CopingStrategy(NeverDeletedModel):
    """Something that helps, shared with the author's team, anonymously if they choose."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    anonymous = models.BooleanField(default=False)
    title = models.CharField(max_length=120)
    text = EncryptedTextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("team", "-created_at"))]
        verbose_name_plural = "coping strategies"


class HelpfulMark(AppendOnlyModel):
    """One person found a coping strategy helpful (once each)."""

    strategy = models.ForeignKey(CopingStrategy, on_delete=models.PROTECT, related_name="marks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("strategy", "person"), name="helpful_once_per_person")
        ]


class CalendarFeed(NeverDeletedModel):
    """A personal iCalendar feed. Only a hash of its secret is stored; revoking ends it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="calendar_feeds")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
