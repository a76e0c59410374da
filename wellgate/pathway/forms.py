from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from wellgate import clock
from wellgate.people.models import Person


class OccurredAtField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            label="When it happened",
            help_text="Leave empty for now. It cannot be in the future.",
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            **kwargs,
        )

    def clean(self, value: Any) -> dt.datetime | None:
        result = super().clean(value)
        if result is not None and result > clock.now() + dt.timedelta(minutes=1):
            raise forms.ValidationError("This is in the future: enter when it actually happened.")
        return result


RECORD_CHOICES = [
    ("briefing_given", "The categories were explained in conversation"),
    ("mentor_assigned", "A mentor was assigned"),
    ("supervised_session", "A supervised viewing session took place"),
    ("reflection_discussed", "A reflection discussion took place"),
]


class RecordForm(forms.Form):
    type = forms.ChoiceField(
        choices=RECORD_CHOICES, widget=forms.RadioSelect, label="What happened"
    )
    mentor = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Mentor",
        help_text="Only for a mentor assignment.",
    )
    occurred_at = OccurredAtField()
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Private note",
        help_text="Seen by the officer, their supervisor and the welfare lead. Stored encrypted.",
    )

    def __init__(self, *args: Any, mentors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") == "mentor_assigned" and not data.get("mentor"):
            self.add_error("mentor", "Choose the mentor you are assigning.")
        return data


class WelfareChangeForm(forms.Form):
    """A supervisor's or welfare lead's pause or step back, with a reason the officer reads."""

    action = forms.ChoiceField(
        choices=[("paused", "Pause viewing"), ("stepped_back", "Step back to an earlier stage")],
        widget=forms.RadioSelect,
        label="What to do",
    )
    stage = forms.ChoiceField(choices=(), required=False, label="Step back to")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Reason (the officer will read this)"
    )

    def __init__(self, *args: Any, lower_stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "—"), *lower_stages]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "stepped_back" and not data.get("stage"):
            self.add_error("stage", "Choose the stage to step back to.")
        return data


class StepBackForm(forms.Form):
    stage = forms.ChoiceField(choices=(), widget=forms.RadioSelect, label="Step back to")

    def __init__(self, *args: Any, lower_stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = lower_stages  # type: ignore[attr-defined]


class GuidanceForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        label="Guidance",
        help_text="Plain text; blank lines separate paragraphs.",
    )


def local_now_input() -> str:
    return timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")
