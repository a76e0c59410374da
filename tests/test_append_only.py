"""Every history table is append-only through one base: no row is changed or deleted, one at a
time or in bulk (DESIGN.md §1.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.db import models

from tests.factories import World, make_flag, make_obligation
from wellgate import appendonly, clock
from wellgate.appendonly import AppendOnlyError, AppendOnlyModel, NeverDeletedModel, rewriting
from wellgate.support.models import TIME_AWAY_CHOICES

# Every history table. A model that leaves the base (or a new one that joins it) fails the
# first test until this list says so.
HISTORY_MODELS = [
    "checkins.CheckIn",
    "checkins.CheckInSkip",
    "checkins.ConversationNudge",
    "exposure.ExposureSession",
    "flags.FlagEvent",
    "moves.MoveBreach",
    "moves.MoveEvent",
    "pathway.PathwayEvent",
    "people.AccessLogEntry",
    "support.HelpfulMark",
    "support.Meeting",
    "support.ObligationEvent",
    "support.Observation",
    "support.TimeAway",
]
# Rows that change state by design (so not history) but are never deleted.
NEVER_DELETED_MODELS = [
    "flags.Flag",
    "moves.MoveRequest",
    "support.Appointment",
    "support.CalendarFeed",
    "support.CopingStrategy",
    "support.Obligation",
]


def _labels(base: type[models.Model]) -> list[str]:
    return sorted(m._meta.label for m in apps.get_models() if issubclass(m, base))


def _move_request(world: World) -> Any:
    from wellgate.moves.models import MoveRequest

    today = clock.today()
    return MoveRequest.objects.create(
        force=world.force,
        officer=world.officer,
        team=world.team,
        requested_at=clock.now(),
        acknowledge_due=today,
        agree_due=today,
        move_due=today,
    )


def _build(label: str, world: World) -> tuple[models.Model, str]:
    """One stored row of ``label`` and a datetime field of it to try to change."""
    now = clock.now()
    o, f = world.officer, world.force
    model = apps.get_model(label)
    build: dict[str, Callable[[], tuple[dict[str, Any], str]]] = {
        "people.AccessLogEntry": lambda: (
            {
                "force": f,
                "viewer": world.supervisor,
                "viewer_role": "supervisor",
                "subject": o,
                "what": "x",
            },
            "at",
        ),
        "pathway.PathwayEvent": lambda: (
            {"force": f, "officer": o, "type": "joined", "by_role": "system", "occurred_at": now},
            "recorded_at",
        ),
        "flags.FlagEvent": lambda: (
            {"flag": make_flag(o), "type": "opened", "by_role": "system"},
            "at",
        ),
        "support.ObligationEvent": lambda: (
            {"obligation": make_obligation(o), "type": "planned", "by_role": "system"},
            "at",
        ),
        "support.Meeting": lambda: (
            {
                "force": f,
                "officer": o,
                "kind": "one_to_one",
                "held_on": now.date(),
                "recorded_by": world.supervisor,
                "recorded_role": "supervisor",
            },
            "recorded_at",
        ),
        "support.Observation": lambda: (
            {
                "force": f,
                "officer": o,
                "observed_on": now.date(),
                "recorded_by": world.supervisor,
                "recorded_role": "supervisor",
            },
            "recorded_at",
        ),
        "support.TimeAway": lambda: (
            {"force": f, "officer": o, "kind": TIME_AWAY_CHOICES[0][0]},
            "taken_at",
        ),
        "support.HelpfulMark": lambda: (
            {
                "strategy": apps.get_model("support.CopingStrategy").objects.create(
                    force=f,
                    team=world.team,
                    author=o,
                    title="Walk",
                    text="At lunch.",
                    created_at=now,
                ),
                "person": world.supervisor,
            },
            "at",
        ),
        "moves.MoveEvent": lambda: (
            {"request": _move_request(world), "type": "requested", "by": o, "by_role": "officer"},
            "at",
        ),
        "moves.MoveBreach": lambda: (
            {
                "request": _move_request(world),
                "stage": "acknowledge",
                "level": "welfare_lead",
                "due": now.date(),
                "escalated_on": now.date(),
                "key": "move:test:acknowledge:welfare_lead",
            },
            "recorded_at",
        ),
        "checkins.CheckIn": lambda: (
            {
                "force": f,
                "officer": o,
                "instrument_id": "pulse",
                "instrument_version": "1",
                "scoring_method": "sum",
                "answers_json": "{}",
                "score_json": "{}",
                "shared_with_welfare_lead": False,
            },
            "created_at",
        ),
        "checkins.CheckInSkip": lambda: (
            {"force": f, "officer": o, "instrument_id": "pulse"},
            "created_at",
        ),
        "checkins.ConversationNudge": lambda: (
            {"force": f, "officer": o, "supervisor": world.supervisor},
            "created_at",
        ),
        "exposure.ExposureSession": lambda: (
            {
                "force": f,
                "officer": o,
                "started_at": now - dt.timedelta(hours=1),
                "ended_at": now,
                "minutes": 60,
                "max_category": "C",
                "created_by_role": "officer",
            },
            "created_at",
        ),
    }
    fields, when = build[label]()
    fields[when] = now
    return model.objects.create(**fields), when


def test_every_history_table_uses_the_append_only_base():
    assert _labels(AppendOnlyModel) == HISTORY_MODELS


def test_every_stateful_welfare_table_is_never_deleted():
    stateful = [m for m in _labels(NeverDeletedModel) if m not in HISTORY_MODELS]
    assert stateful == NEVER_DELETED_MODELS


@pytest.mark.parametrize("label", HISTORY_MODELS)
def test_a_history_row_is_never_changed_or_deleted(world: World, label: str):
    row, field = _build(label, world)
    model = type(row)
    stored = model.objects.values().get(pk=row.pk)
    later = getattr(row, field) + dt.timedelta(days=1)

    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(**{field: later})
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([row], [field])
    setattr(row, field, later)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.save(update_fields=[field])
    with pytest.raises(AppendOnlyError):
        row.delete()

    assert model.objects.values().get(pk=row.pk) == stored
    assert model.objects.count() == 1


@pytest.mark.parametrize("label", NEVER_DELETED_MODELS)
def test_a_stateful_row_is_never_deleted_one_at_a_time_or_in_bulk(world: World, label: str):
    model = apps.get_model(label)
    if label == "flags.Flag":
        row: models.Model = make_flag(world.officer)
    elif label == "support.Obligation":
        row = make_obligation(world.officer)
    elif label == "moves.MoveRequest":
        row = _move_request(world)
    elif label == "support.CopingStrategy":
        row = model.objects.create(
            force=world.force,
            team=world.team,
            author=world.officer,
            title="Walk",
            text="At lunch.",
            created_at=clock.now(),
        )
    elif label == "support.CalendarFeed":
        row = model.objects.create(
            person=world.officer, digest="d" * 64, prefix="p", created_at=clock.now()
        )
    else:
        row = model.objects.create(
            force=world.force,
            officer=world.officer,
            kind="welfare_day",
            day=clock.today(),
            booked_by=world.supervisor,
            booked_at=clock.now(),
        )
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        row.delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_a_primary_key_given_by_hand_never_overwrites_a_stored_row(world: World):
    from django.db import IntegrityError, transaction

    from wellgate.people.models import AccessLogEntry

    row, _ = _build("people.AccessLogEntry", world)
    copy = AccessLogEntry(
        pk=row.pk,
        force=world.force,
        viewer=world.mentor,
        viewer_role="mentor",
        subject=world.officer,
        what="y",
        at=clock.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert AccessLogEntry.objects.get(pk=row.pk).what == "x"


def test_only_the_named_escape_rewrites_history_and_it_needs_a_reason(world: World):
    from wellgate.people.models import AccessLogEntry

    row, _ = _build("people.AccessLogEntry", world)
    with pytest.raises(ValueError), rewriting(" "):
        pass
    with (
        mock.patch.object(appendonly.log, "warning") as warning,
        rewriting("retention purge of a test force"),
    ):
        assert AccessLogEntry.objects.filter(pk=row.pk).delete()[0] == 1
    assert warning.call_args_list[0].args[1] == "retention purge of a test force"
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()  # the escape ends with its block
