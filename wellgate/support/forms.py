from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wellgate.flags.models import Flag
from wellgate.people.models import Person
from wellgate.support import rules
from wellgate.support.models import MEETING_CHOICES, MEETING_KINDS, Obligation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


SIGN_CHOICES = [(c.code, c.label) for c in rules.STRESS_SIGNS]
VISIBLE_TO_OFFICER = "The officer can read what you write here, as can the welfare lead."


def _signs_field(help_text: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=SIGN_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Stress signs noticed",
        help_text=help_text,
    )


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
    )


class ObligationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label}, due {rules.long_date(obj.effective_due_on)}"


class FlagChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.severity_word} flag ({obj.get_source_display().lower()}), opened {obj.opened_at:%-d %B %Y}"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=MEETING_CHOICES, label="What kind of meeting")
    held_on = forms.DateField(label="Held on", widget=DateInput())
    how_are_you = _text("How are you?", "In their words, how they are doing.")
    workload = _text("Workload", "What they are working on, and whether it is manageable.")
    signs = _signs_field(
        "Tick any you noticed. Unless this conversation closes a flag, any sign raises an "
        "amber flag for a follow-up."
    )
    agreed_actions = _text("Agreed actions", "What each of you will do next.")
    note = _text("Anything else", VISIBLE_TO_OFFICER)
    obligation = ObligationChoice(
        queryset=Obligation.objects.none(),
        required=False,
        label="Completes",
        empty_label="The next one due of this kind (if any)",
    )
    closes_flag = FlagChoice(
        queryset=Flag.objects.none(),
        required=False,
        label="Closes a flag",
        empty_label="No flag",
        help_text="Choose the open flag this conversation addressed, if any.",
    )

    def __init__(
        self,
        *args: Any,
        obligations: QuerySet[Obligation],
        flags: QuerySet[Flag],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["obligation"].queryset = obligations.filter(kind__in=MEETING_KINDS)  # type: ignore[attr-defined]
        self.fields["closes_flag"].queryset = flags  # type: ignore[attr-defined]
        if not flags.exists():
            del self.fields["closes_flag"]


class ObservationForm(forms.Form):
    observed_on = forms.DateField(label="Noticed on", widget=DateInput())
    signs = _signs_field(
        "Tick any you have noticed. Any sign raises an amber flag for a follow-up conversation."
    )
    note = _text("What you noticed", VISIBLE_TO_OFFICER)


class ObligationActionForm(forms.Form):
    obligation = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("complete", "Done"), ("reschedule", "Reschedule"), ("miss", "Missed")]
    )
    on = forms.DateField(required=False, label="Date", widget=DateInput())
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class WelfareDayForm(forms.Form):
    day = forms.DateField(
        label="Day", widget=DateInput(), help_text="A day away from the office, from today on."
    )


class CopingForm(forms.Form):
    title = forms.CharField(
        max_length=120, label="Title", help_text="For example: “A walk at lunch”."
    )
    text = forms.CharField(
        label="What helps", widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000
    )
    anonymous = forms.BooleanField(
        required=False, label="Share anonymously (your name is not shown to your team)"
    )


class OfficerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class PsychBookForm(forms.Form):
    officer = OfficerChoice(queryset=Person.objects.none(), label="Officer")
    day = forms.DateField(label="Day", widget=DateInput())
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, officers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers.order_by("full_name")  # type: ignore[attr-defined]


class PsychAttendedForm(forms.Form):
    officer = OfficerChoice(queryset=Person.objects.none(), label="Officer")
    attended_on = forms.DateField(label="Attended on", widget=DateInput())

    def __init__(self, *args: Any, officers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers.order_by("full_name")  # type: ignore[attr-defined]
