from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from tests.factories import World
from wellgate import clock
from wellgate.notify.models import Notification, OutboxMessage
from wellgate.notify.services import STALE_CLAIM, deliver_pending, enqueue


def queue(world: World, key: str = "k1") -> bool:
    return enqueue(
        recipient=world.officer, kind="test", dedup_key=key, title="Your 1:1 is due", link="/"
    )


def test_a_message_is_queued_once_per_deduplication_key(world: World):
    assert queue(world) is True
    assert queue(world) is False
    assert OutboxMessage.objects.count() == 1


def test_a_message_is_written_in_the_same_transaction_as_its_cause(world: World):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(world)
        raise RuntimeError("the cause failed")
    assert not OutboxMessage.objects.exists()


def test_delivery_puts_it_in_the_inbox_once_however_often_it_runs(world: World):
    queue(world)
    assert deliver_pending(clock.now()) == 1
    assert deliver_pending(clock.now()) == 0
    n = Notification.objects.get()
    assert (n.recipient, n.title) == (world.officer, "Your 1:1 is due")


def test_e_mail_carries_no_welfare_content(world: World, settings):
    settings.WELLGATE_EMAIL_ENABLED = True
    enqueue(
        recipient=world.officer,
        kind="flag",
        dedup_key="x",
        title="Red flag: unexpected exposure",
        body="Cat A",
    )
    deliver_pending(clock.now())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "You have a new item in Wellgate"
    assert (
        "flag" not in message.body.lower()
        and "Cat A" not in message.body
        and "exposure" not in message.body
    )


def test_no_e_mail_unless_it_is_set_up(world: World, settings):
    settings.WELLGATE_EMAIL_ENABLED = False
    queue(world)
    deliver_pending(clock.now())
    assert mail.outbox == [] and Notification.objects.count() == 1


def test_a_claim_held_by_a_live_tick_is_left_alone_and_a_stale_one_is_taken_over(world: World):
    queue(world)
    now = clock.now()
    OutboxMessage.objects.update(claim_token="other", claimed_at=now)
    assert deliver_pending(now) == 0
    assert deliver_pending(now + STALE_CLAIM + dt.timedelta(seconds=1)) == 1


def test_tick_runs_every_registered_step_and_reports_them(world: World, capsys):
    queue(world)
    call_command("tick")
    out = capsys.readouterr().out
    # Delivery runs last: this message and any the other steps queued (check-in invitations).
    assert f"notify.deliver: {OutboxMessage.objects.count()}" in out
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0
    call_command("tick")
    assert "notify.deliver: 0" in capsys.readouterr().out


def test_tick_now_replays_a_given_moment(world: World, capsys):
    call_command("tick", "--now", "2027-03-25T09:00:00+00:00")
    assert "tick 2027-03-25T09:00:00+00:00" in capsys.readouterr().out


def test_tick_now_must_be_a_date_time(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO date-time"):
        call_command("tick", "--now", "next tuesday")


def test_the_inbox_lists_and_marks_read(world: World, client):
    from tests.factories import login

    queue(world)
    deliver_pending(clock.now())
    login(client, world.officer)
    assert "Your 1:1 is due" in client.get("/inbox/").content.decode()
    client.post("/inbox/read/", {"notification": Notification.objects.get().pk})
    assert Notification.objects.get().read_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tick_processes_at_once_deliver_each_message_once(world: World):
    for i in range(300):
        enqueue(recipient=world.officer, kind="test", dedup_key=f"bulk-{i}", title=f"Item {i}")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "wellgate", "tick"], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    delivered = [int(o.split("notify.deliver: ")[1].split(",")[0]) for o in outs]
    # The ticks may queue and deliver messages of their own (invitations, reminders) too:
    # every queued message, ours included, is delivered exactly once between the two.
    assert sum(delivered) == OutboxMessage.objects.count() == Notification.objects.count()
    assert Notification.objects.filter(outbox__dedup_key__startswith="bulk-").count() == 300
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0
