"""A force's policy: every change is a new version with who and why."""

from __future__ import annotations

from django.db import models

from wellgate.people.models import Force, Person


class PolicyVersion(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="policy_versions")
    number = models.PositiveIntegerField()
    settings = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    # A change that loosened the policy names its second person (DESIGN.md §1).
    approved_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-number",)
        constraints = [
            models.UniqueConstraint(fields=("force", "number"), name="policy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.force} policy v{self.number}"


class PolicyProposal(models.Model):
    """A change that loosens the policy: not in force until a second person approves it."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="policy_proposals")
    settings = models.JSONField()
    # The version it was compared with (None: the defaults); approving a stale one is refused.
    base = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loosens = models.JSONField()  # [{"code", "field", "message"}] against the base
    reason = models.TextField()
    proposed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    proposed_role = models.CharField(max_length=20)
    proposed_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_role = models.CharField(max_length=20, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    version = models.OneToOneField(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )

    class Meta:
        ordering = ("-proposed_at", "-id")
        indexes = [models.Index(fields=("force", "state"))]

    def __str__(self) -> str:
        return f"{self.force} policy proposal {self.pk} ({self.state})"
