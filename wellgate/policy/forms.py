"""The policy editing form: every setting, validated by the policy rules before it is saved."""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms

from wellgate.policy.rules import (
    CATEGORY_PROFILES,
    MEDIA_KINDS,
    NATIONS,
    SCORE_VISIBILITY,
    PolicySettings,
    Stage,
    SupportContact,
)

SECTIONS = {
    "gate": "Gate to the next stage",
    "cadences": "Support cadences",
    "limits": "Viewing limits",
    "escalation": "Escalation",
    "moves": "Moves out of the team (working days)",
    "checkins": "Check-ins",
}
LABELS = {
    "min_supervised_sessions": "Supervised sessions needed at each stage",
    "reflection_days": "Reflection period (days since the first session at a stage)",
    "readiness_max_age_days": "A readiness declaration is valid for (days)",
    "psych_assessment_before": "Psychological assessment needed before stage(s)",
    "psych_assessment_max_age_days": "Assessment counts if attended within (days)",
    "psych_assessment_months": "Psychological assessment every (months)",
    "one_to_one_weeks": "1:1 with supervisor every (weeks)",
    "welfare_day_months": "Welfare day every (months)",
    "workload_review_weeks": "Workload review every (weeks)",
    "structured_review_months": "Structured reviews at (months after joining)",
    "structured_review_then_every_months": "Then a structured review every (months)",
    "still_right_review_months": "“Still right for you?” review after (months)",
    "debrief_working_days": "Debrief due within (working days)",
    "continuous_minutes": "Continuous viewing before a break (minutes)",
    "break_minutes": "Break length (minutes)",
    "daily_minutes": "Daily viewing limit (minutes)",
    "daily_minutes_supervised": "Daily limit at a supervised stage (minutes)",
    "no_viewing_after": "No viewing after (HH:MM)",
    "weekly_minutes": "Weekly viewing limit (minutes)",
    "overdue_to_welfare_lead_days": "Overdue items go to the welfare lead after (days)",
    "psych_overdue_to_senior_days": "Overdue assessments go to a senior leader after (days)",
    "acknowledge_working_days": "Acknowledge a request within",
    "agree_working_days": "Agree a destination within",
    "move_working_days": "Complete the move within",
    "pulse_weeks": "Short pulse every (weeks)",
    "full_months": "Full questionnaires every (months)",
    "score_visibility": "Who sees check-in scores",
}


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


