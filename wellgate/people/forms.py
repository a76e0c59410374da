from __future__ import annotations

from typing import Any

from django import forms

from wellgate.people.models import Person, Role, Team, TokenScope


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120, label="Team name")


class PersonCreateForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, label="First role")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Team",
        help_text="Needed for officers, supervisors and mentors.",
    )

    def __init__(self, *args: Any, force_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(force_id=force_id)  # type: ignore[attr-defined]


class PersonEditForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(
        label="E-mail",
        help_text="A new address is used once its owner confirms it; both addresses are told.",
    )
    is_active = forms.BooleanField(required=False, label="Account is active")


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Team")

    def __init__(self, *args: Any, force_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(force_id=force_id)  # type: ignore[attr-defined]


class PersonChoiceForm(forms.Form):
    """Choose a supervisor or a mentor (blank ends the current one)."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, queryset: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = queryset  # type: ignore[attr-defined]
        field.label = label
        field.empty_label = "— none —"  # type: ignore[attr-defined]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label="Name",
        help_text="For example, the workstation or script that uses it.",
    )
    scope = forms.ChoiceField(choices=TokenScope.choices, label="Scope")
    role = forms.ChoiceField(choices=(), label="Acts as")

    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]  # type: ignore[attr-defined]
