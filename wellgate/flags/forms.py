from __future__ import annotations

from django import forms


class FlagNoteForm(forms.Form):
    prefix = "add"
    note = forms.CharField(
        label="Add a note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="It joins the flag's history. The officer's supervisor and the welfare lead can read it.",
    )


class FlagCloseForm(forms.Form):
    prefix = "close"
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="A flag closes only with a recorded action: say what was done and agreed.",
    )
