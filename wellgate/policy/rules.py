"""A force's policy as plain data: every default named in DESIGN.md, and its validation.

Pure: no ORM, no clock. ``PolicySettings.from_dict(d)`` / ``.to_dict()`` round-trip through
JSON, which is how a policy version is stored.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from wellgate.errors import Detail

CATEGORIES = ("C", "B", "A")  # least to most severe
CATEGORY_RANK = {None: 0, "C": 1, "B": 2, "A": 3}
MEDIA_KINDS = ("image", "video_muted", "video_audio", "text", "audio")
MAPPING_TARGETS = ("A", "B", "C", "indecent_ungraded", "not_indecent", "ignore")
NATIONS = {
    "england": ("GB", "ENG"),
    "wales": ("GB", "WLS"),
    "scotland": ("GB", "SCT"),
    "northern_ireland": ("GB", "NIR"),
}
SCORE_VISIBILITY = ("officer_and_welfare_lead", "officer_only")


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    description: str
    max_category: str | None  # None: may view nothing
    media: tuple[str, ...]
    supervised: bool


@dataclass(frozen=True)
class Gate:
    min_supervised_sessions: int = 2
    reflection_days: int = 7
    readiness_max_age_days: int = 14
    psych_assessment_before: tuple[str, ...] = ("cat_a",)
    psych_assessment_max_age_days: int = 183


@dataclass(frozen=True)
class Cadences:
    psych_assessment_months: int = 6
    one_to_one_weeks: int = 4
    welfare_day_months: int = 3
    workload_review_weeks: int = 4
    structured_review_months: tuple[int, ...] = (3, 6)
    structured_review_then_every_months: int = 12
    still_right_review_months: int = 36
    debrief_working_days: int = 3


@dataclass(frozen=True)
class Limits:
    continuous_minutes: int = 60
    break_minutes: int = 15
    daily_minutes: int = 240
    daily_minutes_supervised: int = 120
    no_viewing_after: str = "16:00"
    weekly_minutes: int = 1200


@dataclass(frozen=True)
class Escalation:
    overdue_to_welfare_lead_days: int = 14
    psych_overdue_to_senior_days: int = 30


@dataclass(frozen=True)
class MoveDeadlines:
    acknowledge_working_days: int = 2
    agree_working_days: int = 10
    move_working_days: int = 20


@dataclass(frozen=True)
class CheckinCadence:
    pulse_weeks: int = 2
    full_months: int = 3
    score_visibility: str = "officer_and_welfare_lead"


@dataclass(frozen=True)
class SupportContact:
    name: str
    detail: str


# Project VIC (US) codes as used by Autopsy and others; the UK profile must be confirmed by
# each force before use, so it starts with nothing mapped and every code stops an import.
CATEGORY_PROFILES: dict[str, dict[str, str]] = {
    "us_project_vic": {
        "0": "not_indecent",
        "1": "indecent_ungraded",
        "2": "indecent_ungraded",
        "3": "indecent_ungraded",
        "4": "ignore",
    },
    "uk_unconfirmed": {},
}


def default_stages() -> tuple[Stage, ...]:
    return (
        Stage(
            "induction",
            "Induction",
            "The categories are explained to you in conversation. You read the wellbeing "
            "guidance, see who to contact for support, and are given a mentor. "
            "You do not view any material.",
            None,
            (),
            True,
        ),
        Stage(
            "cat_c",
            "Category C with a mentor",
            "You view Category C images, the least severe, with your mentor beside you.",
            "C",
            ("image",),
            True,
        ),
        Stage(
            "cat_b",
            "Category B with a mentor",
            "You view images and muted video up to Category B, with your mentor beside you.",
            "B",
            ("image", "video_muted"),
            True,
        ),
        Stage(
            "cat_a",
            "Category A with a mentor",
            "You view images and muted video up to Category A, with your mentor beside you.",
            "A",
            ("image", "video_muted"),
            True,
        ),
        Stage(
            "independent",
            "Independent",
            "You grade all categories and media on your own, within the daily limits.",
            "A",
            MEDIA_KINDS,
            False,
        ),
    )


def default_support_contacts() -> tuple[SupportContact, ...]:
    return (
        SupportContact("Psychological assessment provider", "Set by your welfare lead"),
        SupportContact("Employee assistance programme", "Set by your welfare lead"),
        SupportContact("Samaritans (24 hours, free)", "116 123"),
        SupportContact("Emergency", "999"),
    )


@dataclass(frozen=True)
class PolicySettings:
    stages: tuple[Stage, ...] = field(default_factory=default_stages)
    gate: Gate = field(default_factory=Gate)
    cadences: Cadences = field(default_factory=Cadences)
    limits: Limits = field(default_factory=Limits)
    escalation: Escalation = field(default_factory=Escalation)
    moves: MoveDeadlines = field(default_factory=MoveDeadlines)
    checkins: CheckinCadence = field(default_factory=CheckinCadence)
    k_anonymity: int = 5
    time_zone: str = "Europe/London"
    nation: str = "england"
    idle_timeout_minutes: int = 30
    category_profile: str = "us_project_vic"
    category_mapping: dict[str, str] = field(
        default_factory=lambda: dict(CATEGORY_PROFILES["us_project_vic"])
    )
    support_contacts: tuple[SupportContact, ...] = field(default_factory=default_support_contacts)

    def stage(self, code: str) -> Stage:
        for s in self.stages:
            if s.code == code:
                return s
        raise KeyError(code)

    def stage_index(self, code: str) -> int:
        return [s.code for s in self.stages].index(code)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicySettings:
        """Build settings from stored JSON; missing keys take the defaults."""
        d = dict(data)
        kwargs: dict[str, Any] = {}
        if "stages" in d:
            kwargs["stages"] = tuple(
                Stage(**{**s, "media": tuple(s.get("media", ()))}) for s in d["stages"]
            )
        for name, klass in (
            ("gate", Gate),
            ("cadences", Cadences),
            ("limits", Limits),
            ("escalation", Escalation),
            ("moves", MoveDeadlines),
            ("checkins", CheckinCadence),
        ):
            if name in d:
                values: dict[str, Any] = {
                    k: tuple(v) if isinstance(v, list) else v
                    for k, v in d[name].items()
                    if k in {f.name for f in dataclasses.fields(klass)}
                }
                kwargs[name] = klass(**values)
        for name in (
            "k_anonymity",
            "time_zone",
            "nation",
            "idle_timeout_minutes",
            "category_profile",
            "category_mapping",
        ):
            if name in d:
                kwargs[name] = d[name]
        if "support_contacts" in d:
            kwargs["support_contacts"] = tuple(SupportContact(**c) for c in d["support_contacts"])
        return cls(**kwargs)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def validate(settings: PolicySettings) -> list[Detail]:
    """Every reason this policy cannot be used; an empty list means it is sound."""
    problems: list[Detail] = []

    def add(code: str, fld: str, message: str) -> None:
        problems.append(Detail(code, message, fld or None))

    codes = [s.code for s in settings.stages]
    if len(settings.stages) < 2:
        add("policy.stages_too_few", "stages", "Keep at least two stages: induction and one more.")
    if len(set(codes)) != len(codes):
        add("policy.stage_duplicate", "stages", "Give each stage a different code.")
    previous_rank = -1
    for i, s in enumerate(settings.stages):
        rank = CATEGORY_RANK.get(s.max_category, -1)
        if s.max_category not in CATEGORY_RANK:
            add(
                "policy.stage_category",
                f"stages.{i}.max_category",
                f"Stage “{s.label}”: the category must be C, B, A or none.",
            )
        if rank < previous_rank:
            add(
                "policy.stage_order",
                f"stages.{i}.max_category",
                f"Stage “{s.label}” allows less than the stage before it; order stages from "
                "the least to the most severe so every stage can be reached.",
            )
        previous_rank = max(previous_rank, rank)
        unknown = [m for m in s.media if m not in MEDIA_KINDS]
        if unknown:
            add(
                "policy.stage_media",
                f"stages.{i}.media",
                f"Stage “{s.label}”: unknown media {', '.join(unknown)}; use "
                f"{', '.join(MEDIA_KINDS)}.",
            )
        if not s.code or not s.label:
            add("policy.stage_name", f"stages.{i}", "Every stage needs a code and a label.")
    if settings.stages and settings.stages[0].max_category is not None:
        add(
            "policy.stage_first",
            "stages.0.max_category",
            "The first stage must allow no viewing (induction).",
        )
    for code in settings.gate.psych_assessment_before:
        if code not in codes:
            add(
                "policy.gate_stage_unknown",
                "gate.psych_assessment_before",
                f"“{code}” is not a stage of this policy; name one of {', '.join(codes)}.",
            )

    positive: list[tuple[str, int]] = [
        ("gate.min_supervised_sessions", settings.gate.min_supervised_sessions + 1),
        ("gate.readiness_max_age_days", settings.gate.readiness_max_age_days),
        ("gate.psych_assessment_max_age_days", settings.gate.psych_assessment_max_age_days),
        ("cadences.psych_assessment_months", settings.cadences.psych_assessment_months),
        ("cadences.one_to_one_weeks", settings.cadences.one_to_one_weeks),
        ("cadences.welfare_day_months", settings.cadences.welfare_day_months),
        ("cadences.workload_review_weeks", settings.cadences.workload_review_weeks),
        (
            "cadences.structured_review_then_every_months",
            settings.cadences.structured_review_then_every_months,
        ),
        ("cadences.still_right_review_months", settings.cadences.still_right_review_months),
        ("cadences.debrief_working_days", settings.cadences.debrief_working_days),
        ("limits.continuous_minutes", settings.limits.continuous_minutes),
        ("limits.break_minutes", settings.limits.break_minutes),
        ("limits.daily_minutes", settings.limits.daily_minutes),
        ("limits.daily_minutes_supervised", settings.limits.daily_minutes_supervised),
        ("limits.weekly_minutes", settings.limits.weekly_minutes),
        (
            "escalation.overdue_to_welfare_lead_days",
            settings.escalation.overdue_to_welfare_lead_days,
        ),
        (
            "escalation.psych_overdue_to_senior_days",
            settings.escalation.psych_overdue_to_senior_days,
        ),
        ("moves.acknowledge_working_days", settings.moves.acknowledge_working_days),
        ("moves.agree_working_days", settings.moves.agree_working_days),
        ("moves.move_working_days", settings.moves.move_working_days),
        ("checkins.pulse_weeks", settings.checkins.pulse_weeks),
        ("checkins.full_months", settings.checkins.full_months),
        ("idle_timeout_minutes", settings.idle_timeout_minutes),
    ]
    for name, value in positive:
        if value <= 0:
            add("policy.not_positive", name, f"{name} must be at least 1.")
    if settings.gate.reflection_days < 0:
        add("policy.negative", "gate.reflection_days", "The reflection period cannot be negative.")
    if any(m <= 0 for m in settings.cadences.structured_review_months):
        add(
            "policy.not_positive",
            "cadences.structured_review_months",
            "Structured reviews must fall at least one month after joining.",
        )
    if not (
        settings.moves.acknowledge_working_days
        <= settings.moves.agree_working_days
        <= settings.moves.move_working_days
    ):
        add(
            "policy.move_order",
            "moves",
            "Move deadlines must run in order: acknowledge, then agree, then move.",
        )
    if settings.k_anonymity < 2:
        add("policy.k_too_small", "k_anonymity", "The smallest group shown must be at least 2.")
    try:
        zoneinfo.ZoneInfo(settings.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        add("policy.time_zone", "time_zone", f"“{settings.time_zone}” is not a known time zone.")
    if settings.nation not in NATIONS:
        add("policy.nation", "nation", f"Nation must be one of {', '.join(NATIONS)}.")
    hh, _, mm = settings.limits.no_viewing_after.partition(":")
    if not (hh.isdigit() and mm.isdigit() and 0 <= int(hh) < 24 and 0 <= int(mm) < 60):
        add(
            "policy.time_format",
            "limits.no_viewing_after",
            "Write the latest viewing time as HH:MM, for example 16:00.",
        )
    bad_targets = sorted(
        {t for t in settings.category_mapping.values() if t not in MAPPING_TARGETS}
    )
    if bad_targets:
        add(
            "policy.mapping_target",
            "category_mapping",
            f"Map codes only onto {', '.join(MAPPING_TARGETS)} (not {', '.join(bad_targets)}).",
        )
    if settings.checkins.score_visibility not in SCORE_VISIBILITY:
        add(
            "policy.score_visibility",
            "checkins.score_visibility",
            f"Score visibility must be one of {', '.join(SCORE_VISIBILITY)}.",
        )
    return problems


# --------------------------------------------------------------------------- loosening


@dataclass(frozen=True)
class Loosening:
    """One way a proposed policy is looser than the one in force: needs a second person."""

    code: str
    field: str
    message: str


def _media_words(media: set[str]) -> str:
    return ", ".join(m.replace("_", " ") for m in MEDIA_KINDS if m in media)


def _stage_loosenings(previous: PolicySettings, proposed: PolicySettings) -> list[Loosening]:
    # Each stage is compared with the stage at the same step of the old policy (so removing a
    # stage that sat between two is caught) and with the old stage of the same code.
    found: dict[tuple[str, str], Loosening] = {}
    old_by_code = {s.code: s for s in previous.stages}
    for i, new in enumerate(proposed.stages):
        refs = [previous.stages[min(i, len(previous.stages) - 1)]] if previous.stages else []
        if new.code in old_by_code:
            refs.append(old_by_code[new.code])
        name = f"Stage {i + 1} (“{new.label}”)"
        for old in refs:
            if CATEGORY_RANK.get(new.max_category, 4) > CATEGORY_RANK.get(old.max_category, 4):
                found.setdefault(
                    ("loosen.stage_category", f"stages.{i}.max_category"),
                    Loosening(
                        "loosen.stage_category",
                        f"stages.{i}.max_category",
                        f"{name} would allow Category {new.max_category}, where “{old.label}” "
                        f"allowed {'Category ' + old.max_category if old.max_category else 'nothing'}.",
                    ),
                )
            more = set(new.media) - set(old.media)
            if more:
                found.setdefault(
                    ("loosen.stage_media", f"stages.{i}.media"),
                    Loosening(
                        "loosen.stage_media",
                        f"stages.{i}.media",
                        f"{name} would allow more media than “{old.label}”: {_media_words(more)}.",
                    ),
                )
            if old.supervised and not new.supervised:
                found.setdefault(
                    ("loosen.stage_unsupervised", f"stages.{i}.supervised"),
                    Loosening(
                        "loosen.stage_unsupervised",
                        f"stages.{i}.supervised",
                        f"{name} would allow viewing without a mentor present, where "
                        f"“{old.label}” needed one.",
                    ),
                )
    return list(found.values())


def loosenings(previous: PolicySettings, proposed: PolicySettings) -> list[Loosening]:
    """Every way ``proposed`` is looser than ``previous``, field by field; ``[]`` when none.

    Looser means a lighter gate, a stage that grants more, or a smaller k. Such a change
    takes effect only once a second person approves it (DESIGN.md §1).
    """
    out: list[Loosening] = []
    old, new = previous.gate, proposed.gate

    def fewer(fld: str, code: str, what: str, was: int, now: int, unit: str) -> None:
        if now < was:
            out.append(Loosening(code, fld, f"{what}: {now} {unit} instead of {was}."))

    fewer(
        "gate.min_supervised_sessions",
        "loosen.supervised_sessions",
        "Fewer supervised sessions needed at each stage",
        old.min_supervised_sessions,
        new.min_supervised_sessions,
        "sessions" if new.min_supervised_sessions != 1 else "session",
    )
    fewer(
        "gate.reflection_days",
        "loosen.reflection_days",
        "A shorter reflection period",
        old.reflection_days,
        new.reflection_days,
        "days" if new.reflection_days != 1 else "day",
    )
    if new.readiness_max_age_days > old.readiness_max_age_days:
        out.append(
            Loosening(
                "loosen.readiness_validity",
                "gate.readiness_max_age_days",
                "A readiness declaration would stay valid longer: "
                f"{new.readiness_max_age_days} days instead of {old.readiness_max_age_days}.",
            )
        )
    labels = {s.code: s.label for s in previous.stages}
    for code in old.psych_assessment_before:
        if code not in new.psych_assessment_before:
            out.append(
                Loosening(
                    "loosen.psych_assessment",
                    "gate.psych_assessment_before",
                    "No psychological assessment would be needed before "
                    f"“{labels.get(code, code)}”.",
                )
            )
    if new.psych_assessment_max_age_days > old.psych_assessment_max_age_days:
        out.append(
            Loosening(
                "loosen.psych_assessment_age",
                "gate.psych_assessment_max_age_days",
                "An older psychological assessment would count: within "
                f"{new.psych_assessment_max_age_days} days instead of "
                f"{old.psych_assessment_max_age_days}.",
            )
        )
    out.extend(_stage_loosenings(previous, proposed))
    if proposed.k_anonymity < previous.k_anonymity:
        out.append(
            Loosening(
                "loosen.k",
                "k_anonymity",
                f"Smaller groups would be shown in aggregates: {proposed.k_anonymity} people "
                f"instead of {previous.k_anonymity}.",
            )
        )
    return out


# Who approves a loosening change, by the role its proposer acted in: always the other of the
# two roles that answer for welfare, and never the proposer themself.
APPROVERS: dict[str, tuple[str, ...]] = {
    "welfare_lead": ("senior_leader",),
    "senior_leader": ("welfare_lead",),
    "administrator": ("welfare_lead", "senior_leader"),
}
_ROLE_WORDS = {
    "welfare_lead": "a welfare lead",
    "senior_leader": "a senior leader",
    "administrator": "an administrator",
}


def approval_refusal(
    *, proposer_id: int, proposer_role: str, approver_id: int, approver_role: str
) -> Detail | None:
    """Why this person, in this role, may not approve the proposal; ``None`` if they may."""
    if approver_id == proposer_id:
        return Detail("proposal.own", "You proposed this change; a second person must approve it.")
    allowed = APPROVERS.get(proposer_role, ())
    if approver_role not in allowed:
        who = " or ".join(_ROLE_WORDS[r] for r in allowed) or "nobody"
        return Detail(
            "proposal.approver_role",
            f"A change proposed by {_ROLE_WORDS.get(proposer_role, proposer_role)} is approved "
            f"by {who}.",
        )
    return None
