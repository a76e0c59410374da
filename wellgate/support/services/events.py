"""Hooks for other apps: an unexpected exposure, a closed case, an officer leaving the team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse

from wellgate import clock
from wellgate.calendar import local_date, today_for
from wellgate.errors import Refused
from wellgate.flags import services as flag_services
from wellgate.flags.models import Severity, Source
from wellgate.notify.services import enqueue
from wellgate.people.access import Viewer, can
from wellgate.people.models import Person
from wellgate.support import rules
from wellgate.support.models import (
    OUTSTANDING,
    Obligation,
    ObligationEvent,
    ObligationEventType,
    ObligationState,
)
from wellgate.support.services._common import _denied, _supervisor_of, policy_for
from wellgate.support.services.obligations import _create_obligation

# --- Hooks for other apps -----------------------------------------------------------------


@transaction.atomic
def unexpected_exposure_recorded(
    *, officer: Person, occurred_at: dt.datetime, source_ref: str
) -> Obligation:
    """An officer saw material above their clearance: a red flag (the welfare lead is told at
    once) and a debrief due within the policy's working days (the TRiM 72-hour point).

    Called by the exposure app inside its own transaction, after its own access checks.
    ``source_ref`` names the exposure record (``"session:42"``): calling twice does nothing new.
    """
    policy = policy_for(officer.force_id, occurred_at)
    day = local_date(occurred_at, policy)
    planned = rules.plan_debrief(source_ref, day, policy)
    ob = _create_obligation(
        officer_id=officer.pk, force_id=officer.force_id, planned=planned, source_ref=source_ref
    ) or Obligation.objects.get(officer=officer, key=planned.key)
    flag_services.flag_open(
        officer=officer,
        source=Source.UNEXPECTED_EXPOSURE,
        severity=Severity.RED,
        source_ref=source_ref,
        note="Material above the officer's clearance was seen. A debrief is due by "
        f"{rules.long_date(ob.effective_due_on)}.",
    )
    supervisor = _supervisor_of(officer)
    if supervisor is not None:
        enqueue(
            recipient=supervisor,
            kind="support.debrief",
            dedup_key=f"support.debrief:{officer.pk}:{planned.key}:{supervisor.pk}",
            title=f"Debrief {officer.full_name} by {rules.long_date(ob.effective_due_on)}",
            body="An unexpected exposure was recorded. Hold and record a debrief.",
            link=reverse("person_support", args=[officer.pk]),
        )
    return ob


@transaction.atomic
def case_closed(*, officers: Iterable[Person], case_ref: str, by: Viewer) -> list[Obligation]:
    """A case the officers worked on has closed: each gets a debrief to share the outcome."""
    if not can(by, "support.team", by.person.force):
        raise _denied("Only a supervisor or the welfare lead marks a case closed.")
    case_ref = case_ref.strip()
    if not case_ref:
        raise Refused.one("case.ref_missing", "Give the case reference.", "case_ref")
    created = []
    for officer in officers:
        if officer.force_id != by.force_id:
            raise Refused.one("not_found", "Not found, or you do not have access to it.", None, 404)
        policy = policy_for(officer.force_id)
        source_ref = f"case:{case_ref}"
        planned = rules.plan_debrief(source_ref, today_for(policy), policy)
        ob = _create_obligation(
            officer_id=officer.pk,
            force_id=officer.force_id,
            planned=planned,
            source_ref=source_ref,
            by=by,
        )
        if ob is None:
            continue
        created.append(ob)
        supervisor = _supervisor_of(officer)
        if supervisor is not None and supervisor.pk != by.person.pk:
            enqueue(
                recipient=supervisor,
                kind="support.debrief",
                dedup_key=f"support.debrief:{officer.pk}:{planned.key}:{supervisor.pk}",
                title=f"Case {case_ref} closed: debrief {officer.full_name}",
                body=f"Share the outcome by {rules.long_date(planned.due_on)}.",
                link=reverse("person_support", args=[officer.pk]),
            )
    return created


@transaction.atomic
def obligations_stop(*, officer: Person, by: Viewer | None, reason: str = "") -> int:
    """The officer has left the team: their outstanding obligations stop (state ``stopped``,
    with an entry in each one's history), so nothing more is planned, due or escalated.
    Done, missed and stopped ones stay as they are. Returns how many were stopped.

    Registered (``apps.py``) to run inside ``people.services.membership_end``, after its
    access check (the officer's role has ended by then, so planning finds nothing new either).
    """
    now = clock.now()
    stopped = 0
    for ob in Obligation.objects.select_for_update().filter(officer=officer, state__in=OUTSTANDING):
        ob.state = ObligationState.STOPPED
        ob.escalation_complete = True
        ob.save(update_fields=["state", "escalation_complete"])
        ObligationEvent.objects.create(
            obligation=ob,
            type=ObligationEventType.STOPPED,
            at=now,
            by=by.person if by else None,
            by_role=by.role if by else "system",
            note=f"The officer left the team. {reason}".strip(),
        )
        stopped += 1
    return stopped
