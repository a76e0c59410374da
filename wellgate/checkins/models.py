"""Check-ins, skipped check-ins and "suggest a conversation" nudges.

Answers and scores are the most sensitive data in Wellgate: both are stored encrypted, as
JSON, beside the instrument version and scoring method that produced them. Rows are written
once and never changed.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.db import models

from wellgate.appendonly import AppendOnlyModel
from wellgate.checkins.rules import Score
from wellgate.crypto import EncryptedTextField
from wellgate.people.models import Force, Person


class CheckIn(AppendOnlyModel):
    """One completed questionnaire."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="checkins")
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    scoring_method = models.CharField(max_length=20)
    # {"item id": value, …} and Score.to_dict(), both as encrypted JSON text.
    answers_json = EncryptedTextField()
    score_json = EncryptedTextField()
    critical = models.BooleanField(default=False)
    # The officer's choice, made before answering; the welfare lead reads only shared rows.
    shared_with_welfare_lead = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("officer", "instrument_id", "-created_at")),
            models.Index(fields=("force", "shared_with_welfare_lead", "-created_at")),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} check-in {self.pk}"

    @property
    def answers(self) -> dict[str, int]:
        return {k: int(v) for k, v in json.loads(self.answers_json).items()}

    @cached_property
    def score(self) -> Score:
        return Score.from_dict(json.loads(self.score_json))


class CheckInSkip(AppendOnlyModel):
    """The officer chose not to take a check-in this time: recorded, never a concern."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="checkin_skips")
    instrument_id = models.CharField(max_length=40)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("officer", "instrument_id", "-created_at"))]


class ConversationNudge(AppendOnlyModel):
    """The officer asked their supervisor for a conversation. It carries nothing else."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nudges_sent")
    supervisor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nudges_received")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("officer", "-created_at"))]
