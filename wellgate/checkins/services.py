"""Every write to check-ins: taking one, skipping one, suggesting a conversation, invitations.

A check-in is always the officer's own (no service here takes another person to act for). A
critical answer opens a red flag owned by the welfare lead, who is told at once; a marked
change opens an amber flag. Neither ever reaches the supervisor (DESIGN.md §3, §6).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse

from wellgate import clock
from wellgate.calendar import local_date
from wellgate.checkins import catalogue, rules
from wellgate.checkins.models import CheckIn, CheckInSkip, ConversationNudge
from wellgate.checkins.rules import Instrument, Score
from wellgate.errors import Refused
from wellgate.flags import services as flag_services
from wellgate.flags.models import Severity, Source
from wellgate.notify.models import OutboxMessage
from wellgate.notify.services import enqueue
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person, Role, RoleGrant
from wellgate.people.queries import current_supervisor, holders
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import PolicySettings

# How long after one nudge another is refused: the supervisor already has it.
NUDGE_INTERVAL = dt.timedelta(hours=24)


def _require_self(by: Viewer) -> None:
    if not can(by, "checkins.self", by.person.force):
        raise Refused.one(
            "access.denied", "Only an officer takes a check-in, and only for themselves.", None, 403
        )


def _instrument(instrument_id: str) -> Instrument:
    instrument = catalogue.instrument(instrument_id)
    if instrument is None:
        raise Refused.one(
            "checkin.instrument_unknown",
            f"“{instrument_id}” is not a check-in; choose one of "
            f"{', '.join(catalogue.instruments())}.",
            "instrument",
        )
    return instrument


def shares_by_default(policy: PolicySettings) -> bool:
    """Whether a new check-in is shared with the welfare lead unless the officer says not."""
    return policy.checkins.score_visibility == "officer_and_welfare_lead"


def _previous_score(officer: Person, instrument_id: str) -> Score | None:
    previous = (
        CheckIn.objects.filter(officer=officer, instrument_id=instrument_id)
        .order_by("-created_at", "-id")
        .first()
    )
    return previous.score if previous else None


def _welfare_lead(officer: Person) -> Person | None:
    leads = holders(officer.force_id, Role.WELFARE_LEAD)
    return leads[0] if leads else None


def _summary(instrument: Instrument, score: Score) -> str:
    parts = []
    for key in instrument.keys:
        if key != rules.TOTAL and key not in score.bands:
            continue  # unbanded subscales (the PCL-5 clusters) stay in the check-in itself
        _, high = rules.key_range(instrument, key)
        band = score.bands.get(key)
        parts.append(
            f"{rules.key_label(key)} {score.totals[key]:g} of {high:g}"
            + (f" ({band.label})" if band else "")
        )
    return f"{instrument.title}: " + "; ".join(parts) + "."


def _open_flags(
    checkin: CheckIn, instrument: Instrument, score: Score, found: list[rules.Change]
) -> None:
    officer = checkin.officer
    ref = f"checkin:{checkin.pk}"
    shared = checkin.shared_with_welfare_lead
    if score.critical:
        lines = [
            f"{instrument.title} check-in: an answer needs urgent attention.",
            *(instrument.critical_message(code) for code in score.critical_reasons),
        ]
        if shared:
            lines.append(_summary(instrument, score))
        else:
            lines.append(
                "The officer keeps their scores private; this reason is all that is shared."
            )
        flag_services.flag_open(
            officer=officer,
            source=Source.CHECKIN,
            severity=Severity.RED,
            owner=_welfare_lead(officer),
            source_ref=ref,
            note="\n".join(lines),
        )
    elif found:
        if shared:
            lines = [change.message for change in found]
        else:
            lines = [
                f"{instrument.title}: a marked change since the previous check-in. The officer "
                "keeps their scores private; ask how they are."
            ]
        flag_services.flag_open(
            officer=officer,
            source=Source.CHECKIN,
            severity=Severity.AMBER,
            owner=_welfare_lead(officer),
            source_ref=ref,
            note="\n".join(lines),
        )


@transaction.atomic
def checkin_submit(
    *,
    by: Viewer,
    instrument_id: str,
    answers: Mapping[str, object],
    share_with_welfare_lead: bool | None = None,
) -> CheckIn:
    """Store the officer's own check-in with every answer, its score and the method used.

    Refuses (422, one detail per item: ``answers.<item id>``) unless every question has one of
    its answers. A critical answer opens a red flag owned by the welfare lead, who is told at
    once; a change rule (PCL-5 up by 10, PHQ-9 or GAD-7 into a higher band) an amber one.
    ``share_with_welfare_lead`` is the officer's choice; ``None`` takes the policy's default.
    """
    _require_self(by)
    instrument = _instrument(instrument_id)
    if not isinstance(answers, Mapping):
        raise Refused.one(
            "checkin.answers_shape",
            "Send the answers as an object of question id to the value chosen.",
            "answers",
        )
    score = rules.score(instrument, answers)  # type: ignore[arg-type]
    officer = by.person
    # One check-in per officer at a time, so "the previous one" is always well defined.
    Person.objects.select_for_update().filter(pk=officer.pk).first()
    policy = policy_queries.current(officer.force_id)
    shared = (
        shares_by_default(policy) if share_with_welfare_lead is None else share_with_welfare_lead
    )
    previous = _previous_score(officer, instrument.id)
    checkin = CheckIn.objects.create(
        force_id=officer.force_id,
        officer=officer,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        scoring_method=instrument.scoring,
        answers_json=json.dumps({it.id: answers[it.id] for it in instrument.items}),
        score_json=json.dumps(score.to_dict()),
        critical=score.critical,
        shared_with_welfare_lead=bool(shared),
        created_at=clock.now(),
    )
    _open_flags(checkin, instrument, score, rules.changes(instrument, previous, score))
    return checkin


@transaction.atomic
def checkin_skip(*, by: Viewer, instrument_ids: Iterable[str]) -> list[CheckInSkip]:
    """Record that the officer chose not to take these check-ins this time. Never a flag."""
    _require_self(by)
    ids = list(dict.fromkeys(instrument_ids))
    if not ids:
        raise Refused.one(
            "checkin.skip_nothing", "Say which check-in you are skipping.", "instrument"
        )
    for instrument_id in ids:
        _instrument(instrument_id)
    now = clock.now()
    return [
        CheckInSkip.objects.create(
            force_id=by.force_id, officer=by.person, instrument_id=i, created_at=now
        )
        for i in ids
    ]


@transaction.atomic
def nudge_send(*, by: Viewer) -> ConversationNudge:
    """Ask one's supervisor for a conversation. They learn only that: no check-in, no score."""
    _require_self(by)
    supervisor = current_supervisor(by.person)
    if supervisor is None or not supervisor.is_active:
        raise Refused.one(
            "nudge.no_supervisor",
            "You have no supervisor recorded at the moment; the welfare lead or the support "
            "contacts are there for you instead.",
        )
    now = clock.now()
    recent = ConversationNudge.objects.filter(
        officer=by.person, supervisor=supervisor, created_at__gt=now - NUDGE_INTERVAL
    ).exists()
    if recent:
        raise Refused.one(
            "nudge.recent",
            f"You asked {supervisor.full_name} for a conversation in the last day; they have it.",
        )
    nudge = ConversationNudge.objects.create(
        force_id=by.force_id, officer=by.person, supervisor=supervisor, created_at=now
    )
    enqueue(
        recipient=supervisor,
        kind="checkins.nudge",
        dedup_key=f"checkins:nudge:{nudge.pk}",
        title=f"{by.person.full_name} would like a conversation with you",
        body="They chose to send this, and it says nothing more. Find a time that suits them.",
        link=reverse("person", args=[by.person.pk]),
    )
    return nudge


