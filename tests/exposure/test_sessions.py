"""Recording sessions: against the clearance at the time, limits, unexpected exposure, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tests.exposure.helpers import NOW, at, make_case, make_package, walk_to
from tests.factories import World, make_person, refused, supervise, viewer
from wellgate.errors import Refused
from wellgate.exposure import queries, services
from wellgate.exposure.models import ExposureSession, SessionTimer, WorkPackageAssignment
from wellgate.flags.models import Flag
from wellgate.notify.models import OutboxMessage
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import AppendOnlyError, Role
from wellgate.support.models import Obligation


def record(world: World, by: Any = None, **kw: Any) -> services.SessionOutcome:
    """A 45-minute Category C image session this morning, unless told otherwise."""
    args: dict[str, Any] = {
        "officer": world.officer,
        "started_at": at(9, 10),
        "ended_at": at(9, 10, 45),
        "max_category": "C",
        "media": ["image"],
        "mentor_present": True,
    }
    args.update(kw)
    return services.session_record(
        by=by or viewer(args["officer"], Role.OFFICER), entry=services.SessionInput(**args)
    )


def written() -> tuple[int, int, int, int]:
    return (
        ExposureSession.objects.count(),
        Flag.objects.count(),
        PathwayEvent.objects.filter(type="supervised_session").count(),
        Obligation.objects.count(),
    )


# --- Against the clearance at the time ----------------------------------------------------


def test_a_session_within_clearance_with_the_mentor_becomes_a_supervised_session(world: World):
    walk_to(world, "cat_c")
    before = pathway_queries.state(world.officer).supervised_sessions_at_stage
    outcome = record(world)
    s = outcome.session
    assert not s.unexpected and s.reasons == []
    assert s.pathway_event is not None and s.pathway_event.type == "supervised_session"
    assert s.pathway_event.by_role == "system" and s.pathway_event.occurred_at == at(9, 10)
    assert (s.clearance_category, s.clearance_media, s.clearance_supervised) == (
        "C",
        ["image"],
        True,
    )
    assert pathway_queries.state(world.officer).supervised_sessions_at_stage == before + 1
    assert Flag.objects.filter(officer=world.officer).count() == 0


def test_without_the_mentor_it_is_recorded_and_noted_but_is_neither_evidence_nor_unexpected(
    world: World,
):
    walk_to(world, "cat_c")
    s = record(world, mentor_present=False).session
    assert [r["code"] for r in s.reasons] == ["exposure.mentor_required"]
    assert not s.unexpected and s.pathway_event is None
    assert not Flag.objects.exists()


def test_an_independent_officer_alone_is_within_clearance_and_no_pathway_event(world: World):
    walk_to(world, "independent", days_ago=90)
    events = PathwayEvent.objects.count()
    s = record(
        world, max_category="A", media=["image", "video_audio"], mentor_present=False
    ).session
    assert s.reasons == [] and not s.unexpected and s.pathway_event is None
    assert PathwayEvent.objects.count() == events


def test_material_above_clearance_is_recorded_never_refused_and_opens_a_red_flag_and_a_debrief(
    world: World,
):
    walk_to(world, "cat_c")
    outcome = record(world, max_category="B")
    s = outcome.session
    assert s.pk and s.unexpected and s.pathway_event is None
    assert [r["code"] for r in s.reasons] == ["exposure.above_category"]
    flag = Flag.objects.get(officer=world.officer)
    assert (flag.source, flag.severity, flag.source_ref) == (
        "unexpected_exposure",
        "red",
        f"session:{s.pk}",
    )
    debrief = Obligation.objects.get(officer=world.officer, kind="debrief")
    # Wednesday 9 June: three working days on is Monday 14 June.
    assert debrief.due_on == dt.date(2027, 6, 14) == outcome.debrief_due_on
    told = set(OutboxMessage.objects.values_list("recipient_id", flat=True))
    assert {world.welfare_lead.pk, world.supervisor.pk} <= told


def test_uncategorised_material_counts_as_category_a(world: World):
    walk_to(world, "cat_b", days_ago=80)
    s = record(world, max_category="uncategorised").session
    assert s.unexpected
    assert "counted as Category A" in s.reasons[0]["message"]


def test_media_outside_the_clearance_is_unexpected(world: World):
    walk_to(world, "cat_c")
    s = record(world, media=["image", "video_muted"]).session
    assert s.unexpected and [r["code"] for r in s.reasons] == ["exposure.media_not_cleared"]


def test_the_clearance_is_the_one_held_when_the_session_started(world: World):
    """Category B seen before the officer moved to Category B was unexpected, even when it is
    logged afterwards; the same seen after the move is not."""
    walk = walk_to(world, "cat_c", days_ago=40)
    walk.stage_evidence()
    advanced_at = walk.now + dt.timedelta(minutes=1)
    walk.advance()
    assert pathway_queries.state(world.officer).stage.code == "cat_b"
    before = record(
        world,
        started_at=advanced_at - dt.timedelta(hours=2),
        ended_at=advanced_at - dt.timedelta(hours=1),
        max_category="B",
    ).session
    after = record(world, max_category="B").session
    assert before.unexpected and before.clearance_category == "C"
    assert not after.unexpected and after.clearance_category == "B"


def test_viewing_while_paused_is_unexpected(world: World):
    walk = walk_to(world, "cat_c")
    walk.record(walk.me, "paused")
    s = record(world).session
    assert s.unexpected and s.clearance_category == ""


def test_viewing_before_any_clearance_is_unexpected(world: World):
    walk_to(world, "induction")
    s = record(world).session
    assert s.unexpected
    assert s.reasons[0]["message"].endswith("the clearance at the time allowed no viewing.")


# --- Limits --------------------------------------------------------------------------------


def test_passing_the_daily_limit_opens_one_amber_flag_and_never_refuses(world: World):
    walk_to(world, "independent", days_ago=90)
    kw = {"max_category": "A", "mentor_present": False}
    record(world, started_at=at(9, 8), ended_at=at(9, 9), **kw)
    record(world, started_at=at(9, 9, 15), ended_at=at(9, 10, 15), **kw)
    record(world, started_at=at(9, 10, 30), ended_at=at(9, 11, 30), **kw)
    outcome = record(world, started_at=at(9, 11, 45), ended_at=at(9, 12, 45), **kw)
    assert [b.code for b in outcome.breaches] == []  # exactly 240 minutes: at the limit
    outcome = record(world, started_at=at(9, 13), ended_at=at(9, 13, 30), **kw)
    assert [b.code for b in outcome.breaches] == ["limit.daily"]
    flag = Flag.objects.get(source="limit_breach")
    assert flag.severity == "amber" and flag.source_ref == "limit:limit.daily:2027-06-09"
    assert "270 minutes of viewing" in flag.note
    again = record(world, started_at=at(9, 13, 35), ended_at=at(9, 13, 50), **kw)
    assert again.breaches == () and Flag.objects.filter(source="limit_breach").count() == 1


def test_a_supervised_stage_has_the_lower_daily_limit(world: World):
    walk_to(world, "cat_c")
    record(world, started_at=at(9, 9), ended_at=at(9, 10))
    outcome = record(world, started_at=at(9, 10, 20), ended_at=at(9, 11, 40), break_minutes=15)
    assert [b.code for b in outcome.breaches] == ["limit.daily"]  # 125 minutes: above 120


def test_an_hour_and_a_half_without_a_break_passes_the_continuous_limit(world: World):
    walk_to(world, "independent", days_ago=90)
    outcome = record(
        world, started_at=at(9, 9), ended_at=at(9, 10, 30), max_category="A", mentor_present=False
    )
    assert [b.code for b in outcome.breaches] == ["limit.continuous"]
    with_break = record(
        world,
        started_at=at(9, 11),
        ended_at=at(9, 12, 45),
        break_minutes=15,
        max_category="A",
        mentor_present=False,
    )
    assert with_break.breaches == ()


def test_viewing_after_four_is_flagged(world: World):
    walk_to(world, "independent", days_ago=90)
    with time_machine.travel(at(9, 18), tick=False):
        outcome = record(
            world,
            started_at=at(9, 15, 30),
            ended_at=at(9, 16, 30),
            max_category="A",
            mentor_present=False,
        )
    assert [b.code for b in outcome.breaches] == ["limit.after_hours"]
    assert outcome.session.pk  # recorded all the same


def test_the_weekly_limit_is_flagged_once_for_the_week(world: World):
    walk_to(world, "independent", days_ago=90)
    kw = {"max_category": "A", "mentor_present": False, "break_minutes": 30}
    found = []
    for day in (7, 8):  # Monday and Tuesday: 2 x 3 sessions of 3h30 less breaks
        for start in (7, 11):
            found += record(
                world, started_at=at(day, start), ended_at=at(day, start + 3, 30), **kw
            ).breaches
    with time_machine.travel(at(10, 18), tick=False):
        for day in (9, 10):
            for start in (7, 11):
                found += record(
                    world, started_at=at(day, start), ended_at=at(day, start + 3, 30), **kw
                ).breaches
    weekly = [b for b in found if b.code == "limit.weekly"]
    assert len(weekly) == 1 and weekly[0].key == "limit.weekly:2027-W23"


# --- Refusals: what cannot be true ----------------------------------------------------------


@pytest.mark.parametrize(
    "kw, code, field",
    [
        ({"started_at": at(9, 15), "ended_at": at(9, 15, 30)}, "session.future", "started_at"),
        ({"ended_at": at(9, 14, 30)}, "session.future", "ended_at"),
        ({"ended_at": at(9, 9)}, "session.end_before_start", "ended_at"),
        ({"ended_at": None, "minutes": None}, "session.duration_missing", "ended_at"),
        ({"ended_at": None, "minutes": 800}, "session.too_long", "minutes"),
        ({"started_at": at(8, 0), "ended_at": at(9, 0)}, "session.too_long", "ended_at"),
        ({"ended_at": at(9, 10)}, "session.too_short", "ended_at"),
        ({"ended_at": at(9, 11), "minutes": 10}, "session.duration_conflict", "minutes"),
        ({"started_at": None}, "session.start_missing", "started_at"),
        ({"max_category": "D"}, "session.category_unknown", "max_category"),
        ({"media": []}, "session.media_missing", "media"),
        ({"media": ["photo"]}, "session.media_unknown", "media"),
        ({"counts": {"E": 3}}, "session.counts_unknown", "counts"),
        ({"counts": {"C": -1}}, "session.counts_negative", "counts"),
        ({"counts": {"C": 3, "A": 1}}, "session.counts_above_highest", "max_category"),
        ({"break_minutes": 50}, "session.breaks_too_long", "break_minutes"),
        ({"break_minutes": -5}, "session.breaks_negative", "break_minutes"),
    ],
)
def test_a_session_that_cannot_be_true_is_refused_naming_the_field_and_nothing_is_written(
    world: World, kw: dict[str, Any], code: str, field: str
):
    walk_to(world, "cat_c")
    before = written()
    exc = refused(record, world, **kw)
    assert (code, field) in {(d.code, d.field) for d in exc.details}
    assert exc.status == 422 and written() == before


def test_the_length_can_be_given_instead_of_the_end(world: World):
    walk_to(world, "cat_c")
    s = record(world, ended_at=None, minutes=30).session
    assert s.ended_at == at(9, 10, 30) and s.minutes == 30


def test_a_session_overlapping_one_already_logged_is_refused(world: World):
    walk_to(world, "cat_c")
    record(world)
    exc = refused(record, world, started_at=at(9, 10, 30), ended_at=at(9, 11))
    assert exc.codes == ["session.overlap"]
    assert "10:00 on 9 June" in exc.details[0].message
    assert ExposureSession.objects.count() == 1
    record(world, started_at=at(9, 10, 45), ended_at=at(9, 11))  # touching is fine


def test_counts_within_the_highest_category_are_kept(world: World):
    walk_to(world, "cat_c")
    s = record(world, counts={"C": 12, "not_indecent": 30}).session
    assert s.counts == {"C": 12, "not_indecent": 30} and s.count_a is None


def test_sessions_are_never_changed_or_deleted(world: World):
    walk_to(world, "cat_c")
    s = record(world).session
    with pytest.raises(AppendOnlyError):
        s.save()
    with pytest.raises(AppendOnlyError):
        s.delete()


# --- Who may log ---------------------------------------------------------------------------


def test_the_mentor_may_log_a_session_for_their_mentee(world: World):
    walk_to(world, "cat_c")
    s = record(world, by=viewer(world.mentor, Role.MENTOR)).session
    assert s.created_by == world.mentor and s.created_by_role == "mentor"
    assert s.pathway_event is not None


@pytest.mark.parametrize(
    "who", ["other_officer", "other_supervisor", "senior_leader", "foreign_welfare_lead"]
)
def test_nobody_else_may_log_a_session_for_the_officer(world: World, who: str):
    walk_to(world, "cat_c")
    with pytest.raises(Refused) as caught:
        record(world, by=viewer(getattr(world, who)))
    assert caught.value.status == 404 and not ExposureSession.objects.exists()


def test_a_package_must_be_assigned_to_the_officer_and_its_case_is_taken_from_it(world: World):
    walk_to(world, "cat_c")
    package = make_package(make_case(world.force), "C")
    exc = refused(record, world, work_package=package)
    assert exc.codes == ["session.package_not_assigned"]
    WorkPackageAssignment.objects.create(package=package, officer=world.officer, assigned_at=NOW)
    s = record(world, work_package=package).session
    assert s.case == package.case
    other = make_case(world.force)
    assert refused(
        record,
        world,
        started_at=at(9, 11),
        ended_at=at(9, 11, 30),
        work_package=package,
        case=other,
    ).codes == ["session.package_case_mismatch"]


def test_a_case_of_another_force_is_not_found(world: World):
    walk_to(world, "cat_c")
    exc = refused(record, world, case=make_case(world.other_force))
    assert exc.status == 404


# --- Before you start -----------------------------------------------------------------------


def test_before_you_start_shows_the_clearance_and_the_time_used_today_and_this_week(world: World):
    walk_to(world, "cat_c")
    record(world, started_at=at(8, 9), ended_at=at(8, 10))  # Tuesday
    record(world, started_at=at(9, 9), ended_at=at(9, 10, 30), break_minutes=15)
    panel = queries.before_you_start(world.officer)
    assert panel.clearance.max_category == "C" and panel.clearance.supervised
    assert (panel.used.today_minutes, panel.used.today_limit) == (75, 120)
    assert (panel.used.week_minutes, panel.used.week_limit) == (135, 1200)
    assert panel.warnings == ()


def test_before_you_start_warns_when_the_day_is_used_up_and_after_four(world: World):
    walk_to(world, "cat_c")
    record(world, started_at=at(9, 9), ended_at=at(9, 10))
    record(world, started_at=at(9, 10, 15), ended_at=at(9, 11, 15))
    with time_machine.travel(at(9, 16, 30), tick=False):
        codes = [w.code for w in queries.before_you_start(world.officer).warnings]
    assert codes == ["limit.daily", "limit.after_hours"]


# --- The timer -------------------------------------------------------------------------------


def test_the_timer_keeps_its_start_on_the_server_and_counts_breaks(world: World):
    walk_to(world, "cat_c")
    me = viewer(world.officer, Role.OFFICER)
    with time_machine.travel(at(9, 9), tick=False):
        services.timer_start(by=me, officer=world.officer, mentor_present=True)
        with pytest.raises(Refused) as caught:
            services.timer_start(by=me, officer=world.officer)
        assert caught.value.codes == ["timer.running"]
    with time_machine.travel(at(9, 10, 5), tick=False):
        status = queries.timer_status(queries.timer_of(world.officer))
        assert status.break_due and status.continuous_minutes == 65
        services.timer_break(by=me, officer=world.officer)
    with time_machine.travel(at(9, 10, 25), tick=False):
        assert queries.timer_status(queries.timer_of(world.officer)).on_break_minutes == 20
        services.timer_break(by=me, officer=world.officer)
    with time_machine.travel(at(9, 10, 40), tick=False):
        status = queries.timer_status(queries.timer_of(world.officer))
        assert not status.break_due and status.continuous_minutes == 15
        timer = services.timer_stop(by=me, officer=world.officer)
    assert (timer.stopped_at, timer.break_seconds) == (at(9, 10, 40), 20 * 60)
    s = record(
        world,
        started_at=timer.started_at,
        ended_at=timer.stopped_at,
        break_minutes=20,
        timer=timer,
    ).session
    assert s.viewing_minutes == 80 and not SessionTimer.objects.exists()


def test_only_those_who_may_log_may_run_the_timer(world: World):
    walk_to(world, "cat_c")
    with pytest.raises(Refused) as caught:
        services.timer_start(by=viewer(world.other_officer), officer=world.officer)
    assert caught.value.status == 404
    outsider = make_person(world.force, Role.SUPERVISOR)
    supervise(world.other_officer, outsider)
    with pytest.raises(Refused):
        services.timer_stop(by=viewer(outsider), officer=world.officer)
