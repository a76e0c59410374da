"""1:1s and other meetings, observations of stress signs, and flags closed by a meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction

from wellgate import clock
from wellgate.calendar import local_date, today_for
from wellgate.errors import Refused
from wellgate.flags import services as flag_services
from wellgate.flags.models import Flag, Severity, Source, State
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person, Role
from wellgate.support import rules
from wellgate.support.models import (
    MEETING_KINDS,
    NEUTRAL_LABELS,
    SIGN_LABELS,
    Meeting,
    Obligation,
    Observation,
)
from wellgate.support.services._common import _check_day, _denied, policy_for
from wellgate.support.services.obligations import (
    _check_recorder,
    _complete,
    _earliest_outstanding,
    _lock,
    _plan_next,
)


def _check_signs(signs: Sequence[str]) -> list[str]:
    unknown = rules.unknown_stress_signs(signs)
    if unknown:
        raise Refused.one(
            "support.unknown_sign",
            f"Not on the checklist: {', '.join(unknown)}. Use {', '.join(rules.STRESS_SIGN_CODES)}.",
            "signs",
        )
    return list(dict.fromkeys(signs))


def _require_recorder(by: Viewer, officer: Person) -> None:
    if not can(by, "support.record", officer):
        raise _denied()
    if by.person.pk == officer.pk:
        raise _denied("Nobody records their own 1:1s or observations: ask a colleague.")


def _owner_for(by: Viewer, officer: Person) -> Person | None:
    return by.person if by.role == Role.SUPERVISOR else flag_services.default_owner(officer)


def _signs_sentence(signs: Iterable[str]) -> str:
    return "Signs noticed: " + "; ".join(SIGN_LABELS[s].lower() for s in signs) + "."


@transaction.atomic
def meeting_record(
    *,
    by: Viewer,
    officer: Person,
    kind: str,
    held_on: dt.date,
    how_are_you: str = "",
    workload: str = "",
    signs: Sequence[str] = (),
    agreed_actions: str = "",
    note: str = "",
    obligation: Obligation | None = None,
    closes_flag: Flag | None = None,
) -> Meeting:
    """Record a 1:1, workload review, debrief or structured review with its welfare discussion.

    It completes the obligation it answers (the one given, else the earliest outstanding of
    its kind) and may close one of the officer's open flags. Stress signs ticked without
    closing a flag open an amber flag, as an observation would.
    """
    _require_recorder(by, officer)
    if kind not in MEETING_KINDS:
        raise Refused.one(
            "meeting.kind_unknown",
            f"Choose one of: {', '.join(NEUTRAL_LABELS[k] for k in MEETING_KINDS)}.",
            "kind",
        )
    policy = policy_for(officer.force_id)
    today = today_for(policy)
    _check_day(held_on, today, "held_on")
    signs = _check_signs(signs)
    if closes_flag is not None:
        if closes_flag.officer_id != officer.pk or closes_flag.state != State.OPEN:
            raise Refused.one(
                "meeting.flag_unknown", "Choose one of this officer's open flags.", "closes_flag"
            )
        if held_on < local_date(closes_flag.opened_at, policy):
            raise Refused.one(
                "flag.meeting_before_flag",
                "A meeting held before the flag was raised cannot close it.",
                "closes_flag",
            )
    if obligation is not None:
        ob: Obligation | None = _lock(obligation)
        assert ob is not None
        if ob.officer_id != officer.pk or ob.kind != kind or not ob.outstanding:
            raise Refused.one(
                "meeting.obligation_mismatch",
                f"Choose an outstanding {NEUTRAL_LABELS[kind].lower()} of this officer.",
                "obligation",
            )
    else:
        ob = _earliest_outstanding(officer, kind)
    if ob is not None:
        _check_recorder(by, ob)
        _complete(ob, by=by, done_on=held_on, today=today)
    meeting = Meeting.objects.create(
        force_id=officer.force_id,
        officer=officer,
        kind=kind,
        held_on=held_on,
        recorded_by=by.person,
        recorded_role=by.role,
        recorded_at=clock.now(),
        how_are_you=how_are_you.strip(),
        workload=workload.strip(),
        signs=signs,
        agreed_actions=agreed_actions.strip(),
        note=note.strip(),
        obligation=ob,
    )
    if closes_flag is not None:
        _close_with(by, closes_flag, meeting)
    elif rules.observation_flag(signs):
        flag_services.flag_open(
            officer=officer,
            source=Source.OBSERVATION,
            severity=Severity.AMBER,
            owner=_owner_for(by, officer),
            source_ref=f"meeting:{meeting.pk}",
            note=_signs_sentence(signs),
            by=by,
        )
    if ob is not None:
        _plan_next(officer, policy, today)
    return meeting


def _close_with(by: Viewer, flag: Flag, meeting: Meeting) -> Flag:
    return flag_services.flag_close(
        by=by,
        flag=flag,
        action=f"{meeting.label} on {rules.long_date(meeting.held_on)}",
        action_ref=f"meeting:{meeting.pk}",
    )


@transaction.atomic
def flag_close_with_meeting(*, by: Viewer, flag: Flag, meeting: Meeting) -> Flag:
    """Close a flag with a 1:1 or debrief already recorded for the same officer after it opened."""
    if meeting.officer_id != flag.officer_id:
        raise Refused.one(
            "flag.meeting_other_officer",
            "Choose a meeting recorded with the officer the flag is about.",
            "meeting_id",
        )
    policy = policy_for(flag.force_id)
    if meeting.held_on < local_date(flag.opened_at, policy):
        raise Refused.one(
            "flag.meeting_before_flag",
            "A meeting held before the flag was raised cannot close it.",
            "meeting_id",
        )
    return _close_with(by, flag, meeting)


@transaction.atomic
def observation_record(
    *,
    by: Viewer,
    officer: Person,
    observed_on: dt.date | None = None,
    signs: Sequence[str] = (),
    note: str = "",
) -> tuple[Observation, Flag | None]:
    """Record stress signs noticed in an officer; any sign opens an amber flag for the
    supervisor, closed later by a recorded conversation."""
    _require_recorder(by, officer)
    policy = policy_for(officer.force_id)
    today = today_for(policy)
    day = observed_on or today
    _check_day(day, today, "observed_on")
    signs = _check_signs(signs)
    if not signs and not note.strip():
        raise Refused.one(
            "observation.empty", "Tick at least one sign or write what you noticed.", "signs"
        )
    observation = Observation.objects.create(
        force_id=officer.force_id,
        officer=officer,
        observed_on=day,
        recorded_by=by.person,
        recorded_role=by.role,
        recorded_at=clock.now(),
        signs=signs,
        note=note.strip(),
    )
    flag = None
    if rules.observation_flag(signs):
        flag = flag_services.flag_open(
            officer=officer,
            source=Source.OBSERVATION,
            severity=Severity.AMBER,
            owner=_owner_for(by, officer),
            source_ref=f"observation:{observation.pk}",
            note=_signs_sentence(signs),
            by=by,
        )
    return observation, flag
