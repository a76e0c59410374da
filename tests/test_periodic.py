"""The periodic kernel: steps isolated from each other, and claims that never overlap."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from tests.factories import World
from wellgate import clock, periodic
from wellgate.notify.management.commands.tick import Command
from wellgate.notify.models import Notification, OutboxMessage
from wellgate.notify.services import _candidates, enqueue


def queue(world: World, key: str) -> None:
    enqueue(recipient=world.officer, kind="test", dedup_key=key, title=f"Item {key}")


@pytest.fixture
def broken_step(world: World, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Register a step (before delivery) that queues a message and then fails; the names
    of the steps logged as failed are collected in the list returned."""

    def broken(now: Any) -> int:
        queue(world, "written-by-the-broken-step")
        raise RuntimeError("this step is broken")

    registry = {**periodic._REGISTRY, "test.broken": periodic.Registered("test.broken", 25, broken)}
    monkeypatch.setattr(periodic, "_REGISTRY", registry)
    logged: list[str] = []
    monkeypatch.setattr(periodic.log, "exception", lambda msg, name, *a, **k: logged.append(name))
    return logged


def test_a_failing_step_is_logged_and_rolled_back_and_the_others_still_run(
    world: World, broken_step: list[str]
):
    queue(world, "before-the-tick")
    result = periodic.run_all(clock.now())
    assert result.failed == ["test.broken"] and not result.ok
    assert broken_step == ["test.broken"]
    # The steps after it ran, delivery included.
    assert {"support.escalate", "moves.escalate", "notify.deliver"} <= set(result.done)
    assert Notification.objects.filter(outbox__dedup_key="before-the-tick").exists()
    # What the broken step wrote went with it.
    assert not OutboxMessage.objects.filter(dedup_key="written-by-the-broken-step").exists()


def test_tick_delivers_and_then_exits_non_zero_when_a_step_failed(
    world: World, broken_step: list[str], monkeypatch: pytest.MonkeyPatch, capsys
):
    queue(world, "before-the-tick")
    # The command closes connections on the way out; the test's transaction must survive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["wellgate", "tick"])
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert "test.broken: FAILED" in out.out and "notify.deliver:" in out.out
    assert "failed" in out.err
    assert Notification.objects.filter(outbox__dedup_key="before-the-tick").exists()


def test_tick_exits_zero_when_every_step_ran(world: World, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    Command().run_from_argv(["wellgate", "tick"])  # no SystemExit


def test_a_row_is_claimed_by_one_caller_only(world: World):
    queue(world, "one")
    unclaimed = OutboxMessage.objects.filter(claim_token="")
    with transaction.atomic():
        assert periodic.claim(unclaimed, claim_token="first") is True
    with transaction.atomic():
        assert periodic.claim(unclaimed, claim_token="second") is False
    assert OutboxMessage.objects.get().claim_token == "first"


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        periodic.claim(OutboxMessage.objects.all(), claim_token="x")


def test_two_batch_claims_take_disjoint_batches(world: World):
    for i in range(5):
        queue(world, f"m{i}")
    now = clock.now()
    first = periodic.claim_batch(_candidates(now), limit=3, token_field="claim_token", token="a")
    second = periodic.claim_batch(_candidates(now), limit=3, token_field="claim_token", token="b")
    assert len(first) == 3 and len(second) == 2
    assert not set(first) & set(second)
    assert set(first) | set(second) == set(OutboxMessage.objects.values_list("pk", flat=True))
    assert (
        periodic.claim_batch(_candidates(now), limit=3, token_field="claim_token", token="c") == []
    )


def _while_holding(hold: Any, then: Any) -> tuple[Any, Any]:
    """Run ``hold`` in a transaction kept open until ``then`` (another connection) is done."""
    held, done = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["hold"] = hold()
                held.set()
                done.wait(timeout=30)
        finally:
            held.set()
            connection.close()

    def second() -> None:
        try:
            held.wait(timeout=30)
            results["then"] = then()
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results.get("hold"), results.get("then")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_ticks_claiming_at_once_take_two_separate_full_batches():
    from tests.factories import make_world

    world = make_world()
    for i in range(6):
        queue(world, f"m{i}")
    now = clock.now()

    def take(token: str) -> Any:
        return lambda: periodic.claim_batch(
            _candidates(now), limit=3, token_field="claim_token", token=token
        )

    first, second = _while_holding(take("a"), take("b"))
    assert len(first) == 3 and len(second) == 3
    assert not set(first) & set(second)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_held_by_one_tick_is_skipped_by_the_other_at_once():
    from tests.factories import make_world

    world = make_world()
    queue(world, "one")
    unclaimed = OutboxMessage.objects.filter(claim_token="")

    def other() -> bool:
        with transaction.atomic():
            return periodic.claim(unclaimed, claim_token="second")

    first, second = _while_holding(lambda: periodic.claim(unclaimed, claim_token="first"), other)
    assert (first, second) == (True, False)
    assert OutboxMessage.objects.get().claim_token == "first"
