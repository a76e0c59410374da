"""Obligations over time: planned from the policy, escalated on the right working days, once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.db import connection

from tests.factories import World, make_person, supervise, viewer
from wellgate import periodic
from wellgate.notify.models import Notification, OutboxMessage
from wellgate.people.models import Person, Role, RoleGrant
from wellgate.policy.rules import PolicySettings
from wellgate.support import rules, services
from wellgate.support.models import Obligation

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = dt.date


def at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=LONDON)


def tick(now: dt.datetime) -> None:
    """This app's periodic steps and delivery, as ``wellgate tick`` runs them."""
    for r in periodic.steps():
        if r.name.startswith(("support.", "notify.")):
            r.step(now)


def notices_about(officer: Person, kind: str) -> list[tuple[str, dt.date, str]]:
    """(recipient, day delivered, level) of every escalation about one obligation kind."""
    rows = Notification.objects.filter(
        outbox__dedup_key__startswith=f"support.escalation:{officer.pk}:{kind}:"
    ).select_related("recipient", "outbox")
    return sorted(
        (n.recipient.full_name, n.created_at.astimezone(LONDON).date(), n.kind) for n in rows
    )


def run_days(world: World, joiner_name: str, until: dt.date, record_on: dt.date | None):  # type: ignore[no-untyped-def]
    """An officer joins on Monday 4 January 2027 (the assessment falls due on Sunday 4 July);
    the tick runs every morning until ``until``; the assessment is recorded on ``record_on``."""
    start = D(2027, 1, 4)
    with time_machine.travel(at_nine(start), tick=False) as traveller:
        joiner = make_person(world.force, Role.OFFICER, world.team, joiner_name)
        supervise(joiner, world.supervisor)
        day = start
        while day <= until:
            traveller.move_to(at_nine(day))
            tick(at_nine(day))
            if day == record_on:
                services.psych_attended_record(
                    by=viewer(world.welfare_lead), officer=joiner, attended_on=day
                )
            day += dt.timedelta(days=1)
    return joiner


def test_six_months_without_an_assessment_escalate_on_the_right_working_days_once_each(
    world: World,
):
    joiner = run_days(world, "Jo Joiner", D(2027, 8, 31), record_on=None)
    assert notices_about(joiner, "psych_assessment") == [
        ("Jo Joiner", D(2027, 7, 5), "support.overdue"),
        # 4 July + 30 days is Tuesday 3 August, a working day.
        ("Sal Senior", D(2027, 8, 3), "support.senior_leader"),
        ("Sid Supervisor", D(2027, 7, 5), "support.overdue"),
        # 4 July + 14 days is a Sunday: the welfare lead hears on Monday 19 July.
        ("Wyn Welfare", D(2027, 7, 19), "support.welfare_lead"),
    ]


def test_escalation_stops_when_the_assessment_is_recorded(world: World):
    recorded_on = D(2027, 7, 27)  # after the welfare lead heard, before a senior leader would
    joiner = run_days(world, "Jo Joiner", D(2027, 8, 31), record_on=recorded_on)
    assert notices_about(joiner, "psych_assessment") == [
        ("Jo Joiner", D(2027, 7, 5), "support.overdue"),
        ("Sid Supervisor", D(2027, 7, 5), "support.overdue"),
        ("Wyn Welfare", D(2027, 7, 19), "support.welfare_lead"),
    ]
    done = Obligation.objects.get(officer=joiner, kind="psych_assessment", state="done")
    assert (done.due_on, done.done_on) == (D(2027, 7, 4), recorded_on)
    # The next one counts from the day it was done, and nothing is due about it yet.
    nxt = Obligation.objects.get(officer=joiner, kind="psych_assessment", state="due")
    assert nxt.due_on == D(2028, 1, 27)


def test_every_obligation_kind_is_planned_once_for_a_joiner_however_often_the_tick_runs(
    world: World,
):
    with time_machine.travel(at_nine(D(2027, 1, 4)), tick=False):
        joiner = make_person(world.force, Role.OFFICER, world.team)
        for _ in range(3):
            tick(at_nine(D(2027, 1, 4)))
    due = {o.kind: o.due_on for o in Obligation.objects.filter(officer=joiner)}
    assert due == {
        "psych_assessment": D(2027, 7, 4),
        "one_to_one": D(2027, 2, 1),
        "welfare_day": D(2027, 4, 4),
        "workload_review": D(2027, 2, 1),
        "structured_review": D(2027, 4, 4),
    }


