"""Flags: opened by a cause, owned, taken over, and closed only with a recorded action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.factories import World, make_flag, make_person, refused, viewer
from wellgate.flags import queries, services
from wellgate.flags.models import Flag, FlagEvent
from wellgate.notify.models import OutboxMessage
from wellgate.people.models import AppendOnlyError, Role


def open_flag(world: World, severity: str = "amber", **kwargs) -> Flag:  # type: ignore[no-untyped-def]
    return services.flag_open(
        officer=world.officer, source="observation", severity=severity, **kwargs
    )


def test_a_red_flag_tells_every_welfare_lead_at_once_and_its_owner(world: World):
    second_lead = make_person(world.force, Role.WELFARE_LEAD)
    flag = open_flag(world, "red", note="Category A seen without warning")
    assert flag.owner == world.supervisor  # nobody chose: the officer's supervisor
    red = OutboxMessage.objects.filter(kind="flag.red").order_by("recipient_id")
    assert [m.recipient for m in red] == [world.welfare_lead, second_lead]
    assert red[0].title == "Red flag: Olive Officer (supervisor observation)"
    assert "Category A" not in red[0].body
    assert OutboxMessage.objects.filter(kind="flag.owner", recipient=world.supervisor).exists()


def test_an_amber_flag_does_not_alarm_the_welfare_lead_nor_tell_an_owner_who_opened_it(
    world: World,
):
    open_flag(world, owner=world.supervisor, by=viewer(world.supervisor))
    assert not OutboxMessage.objects.exists()


def test_the_same_cause_opens_one_flag(world: World):
    first = open_flag(world, "red", source_ref="session:7")
    again = open_flag(world, "red", source_ref="session:7")
    assert first.pk == again.pk
    assert Flag.objects.count() == 1 and FlagEvent.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="flag.red").count() == 1


def test_a_flag_refuses_an_unknown_source_or_severity_or_someone_else_s_officer(world: World):
    assert (
        refused(
            "flag.source_unknown",
            services.flag_open,
            officer=world.officer,
            source="rumour",
            severity="amber",
        )
        .details[0]
        .field
        == "source"
    )
    refused(
        "flag.severity_unknown",
        services.flag_open,
        officer=world.officer,
        source="observation",
        severity="purple",
    )
    assert (
        refused(
            "access.denied",
            services.flag_open,
            officer=world.officer,
            source="observation",
            severity="amber",
            by=viewer(world.other_supervisor),
        ).status
        == 403
    )
    refused(
        "flag.owner_force",
        services.flag_open,
        officer=world.officer,
        source="observation",
        severity="amber",
        owner=world.foreign_welfare_lead,
    )
    assert not Flag.objects.exists()


def test_the_welfare_lead_takes_over_a_flag_and_the_history_keeps_who_had_it(world: World):
    flag = open_flag(world)
    services.flag_take_over(by=viewer(world.welfare_lead), flag=flag)
    flag.refresh_from_db()
    assert flag.owner == world.welfare_lead
    change = flag.events.get(type="owner_changed")
    assert (change.from_owner, change.to_owner, change.by) == (
        world.supervisor,
        world.welfare_lead,
        world.welfare_lead,
    )
    assert OutboxMessage.objects.filter(recipient=world.supervisor, kind="flag.taken_over")


def test_only_the_force_s_welfare_lead_takes_over_and_only_an_open_flag(world: World):
    flag = open_flag(world)
    for person in (world.supervisor, world.foreign_welfare_lead):
        refused("access.denied", services.flag_take_over, by=viewer(person), flag=flag)
    services.flag_close(by=viewer(world.welfare_lead), flag=flag, note="Talked it through.")
    refused("flag.closed", services.flag_take_over, by=viewer(world.welfare_lead), flag=flag)


def test_a_flag_closes_only_with_a_recorded_action(world: World):
    flag = open_flag(world)
    refused("flag.action_missing", services.flag_close, by=viewer(world.supervisor), flag=flag)
    error = refused(
        "flag.note_welfare_lead_only",
        services.flag_close,
        by=viewer(world.supervisor),
        flag=flag,
        note="All fine now",
    )
    assert (error.status, error.details[0].field) == (403, "note")
    refused(
        "access.denied",
        services.flag_close,
        by=viewer(world.other_supervisor),
        flag=flag,
        action="1:1",
        action_ref="meeting:1",
    )
    assert Flag.objects.get(pk=flag.pk).state == "open"
    services.flag_close(by=viewer(world.welfare_lead), flag=flag, note="Referred to the provider.")
    flag.refresh_from_db()
    assert (flag.state, flag.closing_action, flag.closed_by) == (
        "closed",
        "Welfare lead's note",
        world.welfare_lead,
    )
    refused("flag.closed", services.flag_close, by=viewer(world.welfare_lead), flag=flag, note="x")


def test_notes_join_the_history_of_an_open_flag(world: World):
    flag = open_flag(world)
    services.flag_note_add(by=viewer(world.supervisor), flag=flag, note="Spoke briefly.")
    assert [e.type for e in flag.events.all()] == ["opened", "note"]
    assert (
        refused(
            "flag.note_missing",
            services.flag_note_add,
            by=viewer(world.supervisor),
            flag=flag,
            note="",
        )
        .details[0]
        .field
        == "note"
    )
    refused(
        "access.denied",
        services.flag_note_add,
        by=viewer(world.mentor),
        flag=flag,
        note="Seen it",
    )


def test_flag_notes_are_encrypted_and_history_can_neither_change_nor_go(world: World):
    flag = open_flag(world, note="Mentioned images at night")
    event = services.flag_note_add(by=viewer(world.supervisor), flag=flag, note="Nightmares")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM flags_flag WHERE id = %s", [flag.pk])
        (flag_raw,) = cursor.fetchone()
        cursor.execute("SELECT note FROM flags_flagevent WHERE id = %s", [event.pk])
        (event_raw,) = cursor.fetchone()
    assert flag_raw.startswith("fernet:") and "images" not in flag_raw
    assert event_raw.startswith("fernet:") and "Nightmares" not in event_raw
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        flag.delete()


def test_open_flags_are_counted_for_the_pathway_gate_as_of_a_moment(world: World):
    flag = make_flag(world.officer)
    make_flag(world.officer, "red")
    assert queries.open_flag_count(world.officer) == 2
    assert queries.open_flag_counts([world.officer.pk, world.other_officer.pk]) == {
        world.officer.pk: 2
    }
    services.flag_close(by=viewer(world.welfare_lead), flag=flag, note="Done.")
    assert queries.open_flag_count(world.officer) == 1
    assert len(queries.open_flags_for(world.officer)) == 1
    # Judged at a moment before either was opened, or before the first was closed.
    closed_at = Flag.objects.get(pk=flag.pk).closed_at
    assert queries.open_flag_count(world.officer, at=flag.opened_at - dt.timedelta(seconds=1)) == 0
    assert queries.open_flag_count(world.officer, at=closed_at - dt.timedelta(microseconds=1)) == 2


def test_flags_are_seen_by_the_supervisor_of_the_officer_the_owner_and_the_welfare_lead(
    world: World,
):
    flag = make_flag(world.officer)
    owned = make_flag(world.other_officer, owner=world.supervisor)
    assert set(queries.flags_visible_to(viewer(world.supervisor))) == {flag, owned}
    assert list(queries.flags_visible_to(viewer(world.other_supervisor))) == [owned]
    assert set(queries.flags_visible_to(viewer(world.welfare_lead))) == {flag, owned}
    for person in (world.officer, world.mentor, world.senior_leader, world.foreign_welfare_lead):
        assert not queries.flags_visible_to(viewer(person)).exists()
