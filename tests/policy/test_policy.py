from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.factories import World, login, viewer
from wellgate import clock
from wellgate.errors import Refused
from wellgate.policy import queries
from wellgate.policy.forms import PolicyForm, stage_initial
from wellgate.policy.models import PolicyVersion
from wellgate.policy.rules import Cadences, PolicySettings, Stage, validate
from wellgate.policy.services import policy_update


def codes(settings: PolicySettings) -> set[str]:
    return {p.code for p in validate(settings)}


def test_the_defaults_are_sound_and_name_every_design_value():
    p = PolicySettings()
    assert validate(p) == []
    assert [s.code for s in p.stages] == ["induction", "cat_c", "cat_b", "cat_a", "independent"]
    assert (
        p.gate.min_supervised_sessions,
        p.gate.reflection_days,
        p.gate.readiness_max_age_days,
    ) == (2, 7, 14)
    assert (p.limits.continuous_minutes, p.limits.break_minutes, p.limits.daily_minutes) == (
        60,
        15,
        240,
    )
    assert (
        p.limits.daily_minutes_supervised,
        p.limits.no_viewing_after,
        p.limits.weekly_minutes,
    ) == (120, "16:00", 1200)
    assert (
        p.moves.acknowledge_working_days,
        p.moves.agree_working_days,
        p.moves.move_working_days,
    ) == (2, 10, 20)
    assert (p.k_anonymity, p.time_zone, p.nation, p.idle_timeout_minutes) == (
        5,
        "Europe/London",
        "england",
        30,
    )
    assert PolicySettings.from_dict(p.to_dict()) == p


def test_a_cadence_of_zero_is_refused_naming_the_field():
    bad = dataclasses.replace(PolicySettings(), cadences=Cadences(one_to_one_weeks=0))
    problems = validate(bad)
    assert [(x.code, x.field) for x in problems] == [
        ("policy.not_positive", "cadences.one_to_one_weeks")
    ]


def test_a_stage_that_allows_less_than_the_one_before_is_unreachable():
    stages = list(PolicySettings().stages)
    stages[1], stages[2] = stages[2], stages[1]  # B before C
    assert "policy.stage_order" in codes(
        dataclasses.replace(PolicySettings(), stages=tuple(stages))
    )


def test_the_first_stage_must_allow_no_viewing_and_codes_must_differ():
    first = Stage("cat_c", "C", "", "C", ("image",), True)
    assert "policy.stage_first" in codes(
        dataclasses.replace(PolicySettings(), stages=(first, first))
    )
    assert "policy.stage_duplicate" in codes(
        dataclasses.replace(PolicySettings(), stages=(first, first))
    )


def test_an_unknown_time_zone_nation_or_mapping_target_is_refused():
    bad = dataclasses.replace(
        PolicySettings(), time_zone="Mars/Olympus", nation="atlantis", category_mapping={"1": "Z"}
    )
    assert {"policy.time_zone", "policy.nation", "policy.mapping_target"} <= codes(bad)


def test_every_change_is_a_new_version_with_who_and_why(world: World):
    wl = viewer(world.welfare_lead)
    v1 = policy_update(by=wl, force=world.force, settings=PolicySettings(), reason="Adopt defaults")
    v2 = policy_update(
        by=wl,
        force=world.force,
        settings=dataclasses.replace(PolicySettings(), k_anonymity=10),
        reason="Bigger k",
    )
    assert (v1.number, v2.number) == (1, 2)
    assert v2.created_by == world.welfare_lead and v2.reason == "Bigger k"
    assert queries.current(world.force.pk).k_anonymity == 10
    assert queries.current(world.other_force.pk).k_anonymity == 5


def test_the_policy_of_a_past_moment_is_the_version_then_in_force(world: World):
    wl = viewer(world.welfare_lead)
    before = clock.now()
    with time_machine.travel(before + dt.timedelta(days=1)):
        policy_update(
            by=wl,
            force=world.force,
            settings=dataclasses.replace(PolicySettings(), k_anonymity=7),
            reason="r",
        )
    assert queries.at(world.force.pk, before).k_anonymity == 5
    assert queries.at(world.force.pk, before + dt.timedelta(days=2)).k_anonymity == 7


def test_a_refused_policy_stores_nothing(world: World):
    with pytest.raises(Refused) as exc:
        policy_update(
            by=viewer(world.welfare_lead),
            force=world.force,
            settings=dataclasses.replace(PolicySettings(), k_anonymity=1),
            reason="",
        )
    assert set(exc.value.codes) == {"policy.k_too_small", "policy.reason_missing"}
    assert not PolicyVersion.objects.exists()


def test_a_supervisor_cannot_change_the_policy(world: World):
    with pytest.raises(Refused):
        policy_update(
            by=viewer(world.supervisor), force=world.force, settings=PolicySettings(), reason="x"
        )


def _form_data(settings: PolicySettings, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = dict(PolicyForm.initial_from(settings))
    stages = stage_initial(settings)
    data.update(
        {
            "stages-TOTAL_FORMS": str(len(stages)),
            "stages-INITIAL_FORMS": str(len(stages)),
            "stages-MIN_NUM_FORMS": "0",
            "stages-MAX_NUM_FORMS": "12",
        }
    )
    for i, s in enumerate(stages):
        for key, value in s.items():
            if key == "supervised" and not value:
                continue
            data[f"stages-{i}-{key}"] = value
    data["reason"] = "Agreed at the welfare board"
    data.update(overrides)
    return data


def test_the_welfare_lead_edits_the_policy_in_a_form(world: World, client: Client):
    login(client, world.welfare_lead)
    assert client.get("/policy/edit/").status_code == 200
    response = client.post(
        "/policy/edit/", _form_data(PolicySettings(), **{"cadences__one_to_one_weeks": "3"})
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert (
        version.settings["cadences"]["one_to_one_weeks"] == 3
        and version.created_by == world.welfare_lead
    )
    assert "Version 1" in client.get("/policy/").content.decode()


def test_a_bad_edit_shows_what_to_fix_and_stores_nothing(world: World, client: Client):
    login(client, world.welfare_lead)
    data = _form_data(
        PolicySettings(),
        **{"cadences__welfare_day_months": "0", "reason": "", "stages-2-max_category": ""},
    )
    response = client.post("/policy/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Why is the policy changing?" in page
    assert not PolicyVersion.objects.exists()
    data["reason"] = "x"
    page = client.post("/policy/edit/", data).content.decode()
    assert "cadences.welfare_day_months must be at least 1" in page
    assert "allows less than the stage before it" in page
    assert not PolicyVersion.objects.exists()
