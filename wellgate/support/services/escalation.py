"""Escalation of overdue obligations through the outbox; stable keys, so nothing is sent twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from wellgate.calendar import today_for
from wellgate.notify.services import enqueue
from wellgate.people.models import Person
from wellgate.people.queries import Recipients
from wellgate.periodic import claim
from wellgate.policy.rules import PolicySettings
from wellgate.support import rules
from wellgate.support.models import (
    OUTSTANDING,
    Obligation,
)
from wellgate.support.services._common import policy_for


def _recipients_of(recipients: Recipients, who: str, ob: Obligation) -> list[Person]:
    """The people an escalation names: the officer, their supervisor, or a force role."""
    if who == "officer":
        return [ob.officer]
    if who == "supervisor":
        return recipients.supervisor_of(ob.officer_id)
    return recipients.holders(who)


def _notice(e: rules.Escalation, who: str, ob: Obligation, today: dt.date) -> tuple[str, str, str]:
    """Title, body and link of one escalation notice for one kind of recipient."""
    if who == "officer":
        return f"Overdue: {ob.label}", e.message, reverse("my_support")
    late = (today - ob.effective_due_on).days
    title = (
        f"{ob.officer.full_name}: {ob.others_label} overdue by {late} day{'s' if late != 1 else ''}"
    )
    body = f"It was due on {rules.long_date(ob.effective_due_on)}."
    if who == "senior_leader":
        return title, body, reverse("escalations")
    return title, body, reverse("person_support", args=[ob.officer_id])


def _escalate_one(
    pk: int, *, policy: PolicySettings, today: dt.date, recipients: Recipients
) -> int:
    sent = 0
    with transaction.atomic():
        claimable = Obligation.objects.filter(pk=pk, state__in=OUTSTANDING).filter(
            Q(escalations_checked_on__isnull=True) | Q(escalations_checked_on__lt=today)
        )
        # Only the process that moves the date to today sends today's notices.
        if not claim(claimable, escalations_checked_on=today):
            return 0
        ob = Obligation.objects.select_related("officer").get(pk=pk)
        schedule = rules.escalation_schedule(ob.as_record(), policy)
        for e in schedule:
            if e.on_date > today:
                continue
            for who in e.notify:
                for person in _recipients_of(recipients, who, ob):
                    title, body, link = _notice(e, who, ob, today)
                    if enqueue(
                        recipient=person,
                        kind=f"support.{e.level}",
                        dedup_key=f"support.escalation:{ob.officer_id}:{e.key}:{person.pk}",
                        title=title,
                        body=body,
                        link=link,
                    ):
                        sent += 1
        if schedule and all(e.on_date <= today for e in schedule):
            Obligation.objects.filter(pk=pk).update(escalation_complete=True)
    return sent


def escalations_send(*, now: dt.datetime) -> int:
    """Send every escalation that overdue obligations have earned by today (the tick step).

    The officer and supervisor first, then the welfare lead, then (psychological assessments)
    the senior leaders, on the working days the rules give. Each notice has a stable key, so
    a re-run or a second tick process sends nothing twice.
    """
    sent = 0
    pending = Obligation.objects.filter(state__in=OUTSTANDING, escalation_complete=False)
    for force_id in sorted(set(pending.values_list("force_id", flat=True).distinct().order_by())):
        policy = policy_for(force_id, now)
        today = today_for(policy, now)
        ids = list(
            pending.filter(force_id=force_id, effective_due_on__lt=today, officer__is_active=True)
            .filter(Q(escalations_checked_on__isnull=True) | Q(escalations_checked_on__lt=today))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        recipients = Recipients(force_id, now)
        for pk in ids:
            sent += _escalate_one(pk, policy=policy, today=today, recipients=recipients)
    return sent
