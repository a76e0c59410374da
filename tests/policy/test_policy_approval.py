"""Loosening the policy needs a second person; tightening applies at once and says so."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tests.factories import (
    World,
    grant,
    login,
    make_person,
    make_policy_proposal,
    refused,
    viewer,
)
from tests.pathway.helpers import Walk
from tests.policy.test_policy import _form_data
from wellgate.errors import Refused
from wellgate.notify.models import OutboxMessage
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway.rules import Clearance
from wellgate.people.models import Role
from wellgate.policy import queries
from wellgate.policy.models import PolicyProposal, PolicyVersion
from wellgate.policy.rules import MEDIA_KINDS, Gate, PolicySettings, loosenings
from wellgate.policy.services import (
    policy_approve,
    policy_propose,
    policy_reject,
    policy_update,
)

DEFAULT = PolicySettings()
C_WITH_MENTOR = Clearance("C", ("image",), True)


def stages_granting_a_alone(*indexes: int) -> PolicySettings:
    """The finding's edit: the named stages grant Category A, all media, no mentor."""
    stages = tuple(
        dataclasses.replace(s, max_category="A", media=MEDIA_KINDS, supervised=False)
        if i in indexes
        else s
        for i, s in enumerate(DEFAULT.stages)
    )
    return dataclasses.replace(DEFAULT, stages=stages)


def with_stage(settings: PolicySettings, code: str, **changes: object) -> PolicySettings:
    stages = tuple(
        dataclasses.replace(s, **changes) if s.code == code else s  # type: ignore[arg-type]
        for s in settings.stages
    )
    return dataclasses.replace(settings, stages=stages)


def loosening_codes(previous: PolicySettings, proposed: PolicySettings) -> set[str]:
    return {lo.code for lo in loosenings(previous, proposed)}


def refusal_codes(call, **kwargs) -> set[str]:  # type: ignore[no-untyped-def]
    return set(refused(call, **kwargs).codes)


@pytest.fixture
def walk(world: World) -> Walk:
    w = Walk(world)
    w.join()
    return w


# --------------------------------------------------------------------------- what loosens


def test_tightening_or_changing_nothing_loosens_nothing():
    stricter = dataclasses.replace(
        DEFAULT, gate=Gate(min_supervised_sessions=3, reflection_days=10), k_anonymity=8
    )
    assert loosenings(DEFAULT, DEFAULT) == []
    assert loosenings(DEFAULT, stricter) == []
    assert loosenings(DEFAULT, with_stage(DEFAULT, "cat_b", media=("image",))) == []
    assert loosenings(DEFAULT, dataclasses.replace(DEFAULT, stages=DEFAULT.stages[:4])) == []


def test_emptying_the_gate_and_lowering_k_each_loosen_with_a_sentence():
    emptied = dataclasses.replace(
        DEFAULT,
        gate=Gate(
            min_supervised_sessions=0,
            reflection_days=0,
            readiness_max_age_days=60,
            psych_assessment_before=(),
            psych_assessment_max_age_days=400,
        ),
        k_anonymity=2,
    )
    found = {lo.code: lo for lo in loosenings(DEFAULT, emptied)}
    assert set(found) == {
        "loosen.supervised_sessions",
        "loosen.reflection_days",
        "loosen.readiness_validity",
        "loosen.psych_assessment",
        "loosen.psych_assessment_age",
        "loosen.k",
    }
    assert found["loosen.k"].message == (
        "Smaller groups would be shown in aggregates: 2 people instead of 5."
    )
    assert found["loosen.psych_assessment"].field == "gate.psych_assessment_before"
    assert "“Category A with a mentor”" in found["loosen.psych_assessment"].message


def test_a_stage_that_grants_more_loosens_on_every_axis_it_raises():
    assert loosening_codes(DEFAULT, stages_granting_a_alone(1, 2, 3)) == {
        "loosen.stage_category",
        "loosen.stage_media",
        "loosen.stage_unsupervised",
    }
    assert loosening_codes(DEFAULT, with_stage(DEFAULT, "cat_c", media=("image", "text"))) == {
        "loosen.stage_media"
    }


def test_removing_a_stage_between_two_loosens_the_step_that_now_grants_more():
    without_b = dataclasses.replace(
        DEFAULT, stages=tuple(s for s in DEFAULT.stages if s.code != "cat_b")
    )
    found = {(lo.code, lo.field) for lo in loosenings(DEFAULT, without_b)}
    # Category A comes one step earlier, and so does viewing every medium alone.
    assert found == {
        ("loosen.stage_category", "stages.2.max_category"),
        ("loosen.stage_media", "stages.3.media"),
        ("loosen.stage_unsupervised", "stages.3.supervised"),
    }


def test_adding_a_stage_at_the_end_that_grants_more_than_the_last_loosens():
    extra = dataclasses.replace(
        DEFAULT.stages[-1], code="senior", label="Senior grader", max_category="A"
    )
    more = dataclasses.replace(DEFAULT, stages=(*DEFAULT.stages, extra))
    assert loosenings(DEFAULT, more) == []  # the same as the last stage: nothing more
    stricter_end = dataclasses.replace(
        DEFAULT, stages=(*DEFAULT.stages[:-1], dataclasses.replace(DEFAULT.stages[-1], media=()))
    )
    assert loosening_codes(stricter_end, more) == {"loosen.stage_media"}


