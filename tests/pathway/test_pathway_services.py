from __future__ import annotations

import pytest

from tests.factories import World, viewer
from tests.pathway.helpers import Walk
from wellgate.errors import Refused
from wellgate.pathway import queries, services
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import AppendOnlyError, Role


@pytest.fixture
def walk(world: World) -> Walk:
    w = Walk(world)
    w.join()
    return w


def codes(exc: pytest.ExceptionInfo[Refused]) -> set[str]:
    return set(exc.value.codes)


def test_a_new_joiner_starts_at_induction_with_no_clearance(walk: Walk):
    st = queries.state(walk.officer)
    assert st.stage.code == "induction" and st.clearance.max_category is None
    assert {r.code for r in st.unmet} >= {
        "gate.briefing",
        "gate.guidance",
        "gate.mentor",
        "gate.readiness",
    }


def test_advancing_without_a_complete_gate_is_refused_with_the_unmet_codes_and_writes_nothing(
    walk: Walk,
):
    before = PathwayEvent.objects.count()
    with pytest.raises(Refused) as exc:
        walk.advance()
    assert {"advance.gate_incomplete", "gate.briefing", "gate.readiness", "gate.sign_off"} <= codes(
        exc
    )
    assert PathwayEvent.objects.count() == before


def test_the_supervisor_advances_once_the_induction_gate_is_complete(walk: Walk):
    walk.induction()
    walk.advance()
    st = queries.state(walk.officer)
    assert st.stage.code == "cat_c"
    assert (st.clearance.max_category, st.clearance.media, st.clearance.supervised) == (
        "C",
        ("image",),
        True,
    )


def test_the_officer_cannot_declare_readiness_for_someone_else_or_advance_themselves(
    walk: Walk, world: World
):
    walk.induction()
    with pytest.raises(Refused) as exc:
        services.event_record(
            by=walk.me, officer=world.other_officer, type="readiness_declared", ready=True
        )
    assert exc.value.status in (403, 404)
    with pytest.raises(Refused) as exc:
        services.advance(by=walk.me, officer=walk.officer)
    assert "access.denied" in codes(exc)


def test_a_supervisor_who_is_also_an_officer_cannot_advance_themselves(world: World):
    from tests.factories import grant

    grant(world.supervisor, Role.OFFICER, world.team)
    services.ensure_joined(officer=world.supervisor, joined_at=walk_now())
    with pytest.raises(Refused):
        services.advance(by=viewer(world.supervisor, Role.SUPERVISOR), officer=world.supervisor)


def walk_now():  # type: ignore[no-untyped-def]
    from wellgate import clock

    return clock.now()


def test_a_mentor_records_sessions_but_cannot_sign_off(walk: Walk):
    walk.induction()
    walk.advance()
    walk.record(walk.mentor, "supervised_session")
    with pytest.raises(Refused) as exc:
        walk.record(walk.mentor, "signed_off")
    assert "access.denied" in codes(exc)


def test_pausing_takes_effect_at_once_and_tells_the_supervisor(walk: Walk):
    from wellgate.notify.models import OutboxMessage

    walk.induction()
    walk.advance()
    walk.record(walk.me, "paused")
    with walk.at():
        assert queries.clearance(walk.officer).max_category is None
    message = OutboxMessage.objects.get(recipient=walk.world.supervisor, kind="pathway.paused")
    assert "paused viewing" in message.title
    walk.record(walk.me, "resumed")
    with walk.at():
        assert queries.clearance(walk.officer).max_category == "C"


def test_nobody_else_resumes_an_officers_pause(walk: Walk):
    walk.record(walk.me, "paused")
    with pytest.raises(Refused) as exc:
        walk.record(walk.sup, "resumed")
    assert codes(exc) & {"access.denied", "resume.not_officer"}


def test_after_a_supervisors_pause_resuming_needs_a_conversation(walk: Walk):
    walk.induction()
    walk.advance()
    walk.record(walk.sup, "paused", note="You seemed shaken after Tuesday; let's talk first.")
    st = queries.state(walk.officer)
    assert st.paused and st.pause_reason.startswith("You seemed shaken")
    with pytest.raises(Refused) as exc:
        walk.record(walk.me, "resumed")
    assert "resume.needs_conversation" in codes(exc)
    walk.record(walk.sup, "reflection_discussed", note="Talked it through.")
    walk.record(walk.me, "resumed")
    assert not queries.state(walk.officer).paused


def test_stepping_back_to_a_higher_stage_is_refused(walk: Walk):
    walk.induction()
    walk.advance()
    with pytest.raises(Refused) as exc:
        walk.record(walk.me, "stepped_back", stage="cat_b")
    assert "step_back.not_lower" in codes(exc)


