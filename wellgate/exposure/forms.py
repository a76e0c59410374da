from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from wellgate.exposure.models import CATEGORY_CHOICES, COUNT_FIELDS, KIND_CHOICES
from wellgate.exposure.rules import MEDIA_LABELS
from wellgate.people.models import Team
from wellgate.policy.rules import MEDIA_KINDS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
MEDIA_CHOICES = [(m, MEDIA_LABELS[m].capitalize()) for m in MEDIA_KINDS]
SESSION_CATEGORY_CHOICES = [
    ("C", "Category C"),
    ("B", "Category B"),
    ("A", "Category A"),
    ("indecent_ungraded", "Indecent but not yet graded (counts as Category A)"),
    ("uncategorised", "Not yet categorised (counts as Category A)"),
    ("not_indecent", "Nothing indecent"),
]
COUNT_LABELS = {
    "A": "Category A",
    "B": "Category B",
    "C": "Category C",
    "indecent_ungraded": "Indecent, not yet graded",
    "uncategorised": "Not yet categorised",
    "not_indecent": "Not indecent",
}


def _moment(label: str, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SessionForm(forms.Form):
    """A viewing session as it happened. The service checks whether it can be true."""

    started_at = _moment("Started", True)
    ended_at = _moment("Ended", False, "Or leave empty and give the length below.")
    minutes = forms.IntegerField(
        label="Or: how long, in minutes", required=False, min_value=0, max_value=100_000
    )
    max_category = forms.ChoiceField(
        label="Highest category seen", choices=SESSION_CATEGORY_CHOICES, widget=forms.RadioSelect
    )
    media_viewed = forms.MultipleChoiceField(
        label="Media viewed", choices=MEDIA_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    work_package = forms.TypedChoiceField(
        label="Work package", required=False, coerce=int, empty_value=None
    )
    case = forms.TypedChoiceField(
        label="Or: case",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="If you did not work from a package.",
    )
    break_minutes = forms.IntegerField(
        label="Breaks taken, in minutes", min_value=0, max_value=100_000, initial=0
    )
    mentor_present = forms.BooleanField(label="A mentor was with me", required=False)

    def __init__(
        self,
        *args: Any,
        packages: list[tuple[int, str]],
        cases: list[tuple[int, str]],
        is_self: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for key, name in COUNT_FIELDS.items():
            self.fields[name] = forms.IntegerField(
                label=COUNT_LABELS[key], required=False, min_value=0, max_value=10_000_000
            )
        self.fields["work_package"].choices = [("", "None"), *packages]  # type: ignore[attr-defined]
        self.fields["case"].choices = [("", "None"), *cases]  # type: ignore[attr-defined]
        if not is_self:
            self.fields["mentor_present"].label = "A mentor was present"

    @property
    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COUNT_FIELDS.values()]

    def counts(self) -> dict[str, int]:
        data = self.cleaned_data
        return {k: data[name] for k, name in COUNT_FIELDS.items() if data.get(name) is not None}


class TimerStartForm(forms.Form):
    work_package = forms.TypedChoiceField(
        label="Work package", required=False, coerce=int, empty_value=None
    )
    mentor_present = forms.BooleanField(label="A mentor is with me", required=False)

    def __init__(self, *args: Any, packages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_package"].choices = [("", "None"), *packages]  # type: ignore[attr-defined]


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label="Case export file",
        help_text="The VICS / Project VIC JSON file the grading tool exported (.json).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    case_ref = forms.CharField(
        label="Case reference",
        required=False,
        max_length=100,
        help_text="Leave empty to use the case number in the file.",
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="The whole force (only you, until you share it)",
        help_text="Its supervisors see the case and give its work packages to their officers.",
    )

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]  # a supervisor's case is their own team's
        else:
            self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class PackageForm(forms.Form):
    category = forms.ChoiceField(label="Items to review", widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label="Media kinds",
        required=False,
        choices=KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every kind the case holds in that category.",
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(label="Officer", coerce=int)

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "Choose an officer"), *officers]  # type: ignore[attr-defined]


def category_choices_of(totals: dict[str, int]) -> list[tuple[str, str]]:
    """The categories a case holds, with their item counts, for a package."""
    return [
        (key, f"{COUNT_LABELS[key]} ({totals[key]:,} items)")
        for key, _ in CATEGORY_CHOICES
        if totals.get(key)
    ]


def local_input(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
