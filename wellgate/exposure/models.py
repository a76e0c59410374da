"""Exposure sessions, running timers, imported cases with their volumes, and work packages.

Metadata only: categories, counts, media kinds, durations. Never an image, a hash of an
image, a path or a file name; the only hash kept is the SHA-256 of an imported export file
itself, so that importing the same file twice is recognised.
"""

from __future__ import annotations

from django.db import models

from wellgate.appendonly import AppendOnlyModel
from wellgate.people.models import Force, Person, Team

# What a session may report as its highest category, and what its counts are keyed by
# (the same keys as ``rules.COUNT_KEYS``).
CATEGORY_CHOICES = [
    ("C", "Category C"),
    ("B", "Category B"),
    ("A", "Category A"),
    ("indecent_ungraded", "Indecent, not yet graded"),
    ("uncategorised", "Not yet categorised"),
    ("not_indecent", "Not indecent"),
]
# The count column of each category key.
COUNT_FIELDS: dict[str, str] = {
    "A": "count_a",
    "B": "count_b",
    "C": "count_c",
    "indecent_ungraded": "count_indecent_ungraded",
    "uncategorised": "count_uncategorised",
    "not_indecent": "count_not_indecent",
}
# Media kinds as a grading tool reports them (``vics.KINDS``).
KIND_CHOICES = [("image", "Images"), ("video", "Video"), ("audio", "Audio"), ("other", "Other")]


class Source(models.TextChoices):
    WEB = "web", "Logged on the web"
    API = "api", "Sent by a workstation"
    IMPORT = "import", "Imported"


class Case(models.Model):
    """A case whose grading-tool export was imported: its reference and volume, nothing else.

    It belongs to the team of the supervisor who imported it: only that team's supervisors and
    the welfare lead see and manage it, unless the welfare lead shares it with every team, and
    even then each supervisor sees only their own team's officers on it.
    """

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    case_ref = models.CharField(max_length=100)
    # None: a force case (imported by the welfare lead or an operator), theirs until shared.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared = models.BooleanField(default=False)  # with every team of the force
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The VICS data model version and scope of the latest export imported ("2.0", "Cases").
    vics_version = models.CharField(max_length=10)
    scope = models.CharField(max_length=10)
    total_items = models.PositiveBigIntegerField(default=0)
    ignored_items = models.PositiveBigIntegerField(default=0)
    # SHA-256 of the latest export file itself (never of any image in it).
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-imported_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("force", "case_ref"), name="case_ref_unique_in_force")
        ]

    def __str__(self) -> str:
        return f"Case {self.case_ref}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseImport(models.Model):
    """One export file imported into a case: the same file (by its SHA-256) counts once."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="imports")
    sha256 = models.CharField(max_length=64)
    bytes_read = models.PositiveBigIntegerField()
    total_items = models.PositiveBigIntegerField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-imported_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("force", "sha256"), name="case_file_once_per_force")
        ]


class CaseVolume(models.Model):
    """How many items of one mapped category and media kind a case holds."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="volumes")
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    count = models.PositiveBigIntegerField()

    class Meta:
        ordering = ("case", "category", "kind")
        constraints = [
            models.UniqueConstraint(fields=("case", "category", "kind"), name="case_volume_unique")
        ]


class WorkPackage(models.Model):
    """ "Review the Category C items of case X": one category and its media kinds."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="packages")
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    kinds = models.JSONField(default=list)
    item_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        label = dict(CATEGORY_CHOICES)[self.category]
        return f"Case {self.case.case_ref}: {label} items"


class WorkPackageAssignment(models.Model):
    package = models.ForeignKey(WorkPackage, on_delete=models.PROTECT, related_name="assignments")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="work_packages")
    assigned_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ("-assigned_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("package", "officer"), name="package_assigned_once")
        ]


class ExposureSession(AppendOnlyModel):
    """One stretch of viewing as it happened. Never changed or deleted (DESIGN.md §1.4)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exposure_sessions")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    break_minutes = models.PositiveIntegerField(default=0)
    max_category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    # Counts per category where known (empty: not counted).
    count_a = models.PositiveIntegerField(null=True, blank=True)
    count_b = models.PositiveIntegerField(null=True, blank=True)
    count_c = models.PositiveIntegerField(null=True, blank=True)
    count_indecent_ungraded = models.PositiveIntegerField(null=True, blank=True)
    count_uncategorised = models.PositiveIntegerField(null=True, blank=True)
    count_not_indecent = models.PositiveIntegerField(null=True, blank=True)
    media = models.JSONField(default=list)
    mentor_present = models.BooleanField(default=False)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    work_package = models.ForeignKey(
        WorkPackage, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    # Above the clearance held at the time: a red flag and a debrief were raised.
    unexpected = models.BooleanField(default=False)
    # Every way it was outside the clearance: [{"code", "message"}] (e.g. no mentor present).
    reasons = models.JSONField(default=list)
    # The clearance held when the session started, as it was then.
    clearance_category = models.CharField(max_length=1, blank=True)
    clearance_media = models.JSONField(default=list)
    clearance_supervised = models.BooleanField(default=False)
    # The pathway's supervised_session this became, if it did.
    pathway_event = models.ForeignKey(
        "pathway.PathwayEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by_role = models.CharField(max_length=20)

    class Meta:
        ordering = ("-started_at", "-id")
        indexes = [
            models.Index(fields=("officer", "started_at")),
            models.Index(fields=("force", "started_at")),
        ]

    @property
    def viewing_minutes(self) -> int:
        return self.minutes - self.break_minutes

    @property
    def counts(self) -> dict[str, int]:
        """The counts recorded, by category key (categories not counted are left out)."""
        found = {key: getattr(self, name) for key, name in COUNT_FIELDS.items()}
        return {key: n for key, n in found.items() if n is not None}


class SessionTimer(models.Model):
    """A session being timed now: the start is kept here, so the timer needs no JavaScript."""

    officer = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    # Viewing since the last break began here (the start, or the end of the last break).
    viewing_since = models.DateTimeField()
    on_break_since = models.DateTimeField(null=True, blank=True)
    break_seconds = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    mentor_present = models.BooleanField(default=False)
    work_package = models.ForeignKey(
        WorkPackage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