def test_after_a_step_back_the_stage_needs_its_full_gate_again(walk: Walk):
    walk.induction()
    walk.advance()
    walk.stage_evidence()
    walk.advance()
    assert queries.state(walk.officer).stage.code == "cat_b"
    walk.record(walk.me, "stepped_back", stage="cat_c")
    st = queries.state(walk.officer)
    assert st.stage.code == "cat_c" and st.clearance.max_category == "C"
    assert {"gate.supervised_sessions", "gate.readiness", "gate.sign_off"} <= {
        r.code for r in st.unmet
    }


def test_a_not_ready_yet_resets_readiness_and_is_not_a_flag(walk: Walk):
    walk.induction()
    walk.record(walk.me, "readiness_declared", ready=False)
    st = queries.state(walk.officer)
    assert "gate.readiness" in {r.code for r in st.unmet}
    with pytest.raises(Refused):
        walk.advance()


def test_an_event_in_the_future_is_refused(walk: Walk):
    import datetime as dt

    with pytest.raises(Refused) as exc:
        walk.record(walk.sup, "briefing_given", occurred_at=walk.now + dt.timedelta(days=2))
    assert "event.future" in codes(exc)


def test_an_unknown_event_type_is_refused(walk: Walk):
    with pytest.raises(Refused) as exc:
        walk.record(walk.sup, "promoted")
    assert codes(exc) == {"event.unknown_type"}


def test_an_officer_of_another_force_cannot_be_touched(walk: Walk, world: World):
    with pytest.raises(Refused) as exc:
        services.event_record(by=walk.sup, officer=world.foreign_officer, type="briefing_given")
    assert exc.value.status == 404


def test_the_clearance_query_answers_for_any_past_moment(walk: Walk):
    walk.induction()
    before = walk.now
    walk.advance()
    with walk.at():
        assert queries.clearance(walk.officer, at=before).max_category is None
        assert queries.clearance(walk.officer).max_category == "C"


def test_a_policy_change_applies_to_future_decisions_only(walk: Walk, world: World):
    import dataclasses

    from wellgate.policy.rules import Gate, PolicySettings
    from wellgate.policy.services import policy_update

    walk.induction()
    walk.advance()
    stricter = dataclasses.replace(PolicySettings(), gate=Gate(min_supervised_sessions=5))
    with walk.at():
        policy_update(
            by=viewer(world.welfare_lead),
            force=world.force,
            settings=stricter,
            reason="More sessions",
        )
    st = queries.state(walk.officer)
    assert st.stage.code == "cat_c"  # the earlier advance stands
    walk.stage_evidence()
    with pytest.raises(Refused) as exc:
        walk.advance()
    assert "gate.supervised_sessions" in codes(exc)


def test_pathway_events_cannot_be_changed_or_deleted(walk: Walk):
    event = PathwayEvent.objects.first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_reflection_note_is_encrypted_at_rest_and_shown_only_to_who_may_read_it(
    walk: Walk, world: World
):
    from django.db import connection

    walk.record(walk.mentor, "reflection_discussed", note="Spoke about sleep problems.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM pathway_pathwayevent WHERE type = 'reflection_discussed'")
        (raw,) = cursor.fetchone()
    assert "sleep" not in raw and raw.startswith("fernet:")
    notes = {i.event.type: i.note for i in queries.timeline(walk.officer, viewer(world.supervisor))}
    assert notes["reflection_discussed"] == "Spoke about sleep problems."
    mentor_view = {
        i.event.type: i.note for i in queries.timeline(walk.officer, viewer(world.mentor))
    }
    assert mentor_view["reflection_discussed"] == "Spoke about sleep problems."  # the author
    other = viewer(world.welfare_lead)
    assert {i.event.type: i.note for i in queries.timeline(walk.officer, other)}[
        "reflection_discussed"
    ]


def test_a_new_guidance_version_asks_the_officer_to_read_it_again(walk: Walk, world: World):
    walk.induction()
    assert not queries.needs_to_reread_guidance(walk.officer)
    with walk.at():
        services.guidance_publish(
            by=viewer(world.welfare_lead), title="v2", text="Updated advice about breaks and sleep."
        )
    assert queries.needs_to_reread_guidance(walk.officer)
    assert queries.state(walk.officer).stage.code == "induction"  # not blocking anything


def test_the_whole_pathway_to_independent(walk: Walk, world: World):
    walk.induction()
    walk.advance()
    walk.stage_evidence()
    walk.advance()
    walk.stage_evidence()
    with pytest.raises(Refused) as exc:
        walk.advance()
    assert "gate.psych_assessment" in codes(exc)
    walk.psych_assessment()
    walk.advance()
    with walk.at():
        assert queries.state(walk.officer).stage.code == "cat_a"
    walk.stage_evidence()
    walk.advance()
    st = queries.state(walk.officer)
    assert st.stage.code == "independent" and st.next_stage is None and not st.clearance.supervised