# Invitations ------------------------------------------------------------------------------

_INVITES = {
    "pulse": (
        "A pulse check-in is ready when you are",
        "Five quick questions, under a minute. It is voluntary and confidential: before you "
        "start you see exactly who can see the result, and skipping is fine.",
    ),
    "full": (
        "Your regular check-in is ready when you are",
        "PHQ-9, GAD-7, PCL-5 and ProQOL 5, a few minutes each. It is voluntary and "
        "confidential: before you start you see exactly who can see the result, and skipping "
        "is fine.",
    ),
}


def invitations_send(*, now: dt.datetime) -> int:
    """Invite every officer to the check-ins due on the policy's cadence (tick step).

    Each invitation's dedup key names the day it fell due, so an ignored invitation is sent
    once, never repeated: taking or skipping the check-in is what starts the next period.
    """
    officers = (
        RoleGrant.objects.current(now)
        .filter(role=Role.OFFICER, person__is_active=True)
        .values("person_id", "person__force_id")
        .annotate(joined=Min("starts_at"))
        .order_by("person_id")
    )
    # The last check-in or skip per officer and instrument: two grouped queries in all.
    last: dict[int, dict[str, dt.datetime]] = {}
    for model in (CheckIn, CheckInSkip):
        rows = (
            model.objects.filter(created_at__lte=now)
            .values("officer_id", "instrument_id")
            .annotate(at=Max("created_at"))
            .order_by()
        )
        for r in rows:
            mine = last.setdefault(r["officer_id"], {})
            mine[r["instrument_id"]] = max(mine.get(r["instrument_id"], r["at"]), r["at"])
    policies: dict[int, PolicySettings] = {}
    wanted: dict[str, tuple[int, str]] = {}
    for row in officers:
        force_id = row["person__force_id"]
        if force_id not in policies:
            policies[force_id] = policy_queries.at(force_id, now)
        policy = policies[force_id]
        officer_id = row["person_id"]
        done = {i: local_date(at, policy) for i, at in last.get(officer_id, {}).items()}
        for due in rules.due_checkins(
            last_done=done,
            joined_on=local_date(row["joined"], policy),
            today=local_date(now, policy),
            pulse_weeks=policy.checkins.pulse_weeks,
            full_months=policy.checkins.full_months,
        ):
            key = f"checkins:invite:{officer_id}:{due.group}:{due.since.isoformat()}"
            wanted[key] = (officer_id, due.group)
    sent_before = set(
        OutboxMessage.objects.filter(dedup_key__in=list(wanted)).values_list("dedup_key", flat=True)
    )
    people = Person.objects.in_bulk(
        [oid for key, (oid, _) in wanted.items() if key not in sent_before]
    )
    sent = 0
    for key, (officer_id, group) in wanted.items():
        if key in sent_before:
            continue
        title, body = _INVITES[group]
        with transaction.atomic():
            sent += enqueue(
                recipient=people[officer_id],
                kind="checkins.invite",
                dedup_key=key,
                title=title,
                body=body,
                link=reverse("checkins"),
            )
    return sent