def test_an_overdue_1_1_is_noticed_after_the_easter_weekend_and_reaches_the_welfare_lead(
    world: World,
):
    with time_machine.travel(at_nine(D(2027, 3, 20)), tick=False) as traveller:
        ob = services._create_obligation(
            officer_id=world.officer.pk,
            force_id=world.force.pk,
            planned=rules.Planned("one_to_one", D(2027, 3, 25), "one_to_one:easter"),
        )
        assert ob is not None
        day = D(2027, 3, 20)
        while day <= D(2027, 4, 20):
            traveller.move_to(at_nine(day))
            services.escalations_send(now=at_nine(day))
            day += dt.timedelta(days=1)
    sent = OutboxMessage.objects.filter(dedup_key__contains=":one_to_one:easter:")
    assert sorted(
        (m.recipient.full_name, m.created_at.astimezone(LONDON).date()) for m in sent
    ) == [
        ("Olive Officer", D(2027, 3, 30)),  # Good Friday and Easter Monday are skipped
        ("Sid Supervisor", D(2027, 3, 30)),
        ("Wyn Welfare", D(2027, 4, 8)),
    ]


def test_a_rescheduled_obligation_escalates_again_from_its_new_date(world: World):
    with time_machine.travel(at_nine(D(2027, 3, 1)), tick=False) as traveller:
        ob = services._create_obligation(
            officer_id=world.officer.pk,
            force_id=world.force.pk,
            planned=rules.Planned("workload_review", D(2027, 3, 1), "workload_review:x"),
        )
        assert ob is not None
        traveller.move_to(at_nine(D(2027, 3, 2)))
        assert services.escalations_send(now=at_nine(D(2027, 3, 2))) == 2
        assert services.escalations_send(now=at_nine(D(2027, 3, 2))) == 0
        services.obligation_reschedule(by=viewer(world.supervisor), obligation=ob, to=D(2027, 3, 5))
        traveller.move_to(at_nine(D(2027, 3, 8)))
        assert services.escalations_send(now=at_nine(D(2027, 3, 8))) == 2
    keys = sorted(OutboxMessage.objects.values_list("dedup_key", flat=True))
    assert [k.split(":", 2)[2].rsplit(":", 1)[0] for k in keys] == [
        "workload_review:x:overdue",
        "workload_review:x:overdue",
        "workload_review:x@2027-03-05:overdue",
        "workload_review:x@2027-03-05:overdue",
    ]


def test_an_officer_who_left_is_neither_planned_nor_escalated(world: World):
    world.officer.is_active = False
    world.officer.save()
    with time_machine.travel(at_nine(D(2027, 6, 1)), tick=False):
        tick(at_nine(D(2027, 6, 1)))
    assert not Obligation.objects.filter(officer=world.officer).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tick_processes_at_once_send_each_escalation_once(world: World):
    # A moment after every role and line management below has started.
    now = dt.datetime.now(tz=LONDON) + dt.timedelta(minutes=1)
    joined = now - dt.timedelta(days=240)
    joiners = []
    for i in range(30):
        person = make_person(world.force, Role.OFFICER, world.team, f"Joiner {i:02}")
        RoleGrant.objects.filter(person=person).update(starts_at=joined)
        supervise(person, world.supervisor)
        joiners.append(person)
    services.obligations_plan_due(now=joined)  # what was due since, nobody ever did
    assert Obligation.objects.filter(officer__in=joiners).count() == 30 * 5
    # Other apps' steps run (and deliver) once first: this test is about support's steps
    # racing each other, and delivery takes at most 500 messages a tick.
    for r in periodic.steps():
        if not r.name.startswith("support."):
            r.step(now)
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "wellgate", "tick", "--now", now.isoformat()]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs

    policy, today = PolicySettings(), now.date()
    expected = Counter()
    for ob in Obligation.objects.filter(officer__in=joiners, state="due", due_on__lt=today):
        for e in rules.escalations(ob.as_record(), policy, today):
            for who in e.notify:
                expected[(ob.officer_id, e.key, who)] += 1
    sent = OutboxMessage.objects.filter(dedup_key__startswith="support.escalation:")
    assert sent.count() == sum(expected.values()) > 30 * 4
    assert Notification.objects.filter(outbox__in=sent).count() == sent.count()
    # Each obligation was re-planned by at most one process: one outstanding per kind.
    outstanding = Counter(
        Obligation.objects.filter(officer__in=joiners, state="due").values_list(
            "officer_id", "kind"
        )
    )
    assert set(outstanding.values()) == {1}
    escalated = sum(int(o.split("support.escalate: ")[1].split(",")[0]) for o in outs)
    assert escalated == sent.count()
