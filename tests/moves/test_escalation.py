"""Missed deadlines over the Easter bank holidays, with the tick run day by day.

A request made on Thursday 25 March 2027, the Thursday before Easter (Good Friday 26 March,
Easter Monday 29 March): acknowledge by Wednesday 31 March, agree by Monday 12 April, move
by Monday 26 April. Each escalation must land on its working day, once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import time_machine

from tests.factories import World, viewer
from tests.moves.helpers import ask_to_leave
from wellgate import periodic
from wellgate.moves import services
from wellgate.moves.models import MoveBreach, MoveRequest
from wellgate.notify.models import Notification, OutboxMessage
from wellgate.people.models import Role
from wellgate.policy.rules import PolicySettings
from wellgate.policy.services import policy_update

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = dt.date


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def ask_on_easter_thursday(world: World) -> MoveRequest:
    with time_machine.travel(at(D(2027, 3, 25), 10), tick=False):
        return ask_to_leave(world.officer)


def run_days(
    first: dt.date,
    last: dt.date,
    on_day: Callable[[dt.date], None] | None = None,
) -> dict[str, list[dt.date]]:
    """Run every tick step at 07:00 and 18:00 each day; the days each breach key appeared."""
    seen: dict[str, list[dt.date]] = {}
    day = first
    while day <= last:
        if on_day is not None:
            on_day(day)
        for hour in (7, 18):
            moment = at(day, hour)
            with time_machine.travel(moment, tick=False):
                periodic.run_all(moment)
        for key in MoveBreach.objects.values_list("key", flat=True):
            days = seen.setdefault(key, [])
            if not days:
                days.append(day)
        day += dt.timedelta(days=1)
    return seen


def test_a_request_nobody_answers_escalates_on_the_right_working_day_once_each(world: World):
    req = ask_on_easter_thursday(world)
    assert (req.acknowledge_due, req.agree_due, req.move_due) == (
        D(2027, 3, 31),
        D(2027, 4, 12),
        D(2027, 4, 26),
    )
    seen = run_days(D(2027, 3, 25), D(2027, 5, 14))
    k = req.key
    assert seen == {
        f"{k}:acknowledge:welfare_lead": [D(2027, 4, 1)],
        f"{k}:acknowledge:senior_leader": [D(2027, 4, 5)],
        f"{k}:agree:welfare_lead": [D(2027, 4, 13)],
        f"{k}:agree:senior_leader": [D(2027, 4, 15)],
        f"{k}:move:welfare_lead": [D(2027, 4, 27)],
        f"{k}:move:senior_leader": [D(2027, 4, 27)],
    }
    assert {b.key: b.escalated_on for b in MoveBreach.objects.all()} == {
        key: days[0] for key, days in seen.items()
    }
    # Each breach told its people once, and the inbox has each once.
    welfare = OutboxMessage.objects.filter(kind="moves.breach.welfare_lead")
    senior = OutboxMessage.objects.filter(kind="moves.breach.senior_leader")
    assert set(welfare.values_list("recipient", flat=True)) == {world.welfare_lead.pk}
    assert set(senior.values_list("recipient", flat=True)) == {world.senior_leader.pk}
    assert welfare.count() == 3 and senior.count() == 3
    assert Notification.objects.filter(recipient=world.senior_leader).count() == 3
    assert MoveRequest.objects.get(pk=req.pk).escalation_complete


def test_nothing_escalates_over_the_bank_holidays_before_the_deadline_passes(world: World):
    ask_on_easter_thursday(world)
    assert run_days(D(2027, 3, 25), D(2027, 3, 31)) == {}
    assert not OutboxMessage.objects.filter(kind__startswith="moves.breach").exists()


def test_a_late_acknowledgement_stays_on_record_and_stops_the_senior_escalation(world: World):
    req = ask_on_easter_thursday(world)
    sup = viewer(world.supervisor, Role.SUPERVISOR)

    def act(day: dt.date) -> None:
        step = {D(2027, 4, 2): "acknowledge", D(2027, 4, 12): "agree", D(2027, 4, 26): "moved"}
        if day in step:
            with time_machine.travel(at(day, 12), tick=False):
                services.move_step(
                    by=sup,
                    request=MoveRequest.objects.get(pk=req.pk),
                    action=step[day],
                    destination="Fraud squad",
                )

    seen = run_days(D(2027, 3, 25), D(2027, 5, 14), on_day=act)
    assert seen == {f"{req.key}:acknowledge:welfare_lead": [D(2027, 4, 1)]}
    req.refresh_from_db()
    assert req.state == "moved" and req.escalation_complete
    assert req.breaches.count() == 1  # the missed deadline stays on the record


def test_a_withdrawal_stops_further_escalation(world: World):
    req = ask_on_easter_thursday(world)

    def withdraw(day: dt.date) -> None:
        if day == D(2027, 4, 6):
            with time_machine.travel(at(day, 12), tick=False):
                services.move_withdraw(
                    by=viewer(world.officer, Role.OFFICER),
                    request=MoveRequest.objects.get(pk=req.pk),
                )

    seen = run_days(D(2027, 3, 25), D(2027, 5, 14), on_day=withdraw)
    assert seen == {
        f"{req.key}:acknowledge:welfare_lead": [D(2027, 4, 1)],
        f"{req.key}:acknowledge:senior_leader": [D(2027, 4, 5)],
    }
    assert MoveRequest.objects.get(pk=req.pk).escalation_complete


def test_a_second_tick_process_on_the_same_day_sends_nothing_twice(world: World):
    ask_on_easter_thursday(world)
    moment = at(D(2027, 4, 1), 9)
    with time_machine.travel(moment, tick=False):
        assert services.breaches_send(now=moment) == 1
        assert services.breaches_send(now=moment) == 0
    assert MoveBreach.objects.count() == 1


def test_in_scotland_easter_monday_counts_as_a_working_day(world: World):
    with time_machine.travel(at(D(2027, 3, 1), 9), tick=False):
        policy_update(
            by=viewer(world.welfare_lead, Role.WELFARE_LEAD),
            force=world.force,
            settings=PolicySettings(nation="scotland"),
            reason="We are a Scottish force.",
        )
    req = ask_on_easter_thursday(world)
    assert req.acknowledge_due == D(2027, 3, 30)
    seen = run_days(D(2027, 3, 25), D(2027, 4, 1))
    assert seen == {f"{req.key}:acknowledge:welfare_lead": [D(2027, 3, 31)]}


def test_the_day_of_the_request_is_the_force_day_not_the_server_day(world: World):
    # 00:30 on Wednesday 14 April 2027 in London is still Tuesday 23:30 in UTC.
    moment = dt.datetime(2027, 4, 14, 0, 30, tzinfo=LONDON)
    assert moment.astimezone(dt.UTC).date() == D(2027, 4, 13)
    with time_machine.travel(moment, tick=False):
        req = ask_to_leave(world.officer)
    assert req.acknowledge_due == D(2027, 4, 16)  # two working days after Wednesday
