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

    class Meta:
        ordering = ("-number",)
        constraints = [
            models.UniqueConstraint(fields=("force", "number"), name="policy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.force} policy v{self.number}"