# --------------------------------------------------------------------------- the finding


def test_the_finding_a_policy_edit_grants_nobody_a_clearance_they_never_asked_for(
    walk: Walk, world: World, client: Client
):
    walk.induction()
    walk.advance()  # at Category C; the officer has never said they feel ready for more
    assert pathway_queries.state(walk.officer).clearance == C_WITH_MENTOR
    with walk.at():
        login(client, world.welfare_lead)
        response = client.post("/policy/edit/", _form_data(stages_granting_a_alone(1, 2, 3)))
    assert response.status_code == 302
    assert not PolicyVersion.objects.filter(force=world.force).exists()  # not in force
    proposal = PolicyProposal.objects.get()
    assert proposal.state == PolicyProposal.State.PENDING
    assert {lo["code"] for lo in proposal.loosens} == {
        "loosen.stage_category",
        "loosen.stage_media",
        "loosen.stage_unsupervised",
    }
    with walk.at():
        assert pathway_queries.state(walk.officer).clearance == C_WITH_MENTOR
        senior = login(Client(), world.senior_leader)
        assert senior.post(f"/policy/proposals/{proposal.pk}/approve/").status_code == 302
    version = PolicyVersion.objects.get()
    assert version.approved_by == world.senior_leader
    assert queries.current(world.force.pk).stage("cat_c").max_category == "A"
    with walk.at():
        state = pathway_queries.state(walk.officer)
        assert state.clearance == C_WITH_MENTOR  # still C, images, with a mentor
        assert pathway_queries.clearance(walk.officer) == C_WITH_MENTOR  # what exposure checks
        assert "gate.readiness" in {r.code for r in state.unmet}


def test_emptying_the_gate_and_lowering_k_in_one_post_is_only_a_proposal(
    world: World, client: Client
):
    login(client, world.welfare_lead)
    data = _form_data(
        DEFAULT,
        **{
            "gate__min_supervised_sessions": "0",
            "gate__reflection_days": "0",
            "gate__psych_assessment_before": "",
            "k_anonymity": "2",
        },
    )
    response = client.post("/policy/edit/", data)
    assert response.status_code == 302
    assert not PolicyVersion.objects.exists()
    assert queries.current(world.force.pk) == DEFAULT
    proposal = PolicyProposal.objects.get()
    assert {lo["code"] for lo in proposal.loosens} == {
        "loosen.supervised_sessions",
        "loosen.reflection_days",
        "loosen.psych_assessment",
        "loosen.k",
    }
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("not in force until a senior leader approves it" in m for m in told)
    page = client.get("/policy/").content.decode()
    assert "Changes waiting for a second person" in page
    assert "Smaller groups would be shown in aggregates: 2 people instead of 5." in page
    assert "Approve: put it in force" not in page  # not for the proposer


# --------------------------------------------------------------------------- who approves


def test_the_proposer_cannot_approve_their_own_change(world: World, client: Client):
    proposal = make_policy_proposal(world.welfare_lead)
    codes = refusal_codes(policy_approve, by=viewer(world.welfare_lead), proposal=proposal)
    assert codes == {"proposal.own"}
    login(client, world.welfare_lead)
    response = client.post(f"/policy/proposals/{proposal.pk}/approve/")
    assert response.status_code == 302
    assert not PolicyVersion.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == PolicyProposal.State.PENDING


def test_holding_the_other_role_too_does_not_make_the_proposer_a_second_person(world: World):
    grant(world.welfare_lead, Role.SENIOR_LEADER)
    proposal = make_policy_proposal(world.welfare_lead)
    as_senior = viewer(world.welfare_lead, Role.SENIOR_LEADER)
    assert refusal_codes(policy_approve, by=as_senior, proposal=proposal) == {"proposal.own"}


def test_a_second_person_of_the_same_role_cannot_approve(world: World):
    proposal = make_policy_proposal(world.welfare_lead)
    colleague = make_person(world.force, Role.WELFARE_LEAD, name="Wes Welfare")
    assert refusal_codes(policy_approve, by=viewer(colleague), proposal=proposal) == {
        "proposal.approver_role"
    }
    assert not PolicyVersion.objects.exists()


def test_approval_by_the_other_role_puts_the_change_in_force(world: World, client: Client):
    proposal = make_policy_proposal(world.welfare_lead, k=3)
    login(client, world.senior_leader)
    page = client.get("/policy/").content.decode()
    assert "Approve: put it in force" in page
    assert client.post(f"/policy/proposals/{proposal.pk}/approve/").status_code == 302
    version = PolicyVersion.objects.get()
    assert (version.number, version.created_by, version.approved_by) == (
        1,
        world.welfare_lead,
        world.senior_leader,
    )
    assert queries.current(world.force.pk).k_anonymity == 3
    proposal.refresh_from_db()
    assert (proposal.state, proposal.version, proposal.decided_by) == (
        PolicyProposal.State.APPROVED,
        version,
        world.senior_leader,
    )
    page = client.get("/policy/").content.decode()
    assert "approved by Sal Senior" in page and "Changes waiting" not in page
    # Approved once: a second approval changes nothing.
    assert refusal_codes(policy_approve, by=viewer(world.senior_leader), proposal=proposal) == {
        "proposal.decided"
    }


