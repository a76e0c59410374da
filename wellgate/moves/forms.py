from __future__ import annotations

from django import forms

from wellgate.moves.services import DESTINATION_MAX, REASON_MAX


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label="Your reason (optional)",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="You do not need to give one. If you do, only you and the welfare lead can "
        "read it: your supervisor never sees it.",
    )


class AgreeForm(forms.Form):
    destination = forms.CharField(
        label="Where they will move to",
        max_length=DESTINATION_MAX,
        help_text="The team or role, for example “Fraud investigation team”. The officer reads it.",
    )
