"""Check-in services: storing answers, the safe response to risk, change rules, skips, nudges."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.checkins.helpers import instrument, lowest, summing_to
from tests.factories import World, make_flag, make_force, make_person, refused, viewer
from wellgate import clock
from wellgate.checkins import catalogue, instruments_loader, rules, services
from wellgate.checkins.models import CheckIn, CheckInSkip, ConversationNudge
from wellgate.flags.models import Flag
from wellgate.flags.queries import flags_visible_to
from wellgate.notify.models import OutboxMessage
from wellgate.people.models import AppendOnlyError, Role
from wellgate.policy.rules import PolicySettings
from wellgate.policy.services import policy_update


def submit(world: World, instrument_id: str, answers: dict[str, int], **kw) -> CheckIn:  # type: ignore[no-untyped-def]
    return services.checkin_submit(
        by=viewer(world.officer, Role.OFFICER), instrument_id=instrument_id, answers=answers, **kw
    )


def set_policy(world: World, **checkins: object) -> None:
    base = PolicySettings()
    settings = dataclasses.replace(base, checkins=dataclasses.replace(base.checkins, **checkins))
    policy_update(by=None, force=world.force, settings=settings, reason="Test policy.")


# Storing a check-in ------------------------------------------------------------------------


def test_a_check_in_stores_every_answer_the_version_and_the_scoring_method(world: World):
    answers = summing_to("phq9", 12)
    checkin = submit(world, "phq9", answers)

    stored = CheckIn.objects.get(pk=checkin.pk)
    assert stored.officer == world.officer and stored.force == world.force
    assert stored.answers == answers
    assert (stored.instrument_id, stored.instrument_version, stored.scoring_method) == (
        "phq9",
        "1",
        "sum",
    )
    assert stored.score.totals == {"total": 12.0}
    assert stored.score.bands["total"].code == "moderate"
    assert stored.critical is False


def test_answers_and_scores_are_encrypted_at_rest(world: World):
    checkin = submit(world, "phq9", summing_to("phq9", 12))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers_json, score_json FROM checkins_checkin WHERE id = %s", [checkin.pk]
        )
        answers_raw, score_raw = cursor.fetchone()
    for raw in (answers_raw, score_raw):
        assert raw.startswith("fernet:")
        assert "phq9" not in raw and "moderate" not in raw


def test_a_check_in_is_shared_with_the_welfare_lead_by_default_under_the_default_policy(
    world: World,
):
    assert submit(world, "pulse", lowest("pulse")).shared_with_welfare_lead is True


def test_under_an_officer_only_policy_a_check_in_is_kept_to_the_officer_unless_shared(
    world: World,
):
    set_policy(world, score_visibility="officer_only")
    assert submit(world, "pulse", lowest("pulse")).shared_with_welfare_lead is False
    assert (
        submit(
            world, "pulse", lowest("pulse"), share_with_welfare_lead=True
        ).shared_with_welfare_lead
        is True
    )


def test_the_officer_may_keep_a_check_in_to_themselves_under_the_default_policy(world: World):
    checkin = submit(world, "pulse", lowest("pulse"), share_with_welfare_lead=False)
    assert checkin.shared_with_welfare_lead is False


@pytest.mark.parametrize(
    "role", ["supervisor", "mentor", "welfare_lead", "senior_leader", "administrator"]
)
def test_only_an_officer_takes_a_check_in_and_nothing_is_stored_otherwise(world: World, role: str):
    exc = refused(
        services.checkin_submit,
        by=viewer(world.by_role(role), role),
        instrument_id="pulse",
        answers=lowest("pulse"),
    )
    assert exc.status == 403 and exc.details[0].code == "access.denied"
    assert not CheckIn.objects.exists()


def test_a_check_in_is_always_the_officers_own(world: World):
    checkin = submit(world, "pulse", lowest("pulse"))
    assert checkin.officer == world.officer  # the service takes no other person to act for


def test_a_check_in_cannot_be_changed_or_deleted(world: World):
    checkin = submit(world, "pulse", lowest("pulse"))
    with pytest.raises(AppendOnlyError):
        checkin.save()
    with pytest.raises(AppendOnlyError):
        checkin.delete()


# Bad input ---------------------------------------------------------------------------------


def test_an_unknown_instrument_is_refused_naming_the_field(world: World):
    exc = refused(submit, world=world, instrument_id="bdi2", answers={})
    detail = exc.details[0]
    assert (detail.code, detail.field) == ("checkin.instrument_unknown", "instrument")
    assert "phq9" in detail.message
    assert not CheckIn.objects.exists()


def test_missing_answers_are_refused_one_detail_per_question_and_nothing_is_stored(world: World):
    answers = lowest("phq9")
    del answers["phq9_3"], answers["phq9_9"]
    exc = refused(submit, world=world, instrument_id="phq9", answers=answers)
    assert [(d.code, d.field) for d in exc.details] == [
        ("checkin.answer_missing", "answers.phq9_3"),
        ("checkin.answer_missing", "answers.phq9_9"),
    ]
    assert "question 3 of PHQ-9" in exc.details[0].message
    assert not CheckIn.objects.exists() and not Flag.objects.exists()


def test_an_out_of_range_answer_is_refused_naming_the_item(world: World):
    exc = refused(
        submit, world=world, instrument_id="phq9", answers={**lowest("phq9"), "phq9_9": 4}
    )
    detail = exc.details[0]
    assert (detail.code, detail.field) == ("checkin.answer_invalid", "answers.phq9_9")
    assert "0 (Not at all)" in detail.message
    assert not CheckIn.objects.exists() and not Flag.objects.exists()


def test_an_answer_to_a_question_the_instrument_lacks_is_refused(world: World):
    exc = refused(
        submit, world=world, instrument_id="gad7", answers={**lowest("gad7"), "gad7_8": 1}
    )
    assert [(d.code, d.field) for d in exc.details] == [("checkin.item_unknown", "answers.gad7_8")]


def test_answers_that_are_not_an_object_are_refused(world: World):
    exc = refused(submit, world=world, instrument_id="gad7", answers=[1, 2, 3])
    assert exc.details[0].field == "answers"


# A safe response to risk -------------------------------------------------------------------


def test_phq9_item_9_above_0_opens_a_red_flag_owned_by_the_welfare_lead(world: World):
    checkin = submit(world, "phq9", summing_to("phq9", 6, phq9_9=1))

    assert checkin.critical is True
    flag = Flag.objects.get()
    assert (flag.source, flag.severity, flag.owner) == ("checkin", "red", world.welfare_lead)
    assert flag.source_ref == f"checkin:{checkin.pk}"
    assert "Question 9 (thoughts of being better off dead or of self-harm)" in flag.note


def test_a_red_check_in_flag_tells_the_welfare_lead_at_once_and_never_the_supervisor(
    world: World,
):
    submit(world, "phq9", summing_to("phq9", 3, phq9_9=2))
    assert OutboxMessage.objects.filter(kind="flag.red", recipient=world.welfare_lead).exists()
    assert not OutboxMessage.objects.filter(recipient=world.supervisor).exists()
    assert not OutboxMessage.objects.filter(recipient=world.mentor).exists()
    assert list(flags_visible_to(viewer(world.supervisor, Role.SUPERVISOR))) == []


def test_a_supervisor_still_sees_the_other_flags_of_their_reports(world: World):
    observation = make_flag(world.officer)
    submit(world, "pulse", {**lowest("pulse"), "pulse_harm": 1})
    assert list(flags_visible_to(viewer(world.supervisor, Role.SUPERVISOR))) == [observation]
    assert Flag.objects.count() == 2


def test_a_critical_answer_opens_a_red_flag_even_when_scores_are_not_shared(world: World):
    submit(world, "phq9", summing_to("phq9", 14, phq9_9=1), share_with_welfare_lead=False)
    flag = Flag.objects.get()
    assert flag.severity == "red"
    assert "14" not in flag.note and "Moderate" not in flag.note
    assert "keeps their scores private" in flag.note


def test_a_shared_critical_check_in_gives_the_welfare_lead_its_totals_in_the_flag(world: World):
    submit(world, "phq9", summing_to("phq9", 14, phq9_9=1))
    assert "Total 14 of 27 (Moderate)" in Flag.objects.get().note


def test_a_pcl5_total_of_33_is_critical_and_32_is_not(world: World):
    assert submit(world, "pcl5", summing_to("pcl5", 32)).critical is False
    assert not Flag.objects.exists()
    assert submit(world, "pcl5", summing_to("pcl5", 33)).critical is True
    assert Flag.objects.get().severity == "red"


def test_the_pulse_self_harm_question_is_critical(world: World):
    checkin = submit(world, "pulse", {**lowest("pulse"), "pulse_harm": 1})
    assert checkin.critical and Flag.objects.get().severity == "red"


def test_without_a_welfare_lead_a_check_in_flag_has_no_owner_rather_than_the_supervisor(db):
    force = make_force()
    officer = make_person(force, Role.OFFICER)
    supervisor = make_person(force, Role.SUPERVISOR)
    from tests.factories import supervise

    supervise(officer, supervisor)
    services.checkin_submit(
        by=viewer(officer), instrument_id="pulse", answers={**lowest("pulse"), "pulse_harm": 2}
    )
    flag = Flag.objects.get()
    assert flag.owner is None
    assert not OutboxMessage.objects.filter(recipient=supervisor).exists()


# Change rules ------------------------------------------------------------------------------


def test_a_pcl5_rise_of_10_opens_an_amber_flag_for_the_welfare_lead(world: World):
    submit(world, "pcl5", summing_to("pcl5", 12))
    second = submit(world, "pcl5", summing_to("pcl5", 22))
    flag = Flag.objects.get()
    assert (flag.severity, flag.owner, flag.source_ref) == (
        "amber",
        world.welfare_lead,
        f"checkin:{second.pk}",
    )
    assert "rose by 10" in flag.note
    assert not OutboxMessage.objects.filter(recipient=world.supervisor).exists()


def test_a_pcl5_rise_of_9_opens_no_flag(world: World):
    submit(world, "pcl5", summing_to("pcl5", 12))
    submit(world, "pcl5", summing_to("pcl5", 21))
    assert not Flag.objects.exists()


def test_an_amber_flag_for_an_unshared_check_in_carries_no_scores(world: World):
    submit(world, "pcl5", summing_to("pcl5", 12), share_with_welfare_lead=False)
    submit(world, "pcl5", summing_to("pcl5", 25), share_with_welfare_lead=False)
    note = Flag.objects.get().note
    assert "12" not in note and "25" not in note and "marked change" in note


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7"])
def test_a_move_into_a_higher_band_opens_an_amber_flag(world: World, instrument_id: str):
    submit(world, instrument_id, summing_to(instrument_id, 4))  # minimal
    submit(world, instrument_id, summing_to(instrument_id, 5))  # mild
    flag = Flag.objects.get()
    assert flag.severity == "amber" and "Mild" in flag.note


def test_staying_in_a_band_or_moving_down_opens_no_flag(world: World):
    submit(world, "phq9", summing_to("phq9", 12))
    submit(world, "phq9", summing_to("phq9", 14))
    submit(world, "phq9", summing_to("phq9", 3))
    assert not Flag.objects.exists()


def test_the_first_check_in_of_an_instrument_changes_nothing(world: World):
    submit(world, "phq9", summing_to("phq9", 20))
    assert not Flag.objects.exists()


def test_a_critical_check_in_that_also_rose_opens_one_red_flag_not_two(world: World):
    submit(world, "pcl5", summing_to("pcl5", 20))
    submit(world, "pcl5", summing_to("pcl5", 40))
    assert list(Flag.objects.values_list("severity", flat=True)) == ["red"]


def test_check_ins_of_another_officer_are_not_compared(world: World):
    services.checkin_submit(
        by=viewer(world.other_officer), instrument_id="pcl5", answers=summing_to("pcl5", 0)
    )
    submit(world, "pcl5", summing_to("pcl5", 20))
    assert not Flag.objects.exists()


# Skipping ----------------------------------------------------------------------------------


def test_a_skip_is_recorded_and_is_never_a_flag_or_a_message(world: World):
    skips = services.checkin_skip(
        by=viewer(world.officer, Role.OFFICER), instrument_ids=["phq9", "gad7", "phq9"]
    )
    assert [s.instrument_id for s in skips] == ["phq9", "gad7"]
    assert CheckInSkip.objects.filter(officer=world.officer).count() == 2
    assert not Flag.objects.exists() and not OutboxMessage.objects.exists()


def test_skipping_an_unknown_check_in_or_nothing_is_refused_and_stores_nothing(world: World):
    me = viewer(world.officer, Role.OFFICER)
    assert refused(services.checkin_skip, by=me, instrument_ids=["phq9", "nope"]).details[
        0
    ].code == ("checkin.instrument_unknown")
    assert refused(services.checkin_skip, by=me, instrument_ids=[]).details[0].code == (
        "checkin.skip_nothing"
    )
    assert not CheckInSkip.objects.exists()


def test_only_an_officer_skips_a_check_in(world: World):
    exc = refused(services.checkin_skip, by=viewer(world.supervisor), instrument_ids=["pulse"])
    assert exc.status == 403


# Suggesting a conversation -----------------------------------------------------------------


def test_a_nudge_tells_the_supervisor_only_that_a_conversation_is_wanted(world: World):
    submit(world, "phq9", summing_to("phq9", 14))
    nudge = services.nudge_send(by=viewer(world.officer, Role.OFFICER))
    assert nudge.supervisor == world.supervisor
    message = OutboxMessage.objects.get(recipient=world.supervisor)
    assert message.title == "Olive Officer would like a conversation with you"
    text = f"{message.title} {message.body} {message.link}".lower()
    for word in ("phq", "check-in", "score", "moderate", "14"):
        assert word not in text


def test_a_second_nudge_within_a_day_is_refused(world: World):
    me = viewer(world.officer, Role.OFFICER)
    services.nudge_send(by=me)
    assert refused(services.nudge_send, by=me).details[0].code == "nudge.recent"
    with time_machine.travel(clock.now() + dt.timedelta(hours=25)):
        services.nudge_send(by=me)
    assert ConversationNudge.objects.count() == 2


def test_a_nudge_needs_a_supervisor(db):
    officer = make_person(make_force(), Role.OFFICER)
    assert refused(services.nudge_send, by=viewer(officer)).details[0].code == "nudge.no_supervisor"


def test_only_an_officer_sends_a_nudge(world: World):
    assert refused(services.nudge_send, by=viewer(world.welfare_lead)).status == 403


# Invitations -------------------------------------------------------------------------------


def invitations(person) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        OutboxMessage.objects.filter(recipient=person, kind="checkins.invite")
        .order_by("id")
        .values_list("dedup_key", flat=True)
    )


def test_a_new_officer_is_invited_to_a_pulse_and_the_full_set_once(world: World):
    now = clock.now()
    sent = services.invitations_send(now=now)
    keys = invitations(world.officer)
    assert [k.split(":")[3] for k in keys] == ["pulse", "full"]
    assert sent == 3 * 2  # three officers in the two forces; no other role is invited
    assert services.invitations_send(now=now + dt.timedelta(hours=1)) == 0
    assert not OutboxMessage.objects.filter(recipient=world.supervisor).exists()


def test_the_next_pulse_invitation_comes_after_the_policy_interval(world: World):
    start = clock.now()
    submit(world, "pulse", lowest("pulse"))
    services.checkin_skip(by=viewer(world.officer), instrument_ids=rules.FULL_SET)
    services.invitations_send(now=start + dt.timedelta(days=1))
    assert invitations(world.officer) == []
    services.invitations_send(now=start + dt.timedelta(days=13))
    assert invitations(world.officer) == []
    services.invitations_send(now=start + dt.timedelta(days=14, hours=1))
    assert [k.split(":")[3] for k in invitations(world.officer)] == ["pulse"]


def test_the_pulse_interval_follows_the_policy(world: World):
    set_policy(world, pulse_weeks=4)
    start = clock.now()
    submit(world, "pulse", lowest("pulse"))
    services.checkin_skip(by=viewer(world.officer), instrument_ids=rules.FULL_SET)
    services.invitations_send(now=start + dt.timedelta(days=15))
    assert invitations(world.officer) == []
    services.invitations_send(now=start + dt.timedelta(days=29))
    assert len(invitations(world.officer)) == 1


def test_the_full_set_comes_back_after_the_policy_months(world: World):
    start = clock.now()
    for instrument_id in rules.FULL_SET:
        submit(world, instrument_id, lowest(instrument_id))
    services.checkin_skip(by=viewer(world.officer), instrument_ids=["pulse"])
    services.invitations_send(now=start + dt.timedelta(days=60))
    assert [k for k in invitations(world.officer) if ":full:" in k] == []
    services.invitations_send(now=start + dt.timedelta(days=93))
    assert len([k for k in invitations(world.officer) if ":full:" in k]) == 1


# Instruments at start ----------------------------------------------------------------------


def test_a_broken_instrument_file_stops_wellgate_starting_with_the_problem_named(monkeypatch):
    def broken() -> dict:
        raise instruments_loader.InstrumentError([("phq9.json: bands.total", "No band covers 27.")])

    catalogue.instruments.cache_clear()
    monkeypatch.setattr(instruments_loader, "load_shipped", broken)
    try:
        with pytest.raises(ImproperlyConfigured, match="phq9.json: bands.total: No band covers 27"):
            catalogue.instruments()
    finally:
        monkeypatch.undo()
        catalogue.instruments.cache_clear()
    assert set(catalogue.instruments()) == {"pulse", "phq9", "gad7", "pcl5", "proqol5", "who5"}


def test_the_instruments_are_offered_pulse_first_then_the_full_set(db):
    assert list(catalogue.instruments()) == ["pulse", "phq9", "gad7", "pcl5", "proqol5", "who5"]
    assert instrument("proqol5").scoring == "subscale_sums"