def test_an_administrators_loosening_needs_a_welfare_lead_or_a_senior_leader(world: World):
    proposal = make_policy_proposal(world.administrator, Role.ADMINISTRATOR)
    assert refusal_codes(policy_approve, by=viewer(world.administrator), proposal=proposal) == {
        "access.denied"
    }
    version = policy_approve(by=viewer(world.welfare_lead), proposal=proposal)
    assert version.approved_by == world.welfare_lead


def test_a_loosening_cannot_be_saved_directly_and_a_tightening_cannot_be_proposed(world: World):
    wl = viewer(world.welfare_lead)
    smaller_k = dataclasses.replace(DEFAULT, k_anonymity=3)
    with pytest.raises(Refused) as exc:
        policy_update(by=wl, force=world.force, settings=smaller_k, reason="r")
    assert exc.value.codes == ["policy.needs_approval", "loosen.k"]
    bigger_k = dataclasses.replace(DEFAULT, k_anonymity=7)
    assert refusal_codes(
        policy_propose, by=wl, force=world.force, settings=bigger_k, reason="r"
    ) == {"proposal.nothing_loosens"}
    assert not PolicyVersion.objects.exists() and not PolicyProposal.objects.exists()


def test_a_proposal_made_before_the_policy_changed_must_be_made_again(world: World):
    proposal = make_policy_proposal(world.welfare_lead, k=3)
    policy_update(
        by=viewer(world.welfare_lead),
        force=world.force,
        settings=dataclasses.replace(DEFAULT, idle_timeout_minutes=15),
        reason="Shorter idle sign-out",
    )
    senior = viewer(world.senior_leader)
    assert refusal_codes(policy_approve, by=senior, proposal=proposal) == {"proposal.stale"}
    assert queries.current(world.force.pk).k_anonymity == 5
    policy_reject(by=senior, proposal=proposal)  # it can still be turned down


def test_a_rejected_proposal_changes_nothing(world: World, client: Client):
    proposal = make_policy_proposal(world.welfare_lead)
    login(client, world.senior_leader)
    assert client.post(f"/policy/proposals/{proposal.pk}/reject/").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == (
        PolicyProposal.State.REJECTED,
        world.senior_leader,
    )
    assert not PolicyVersion.objects.exists()
    assert "Changes waiting" not in client.get("/policy/").content.decode()


def test_a_proposal_of_another_force_is_not_found(world: World, client: Client):
    proposal = make_policy_proposal(world.foreign_welfare_lead)
    login(client, world.senior_leader)
    assert client.post(f"/policy/proposals/{proposal.pk}/approve/").status_code == 404


# --------------------------------------------------------------------------- tightening


def test_a_tightening_takes_effect_at_once_and_the_officer_it_lowers_is_told(
    walk: Walk, world: World, client: Client
):
    walk.induction()
    walk.advance()
    walk.stage_evidence()
    walk.advance()  # Category B: images and muted video, with a mentor
    with walk.at():
        other = Walk(world)
        other.officer, other.now = world.other_officer, walk.now
        other.join()  # at induction: the change cannot lower anything of theirs
    assert pathway_queries.state(walk.officer).clearance.media == ("image", "video_muted")
    with walk.at():
        login(client, world.welfare_lead)
        stricter = with_stage(DEFAULT, "cat_b", media=("image",))
        response = client.post("/policy/edit/", _form_data(stricter))
        assert response.status_code == 302
        assert PolicyVersion.objects.get().number == 1  # in force at once, no approval
        assert pathway_queries.state(walk.officer).clearance == Clearance("B", ("image",), True)
    told = OutboxMessage.objects.filter(kind="pathway.policy_lowered")
    assert [(m.recipient, m.title) for m in told] == [
        (walk.officer, "Your clearance has changed after a policy update; see your pathway.")
    ]


def test_the_edit_page_says_what_a_change_does_and_that_loosening_needs_a_second_person(
    world: World, client: Client
):
    login(client, world.welfare_lead)
    page = client.get("/policy/edit/").content.decode()
    assert "Decisions already made stay as they were made" not in page
    assert "A clearance already granted is never raised by a policy change" in page
    assert "in force only once a senior leader approves it" in page


def test_a_proposal_waits_on_the_home_page_of_whoever_may_approve_it(world: World):
    from django.test import Client

    from tests.factories import login, make_policy_proposal

    make_policy_proposal(world.welfare_lead)
    senior = login(Client(), world.senior_leader, Role.SENIOR_LEADER).get("/").content.decode()
    proposer = login(Client(), world.welfare_lead, Role.WELFARE_LEAD).get("/").content.decode()
    assert "1 policy change waits for your approval" in senior
    assert "waits for your approval" not in proposer
