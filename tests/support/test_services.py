"""Support writes: who may do what, what each refuses, and what each leaves behind."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from tests.factories import (
    World,
    make_flag,
    make_obligation,
    make_person,
    refused,
    supervise,
    viewer,
)
from wellgate.flags.models import Flag
from wellgate.notify.models import OutboxMessage
from wellgate.people.models import AppendOnlyError, Role
from wellgate.support import queries, services
from wellgate.support.models import (
    Appointment,
    CalendarFeed,
    CopingStrategy,
    HelpfulMark,
    Meeting,
    Obligation,
    ObligationEvent,
    Observation,
    TimeAway,
)

D = dt.date
TODAY = D(2027, 3, 10)  # a Wednesday


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(dt.datetime(2027, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def sup(world: World):  # type: ignore[no-untyped-def]
    return viewer(world.supervisor)


def lead(world: World):  # type: ignore[no-untyped-def]
    return viewer(world.welfare_lead)


# --- Completing, missing, rescheduling ----------------------------------------------------


def test_a_supervisor_completes_a_1_1_and_the_next_one_is_planned_at_once(world: World):
    ob = make_obligation(world.officer, "one_to_one", D(2027, 3, 8))
    services.obligation_complete(by=sup(world), obligation=ob, done_on=D(2027, 3, 9))
    ob.refresh_from_db()
    assert (ob.state, ob.done_on, ob.done_by) == ("done", D(2027, 3, 9), world.supervisor)
    assert Obligation.objects.filter(
        officer=world.officer, kind="one_to_one", state="due", due_on=D(2027, 4, 6)
    ).exists()
    assert [e.type for e in ob.events.all()] == ["done"]


def test_an_obligation_cannot_be_done_on_a_day_still_to_come(world: World):
    ob = make_obligation(world.officer, "one_to_one")
    error = refused(
        "obligation.done_in_future",
        services.obligation_complete,
        by=sup(world),
        obligation=ob,
        done_on=D(2027, 3, 11),
    )
    assert error.details[0].field == "done_on"
    assert Obligation.objects.get(pk=ob.pk).state == "due"


def test_a_done_obligation_is_never_changed_again(world: World):
    ob = make_obligation(world.officer, "one_to_one")
    services.obligation_complete(by=sup(world), obligation=ob)
    refused("obligation.closed", services.obligation_complete, by=sup(world), obligation=ob)
    refused(
        "obligation.closed",
        services.obligation_reschedule,
        by=sup(world),
        obligation=ob,
        to=D(2027, 4, 1),
    )
    refused("obligation.closed", services.obligation_miss, by=sup(world), obligation=ob)


def test_each_kind_is_recorded_only_by_the_person_the_design_names(world: World):
    one_to_one = make_obligation(world.officer, "one_to_one")
    psych = make_obligation(world.officer, "psych_assessment")
    welfare_day = make_obligation(world.officer, "welfare_day")
    me = viewer(world.officer)
    assert (
        refused("access.denied", services.obligation_complete, by=me, obligation=one_to_one).status
        == 403
    )
    refused("access.denied", services.obligation_complete, by=sup(world), obligation=psych)
    services.obligation_complete(by=me, obligation=welfare_day)
    services.obligation_complete(by=lead(world), obligation=psych)
    services.obligation_complete(by=lead(world), obligation=one_to_one)


def test_nobody_acts_on_an_obligation_they_may_not_see(world: World):
    ob = make_obligation(world.officer, "one_to_one")
    for person in (world.other_supervisor, world.mentor, world.senior_leader):
        assert (
            refused(
                "not_found", services.obligation_complete, by=viewer(person), obligation=ob
            ).status
            == 404
        )
    assert (
        refused(
            "not_found",
            services.obligation_complete,
            by=viewer(world.foreign_welfare_lead),
            obligation=ob,
        ).status
        == 404
    )


def test_an_officer_does_not_mark_their_own_welfare_day_missed(world: World):
    ob = make_obligation(world.officer, "welfare_day", D(2027, 3, 1))
    refused("access.denied", services.obligation_miss, by=viewer(world.officer), obligation=ob)
    services.obligation_miss(by=sup(world), obligation=ob)
    assert Obligation.objects.get(pk=ob.pk).state == "missed"


def test_an_obligation_is_not_missed_before_it_is_due(world: World):
    ob = make_obligation(world.officer, "one_to_one", D(2027, 3, 20))
    refused("obligation.not_yet_due", services.obligation_miss, by=sup(world), obligation=ob)


def test_a_reschedule_keeps_the_first_date_and_records_both(world: World):
    ob = make_obligation(world.officer, "workload_review", D(2027, 3, 12))
    services.obligation_reschedule(by=sup(world), obligation=ob, to=D(2027, 3, 19), note="Leave")
    services.obligation_reschedule(by=sup(world), obligation=ob, to=D(2027, 3, 26))
    ob.refresh_from_db()
    assert (ob.state, ob.due_on, ob.rescheduled_to, ob.effective_due_on) == (
        "rescheduled",
        D(2027, 3, 12),
        D(2027, 3, 26),
        D(2027, 3, 26),
    )
    moves = [(e.from_date, e.to_date, e.note) for e in ob.events.all()]
    assert moves == [
        (D(2027, 3, 12), D(2027, 3, 19), "Leave"),
        (D(2027, 3, 19), D(2027, 3, 26), ""),
    ]


def test_a_reschedule_must_be_to_a_new_day_from_today(world: World):
    ob = make_obligation(world.officer, "workload_review", D(2027, 3, 12))
    error = refused(
        "obligation.reschedule_in_past",
        services.obligation_reschedule,
        by=sup(world),
        obligation=ob,
        to=D(2027, 3, 9),
    )
    assert error.details[0].field == "rescheduled_to"
    refused(
        "obligation.reschedule_same_date",
        services.obligation_reschedule,
        by=sup(world),
        obligation=ob,
        to=D(2027, 3, 12),
    )


# --- Meetings -----------------------------------------------------------------------------


def meeting(world: World, **kwargs):  # type: ignore[no-untyped-def]
    args = {"by": sup(world), "officer": world.officer, "kind": "one_to_one", "held_on": TODAY}
    return services.meeting_record(**{**args, **kwargs})


def test_a_1_1_completes_the_next_1_1_due_and_keeps_its_discussion_encrypted(world: World):
    later = make_obligation(world.officer, "one_to_one", D(2027, 4, 1))
    sooner = make_obligation(world.officer, "one_to_one", D(2027, 3, 5))
    m = meeting(world, how_are_you="Sleeping badly since the Harlow case", agreed_actions="Walk")
    assert m.obligation == sooner
    assert Obligation.objects.get(pk=sooner.pk).state == "done"
    assert Obligation.objects.get(pk=later.pk).state == "due"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT how_are_you, agreed_actions FROM support_meeting WHERE id = %s", [m.pk]
        )
        raw = cursor.fetchone()
    assert all(v.startswith("fernet:") for v in raw)
    assert "Harlow" not in raw[0]
    assert Meeting.objects.get(pk=m.pk).how_are_you == "Sleeping badly since the Harlow case"


def test_a_1_1_that_addresses_a_flag_closes_it_with_the_meeting_as_its_action(world: World):
    flag = make_flag(world.officer, owner=world.supervisor)
    m = meeting(world, closes_flag=flag)
    flag.refresh_from_db()
    assert (flag.state, flag.closing_ref) == ("closed", f"meeting:{m.pk}")
    assert flag.closing_action == "1:1 with supervisor on 10 March 2027"
    assert [e.type for e in flag.events.all()] == ["closed"]


def test_signs_ticked_in_a_1_1_that_closes_no_flag_open_an_amber_flag(world: World):
    m = meeting(world, signs=["fatigue"])
    flag = Flag.objects.get(source_ref=f"meeting:{m.pk}")
    assert (flag.severity, flag.owner, flag.state) == ("amber", world.supervisor, "open")


def test_a_meeting_refuses_what_does_not_fit(world: World):
    other_flag = make_flag(world.other_officer)
    cases = [
        ("meeting.kind_unknown", {"kind": "psych_assessment"}, "kind"),
        ("support.date_in_future", {"held_on": D(2027, 3, 11)}, "held_on"),
        ("support.unknown_sign", {"signs": ["grumpy"]}, "signs"),
        ("meeting.flag_unknown", {"closes_flag": other_flag}, "closes_flag"),
        (
            "meeting.obligation_mismatch",
            {"obligation": make_obligation(world.officer, "workload_review")},
            "obligation",
        ),
    ]
    for code, kwargs, field in cases:
        assert refused(code, meeting, world, **kwargs).details[0].field == field
    assert not Meeting.objects.exists()


def test_a_meeting_held_before_a_flag_was_raised_cannot_close_it(world: World):
    flag = make_flag(world.officer)
    error = refused(
        "flag.meeting_before_flag", meeting, world, held_on=D(2027, 3, 9), closes_flag=flag
    )
    assert error.details[0].field == "closes_flag"
    assert Flag.objects.get(pk=flag.pk).state == "open"


def test_only_the_supervisor_or_welfare_lead_records_a_meeting_and_never_about_themselves(
    world: World,
):
    for person in (world.other_supervisor, world.mentor, world.officer, world.senior_leader):
        refused("access.denied", meeting, world, by=viewer(person))
    refused("access.denied", meeting, world, by=lead(world), officer=world.welfare_lead)
    meeting(world, by=lead(world))


# --- Observations and flags ---------------------------------------------------------------


def test_an_observation_with_a_sign_opens_an_amber_flag_for_the_supervisor(world: World):
    obs, flag = services.observation_record(
        by=sup(world), officer=world.officer, signs=["cynicism", "fatigue"], note="Flat today"
    )
    assert flag is not None and flag.source_ref == f"observation:{obs.pk}"
    assert (flag.severity, flag.source, flag.owner) == ("amber", "observation", world.supervisor)
    assert not OutboxMessage.objects.filter(kind="flag.red").exists()


def test_an_observation_by_the_welfare_lead_is_owned_by_the_supervisor_who_is_told(world: World):
    _, flag = services.observation_record(by=lead(world), officer=world.officer, signs=["lateness"])
    assert flag is not None and flag.owner == world.supervisor
    assert OutboxMessage.objects.filter(recipient=world.supervisor, kind="flag.owner").exists()


def test_a_note_without_signs_opens_no_flag_and_an_empty_observation_is_refused(world: World):
    _, flag = services.observation_record(by=sup(world), officer=world.officer, note="Seems well")
    assert flag is None and not Flag.objects.exists()
    assert (
        refused(
            "observation.empty", services.observation_record, by=sup(world), officer=world.officer
        )
        .details[0]
        .field
        == "signs"
    )
    refused(
        "support.date_in_future",
        services.observation_record,
        by=sup(world),
        officer=world.officer,
        observed_on=D(2027, 3, 11),
        signs=["fatigue"],
    )
    refused(
        "access.denied",
        services.observation_record,
        by=viewer(world.other_supervisor),
        officer=world.officer,
        signs=["fatigue"],
    )
    assert Observation.objects.count() == 1


def test_an_observation_note_is_stored_encrypted(world: World):
    obs, _ = services.observation_record(by=sup(world), officer=world.officer, note="Drinking more")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM support_observation WHERE id = %s", [obs.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("fernet:") and "Drinking" not in raw


def test_a_flag_is_closed_by_a_meeting_recorded_after_it_opened(world: World):
    flag = make_flag(world.officer)
    m = meeting(world)
    services.flag_close_with_meeting(by=sup(world), flag=flag, meeting=m)
    assert Flag.objects.get(pk=flag.pk).closing_ref == f"meeting:{m.pk}"
    other = meeting(world, officer=world.officer)
    refused(
        "flag.meeting_other_officer",
        services.flag_close_with_meeting,
        by=lead(world),
        flag=make_flag(world.other_officer),
        meeting=other,
    )


# --- Assessments --------------------------------------------------------------------------


def test_a_booked_assessment_tells_the_officer_and_attendance_completes_the_obligation(
    world: World,
):
    ob = make_obligation(world.officer, "psych_assessment", D(2027, 3, 1))
    starts = dt.datetime(2027, 3, 12, 14, 0, tzinfo=dt.UTC)
    booking = services.psych_book(by=lead(world), officer=world.officer, starts_at=starts)
    assert booking.obligation == ob
    told = OutboxMessage.objects.get(recipient=world.officer, kind="support.appointment")
    assert told.title == "A wellbeing appointment has been booked for you"
    refused(
        "appointment.not_yet",
        services.psych_attendance_record,
        by=lead(world),
        appointment=booking,
        attended=True,
    )
    with time_machine.travel(dt.datetime(2027, 3, 12, 16, 0, tzinfo=dt.UTC), tick=False):
        services.psych_attendance_record(by=lead(world), appointment=booking, attended=True)
        refused(
            "appointment.not_booked",
            services.psych_attendance_record,
            by=lead(world),
            appointment=booking,
            attended=True,
        )
    ob.refresh_from_db()
    assert (ob.state, ob.done_on) == ("done", D(2027, 3, 12))
    assert queries.psych_assessments_attended(world.officer) == (starts,)


def test_an_assessment_not_attended_leaves_it_due_and_records_nothing_clinical(world: World):
    ob = make_obligation(world.officer, "psych_assessment", D(2027, 3, 1))
    booking = services.psych_book(
        by=lead(world), officer=world.officer, starts_at=dt.datetime(2027, 3, 10, 11, tzinfo=dt.UTC)
    )
    with time_machine.travel(dt.datetime(2027, 3, 10, 13, tzinfo=dt.UTC), tick=False):
        services.psych_attendance_record(by=lead(world), appointment=booking, attended=False)
    assert Appointment.objects.get(pk=booking.pk).state == "did_not_attend"
    assert Obligation.objects.get(pk=ob.pk).state == "due"
    assert queries.psych_assessments_attended(world.officer) == ()
    assert not [f.name for f in Appointment._meta.get_fields() if "note" in f.name]


def test_a_new_booking_replaces_one_not_yet_attended(world: World):
    first = services.psych_book(
        by=lead(world), officer=world.officer, starts_at=dt.datetime(2027, 3, 20, 9, tzinfo=dt.UTC)
    )
    services.psych_book(
        by=lead(world), officer=world.officer, starts_at=dt.datetime(2027, 3, 27, 9, tzinfo=dt.UTC)
    )
    assert Appointment.objects.get(pk=first.pk).state == "cancelled"


def test_only_the_welfare_lead_books_and_never_in_the_past(world: World):
    future = dt.datetime(2027, 3, 20, 9, tzinfo=dt.UTC)
    for person in (world.supervisor, world.officer, world.foreign_welfare_lead):
        refused(
            "access.denied",
            services.psych_book,
            by=viewer(person),
            officer=world.officer,
            starts_at=future,
        )
    error = refused(
        "appointment.in_past",
        services.psych_book,
        by=lead(world),
        officer=world.officer,
        starts_at=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
    )
    assert error.details[0].field == "starts_at"
    assert not Appointment.objects.exists()


def test_an_assessment_recorded_before_any_planning_answers_the_first_one(world: World):
    joiner = make_person(world.force, Role.OFFICER, world.team)
    services.psych_attended_record(by=lead(world), officer=joiner, attended_on=D(2027, 3, 9))
    psych = Obligation.objects.filter(officer=joiner, kind="psych_assessment").order_by("id")
    assert [(o.state, o.due_on) for o in psych] == [
        ("done", D(2027, 9, 10)),
        ("due", D(2027, 9, 9)),
    ]
    refused(
        "support.date_in_future",
        services.psych_attended_record,
        by=lead(world),
        officer=joiner,
        attended_on=D(2027, 3, 11),
    )


def test_attendance_for_many_officers_is_read_in_one_query(world: World, django_assert_num_queries):
    services.psych_attended_record(by=lead(world), officer=world.officer, attended_on=TODAY)
    with django_assert_num_queries(1):
        found = queries.psych_assessments_attended_by_officer(
            [world.officer.pk, world.other_officer.pk]
        )
    assert list(found) == [world.officer.pk]


# --- The officer's own: time away, welfare day, calendar, coping --------------------------


def test_time_away_needs_no_reason_and_tells_the_supervisor(world: World):
    taken = services.time_away_take(by=viewer(world.officer), kind="rest_of_day")
    assert (taken.officer, taken.kind) == (world.officer, "rest_of_day")
    told = OutboxMessage.objects.get(recipient=world.supervisor, kind="support.time_away")
    assert told.title == "Olive Officer is taking time away"
    assert (
        refused(
            "time_away.kind_unknown", services.time_away_take, by=viewer(world.officer), kind="nap"
        )
        .details[0]
        .field
        == "kind"
    )
    for person in (world.supervisor, world.welfare_lead):
        refused("access.denied", services.time_away_take, by=viewer(person))
    assert TimeAway.objects.count() == 1


def test_booking_a_welfare_day_moves_the_welfare_day_and_tells_the_supervisor(world: World):
    ob = make_obligation(world.officer, "welfare_day", D(2027, 3, 15))
    booking = services.welfare_day_book(by=viewer(world.officer), day=D(2027, 3, 22))
    ob.refresh_from_db()
    assert (ob.due_on, ob.effective_due_on, booking.obligation) == (
        D(2027, 3, 15),
        D(2027, 3, 22),
        ob,
    )
    assert OutboxMessage.objects.filter(recipient=world.supervisor, kind="support.welfare_day")
    assert (
        refused(
            "welfare_day.in_past",
            services.welfare_day_book,
            by=viewer(world.officer),
            day=D(2027, 3, 9),
        )
        .details[0]
        .field
        == "day"
    )
    refused("access.denied", services.welfare_day_book, by=sup(world), day=D(2027, 3, 22))


def test_a_new_calendar_link_stops_the_old_one_and_only_a_hash_is_kept(world: World):
    me = viewer(world.officer)
    first, secret = services.calendar_feed_create(by=me)
    _, newer = services.calendar_feed_create(by=me)
    assert secret not in first.digest and first.digest == CalendarFeed.digest_of(secret)
    assert queries.feed_for_secret(secret) is None
    assert queries.feed_for_secret(newer) is not None
    assert services.calendar_feed_revoke(by=me) == 1
    assert queries.feed_for_secret(newer) is None
    refused("access.denied", services.calendar_feed_create, by=sup(world))


def test_a_strategy_is_shared_with_the_team_anonymously_and_marked_helpful_once_each(world: World):
    teammate = make_person(world.force, Role.OFFICER, world.team)
    s = services.coping_share(
        by=viewer(world.officer), title="Walk", text="At lunch", anonymous=True
    )
    assert (s.team, s.anonymous) == (world.team, True)
    assert services.coping_mark_helpful(by=viewer(teammate), strategy=s) is True
    assert services.coping_mark_helpful(by=viewer(teammate), strategy=s) is False
    assert HelpfulMark.objects.count() == 1
    refused("coping.own", services.coping_mark_helpful, by=viewer(world.officer), strategy=s)
    assert (
        refused(
            "not_found", services.coping_mark_helpful, by=viewer(world.other_officer), strategy=s
        ).status
        == 404
    )
    row = queries.coping_for(viewer(teammate)).get()
    assert (row.helpful, row.marked) == (1, True)
    assert not queries.coping_for(viewer(world.other_officer)).exists()


def test_a_strategy_needs_a_title_and_some_words(world: World):
    me = viewer(world.officer)
    assert (
        refused(
            "coping.title_missing",
            services.coping_share,
            by=me,
            title=" ",
            text="x",
            anonymous=False,
        )
        .details[0]
        .field
        == "title"
    )
    assert (
        refused(
            "coping.text_missing", services.coping_share, by=me, title="x", text="", anonymous=False
        )
        .details[0]
        .field
        == "text"
    )
    assert not CopingStrategy.objects.exists()


# --- Hooks for other apps -----------------------------------------------------------------


def test_an_unexpected_exposure_opens_a_red_flag_and_a_debrief_in_three_working_days(world: World):
    # Thursday 25 March 2027, before Easter: the debrief is due Thursday 1 April.
    occurred = dt.datetime(2027, 3, 25, 15, 0, tzinfo=dt.UTC)
    for _ in range(2):
        debrief = services.unexpected_exposure_recorded(
            officer=world.officer, occurred_at=occurred, source_ref="session:42"
        )
    assert (debrief.kind, debrief.due_on, debrief.key) == (
        "debrief",
        D(2027, 4, 1),
        "debrief:session:42",
    )
    flag = Flag.objects.get()
    assert (flag.severity, flag.source, flag.owner) == (
        "red",
        "unexpected_exposure",
        world.supervisor,
    )
    red = OutboxMessage.objects.filter(kind="flag.red")
    assert [m.recipient for m in red] == [world.welfare_lead]
    assert Obligation.objects.filter(kind="debrief").count() == 1


def test_a_closed_case_gives_each_officer_a_debrief_once(world: World):
    made = services.case_closed(
        officers=[world.officer, world.other_officer], case_ref="OP-17", by=sup(world)
    )
    assert {(o.officer, o.due_on) for o in made} == {
        (world.officer, D(2027, 3, 15)),
        (world.other_officer, D(2027, 3, 15)),
    }
    assert services.case_closed(officers=[world.officer], case_ref="OP-17", by=sup(world)) == []
    assert OutboxMessage.objects.filter(recipient=world.other_supervisor).count() == 1
    refused("case.ref_missing", services.case_closed, officers=[], case_ref=" ", by=sup(world))
    refused(
        "not_found",
        services.case_closed,
        officers=[world.foreign_officer],
        case_ref="OP-18",
        by=sup(world),
    )
    refused(
        "access.denied",
        services.case_closed,
        officers=[world.officer],
        case_ref="OP-19",
        by=viewer(world.officer),
    )


# --- Nothing is deleted -------------------------------------------------------------------


def test_support_records_are_never_deleted_and_history_never_changes(world: World):
    ob = make_obligation(world.officer, "one_to_one")
    services.obligation_complete(by=sup(world), obligation=ob)
    m = meeting(world)
    obs, flag = services.observation_record(by=sup(world), officer=world.officer, signs=["fatigue"])
    taken = services.time_away_take(by=viewer(world.officer))
    event = ObligationEvent.objects.first()
    assert event is not None
    for record in (ob, m, obs, taken, event, flag):
        with pytest.raises(AppendOnlyError):
            record.delete()
    for record in (m, obs, taken, event):
        with pytest.raises(AppendOnlyError):
            record.save()


def test_obligations_of_a_supervisors_report_are_visible_to_them_only_while_they_supervise(
    world: World,
):
    ob = make_obligation(world.officer)
    assert list(queries.obligations_visible_to(sup(world))) == [ob]
    assert not queries.obligations_visible_to(viewer(world.other_supervisor)).exists()
    assert not queries.obligations_visible_to(viewer(world.mentor)).exists()
    assert list(queries.obligations_visible_to(lead(world))) == [ob]
    assert not queries.obligations_visible_to(viewer(world.foreign_welfare_lead)).exists()
    newcomer = make_person(world.force, Role.SUPERVISOR, world.team)
    supervise(world.other_officer, newcomer)
    assert not queries.obligations_visible_to(viewer(newcomer)).filter(officer=world.officer)


def test_every_welfare_note_is_covered_by_key_rotation():
    from wellgate.crypto import encrypted_fields
    from wellgate.flags.models import FlagEvent

    covered = {(model, name) for model, name in encrypted_fields()}
    assert {
        (Meeting, "how_are_you"),
        (Meeting, "workload"),
        (Meeting, "agreed_actions"),
        (Meeting, "note"),
        (Observation, "note"),
        (ObligationEvent, "note"),
        (CopingStrategy, "text"),
        (Flag, "note"),
        (Flag, "closing_note"),
        (FlagEvent, "note"),
    } <= covered
