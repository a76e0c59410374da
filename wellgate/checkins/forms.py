from __future__ import annotations

from typing import Any

from django import forms

from wellgate.checkins.rules import Instrument

SHARE_CHOICES = [
    ("yes", "Share my answers and scores with the welfare lead"),
    ("no", "Keep my answers and scores to myself"),
]


class CheckinForm(forms.Form):
    """One radio group per question of ``instrument``, and the officer's sharing choice."""

    share = forms.ChoiceField(
        choices=SHARE_CHOICES,
        widget=forms.RadioSelect,
        label="Who may see your answers and scores",
        error_messages={"required": "Choose whether to share this check-in with the welfare lead."},
    )

    def __init__(self, *args: Any, instrument: Instrument, share_default: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["share"].initial = "yes" if share_default else "no"
        for number, item in enumerate(instrument.items, 1):
            self.fields[item.id] = forms.TypedChoiceField(
                label=f"{number}. {item.text}",
                choices=[(str(o.value), o.label) for o in item.options],
                coerce=int,
                required=False,  # clean() names each unanswered question in plain words
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the answers shown."},
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[item.id] for item in self.instrument.items]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number, item in enumerate(self.instrument.items, 1):
            if item.id not in self.errors and data.get(item.id) in (None, ""):
                self.add_error(
                    item.id, f"Choose an answer to question {number}, or skip this check-in."
                )
        return data

    def answers(self) -> dict[str, int]:
        return {item.id: self.cleaned_data[item.id] for item in self.instrument.items}

    def shared(self) -> bool:
        return self.cleaned_data["share"] == "yes"