class StageForm(forms.Form):
    code = forms.SlugField(max_length=30, label="Code")
    label = forms.CharField(max_length=80, label="Name")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What it means")
    max_category = forms.ChoiceField(
        choices=[("", "Nothing"), ("C", "C"), ("B", "B"), ("A", "A")],
        required=False,
        label="Highest category",
    )
    # Not "media": that name belongs to Form (its CSS/JS assets).
    media_kinds = forms.MultipleChoiceField(
        choices=[(m, m.replace("_", " ")) for m in MEDIA_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Media",
    )
    supervised = forms.BooleanField(required=False, label="Only with a mentor present")


StageFormSet = forms.formset_factory(StageForm, extra=1, can_delete=True, max_num=12)


class PolicyForm(forms.Form):
    k_anonymity = forms.IntegerField(label="Smallest group shown in aggregates (k)")
    time_zone = forms.CharField(max_length=60, label="Time zone")
    nation = forms.ChoiceField(
        choices=[(n, n.replace("_", " ").title()) for n in NATIONS], label="Bank holidays of"
    )
    idle_timeout_minutes = forms.IntegerField(label="Sign out after inactivity (minutes)")
    category_profile = forms.ChoiceField(
        choices=[(p, p.replace("_", " ")) for p in CATEGORY_PROFILES], label="Category code profile"
    )
    category_mapping = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="Category code mapping",
        help_text="One per line: code = A, B, C, indecent_ungraded, not_indecent or ignore.",
    )
    support_contacts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Support contacts",
        help_text="One per line: name | how to reach them.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Why is the policy changing?"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = PolicySettings()
        for section in SECTIONS:
            for f in dataclasses.fields(getattr(defaults, section)):
                name = f"{section}__{f.name}"
                value = getattr(getattr(defaults, section), f.name)
                label = LABELS.get(f.name, f.name.replace("_", " "))
                if f.name == "score_visibility":
                    self.fields[name] = forms.ChoiceField(
                        choices=[(v, v.replace("_", " ")) for v in SCORE_VISIBILITY], label=label
                    )
                elif isinstance(value, int):
                    self.fields[name] = forms.IntegerField(label=label, min_value=0)
                else:
                    self.fields[name] = forms.CharField(label=label, required=False)

    def fields_of(self, section: str) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith(f"{section}__")]

    def sections(self) -> list[tuple[str, list[Any]]]:
        return [(title, self.fields_of(key)) for key, title in SECTIONS.items()]

    def clean_category_mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for n, line in enumerate(self.cleaned_data["category_mapping"].splitlines(), 1):
            if not line.strip():
                continue
            code, sep, target = line.partition("=")
            if not sep or not code.strip() or not target.strip():
                raise forms.ValidationError(
                    f"Line {n}: write it as “code = target”, for example “1 = A”."
                )
            mapping[code.strip()] = target.strip()
        return mapping

    def clean_support_contacts(self) -> list[SupportContact]:
        contacts = []
        for n, line in enumerate(self.cleaned_data["support_contacts"].splitlines(), 1):
            if not line.strip():
                continue
            name, sep, detail = line.partition("|")
            if not sep or not name.strip() or not detail.strip():
                raise forms.ValidationError(f"Line {n}: write it as “name | how to reach them”.")
            contacts.append(SupportContact(name.strip(), detail.strip()))
        if not contacts:
            raise forms.ValidationError("List at least one support contact.")
        return contacts

    @staticmethod
    def initial_from(settings: PolicySettings) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "k_anonymity": settings.k_anonymity,
            "time_zone": settings.time_zone,
            "nation": settings.nation,
            "idle_timeout_minutes": settings.idle_timeout_minutes,
            "category_profile": settings.category_profile,
            "category_mapping": "\n".join(
                f"{k} = {v}" for k, v in settings.category_mapping.items()
            ),
            "support_contacts": "\n".join(
                f"{c.name} | {c.detail}" for c in settings.support_contacts
            ),
        }
        for section in SECTIONS:
            obj = getattr(settings, section)
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                initial[f"{section}__{f.name}"] = (
                    ", ".join(map(str, value)) if isinstance(value, tuple) else value
                )
        return initial

    def to_settings(self, stages: list[Stage]) -> PolicySettings:
        """Build settings from valid data; tuple fields are comma lists."""
        data = self.cleaned_data
        base = PolicySettings()
        sections: dict[str, Any] = {}
        for section in SECTIONS:
            obj = getattr(base, section)
            values: dict[str, Any] = {}
            for f in dataclasses.fields(obj):
                raw = data.get(f"{section}__{f.name}")
                default = getattr(obj, f.name)
                if isinstance(default, tuple):
                    parts = _split(raw or "")
                    values[f.name] = (
                        tuple(int(p) for p in parts) if f.name.endswith("months") else tuple(parts)
                    )
                else:
                    values[f.name] = raw
            sections[section] = dataclasses.replace(obj, **values)
        return PolicySettings(
            stages=tuple(stages),
            k_anonymity=data["k_anonymity"],
            time_zone=data["time_zone"].strip(),
            nation=data["nation"],
            idle_timeout_minutes=data["idle_timeout_minutes"],
            category_profile=data["category_profile"],
            category_mapping=data["category_mapping"],
            support_contacts=tuple(data["support_contacts"]),
            **sections,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        months = data.get("cadences__structured_review_months", "")
        if any(not p.isdigit() for p in _split(months or "")):
            self.add_error(
                "cadences__structured_review_months",
                "Write whole numbers of months, separated by commas, e.g. 3, 6.",
            )
        return data


def stages_from(formset: Any) -> list[Stage]:
    stages = []
    for f in formset.forms:
        d = f.cleaned_data
        if not d or d.get("DELETE"):
            continue
        stages.append(
            Stage(
                code=d["code"],
                label=d["label"],
                description=d["description"],
                max_category=d["max_category"] or None,
                media=tuple(d["media_kinds"]),
                supervised=d["supervised"],
            )
        )
    return stages


def stage_initial(settings: PolicySettings) -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "label": s.label,
            "description": s.description,
            "max_category": s.max_category or "",
            "media_kinds": list(s.media),
            "supervised": s.supervised,
        }
        for s in settings.stages
    ]
