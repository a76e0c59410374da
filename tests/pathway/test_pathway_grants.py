"""Each decision stores the clearance it granted and the policy version it was granted under."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from django.apps import apps
from django.test import Client

from tests.factories import World, login, viewer
from tests.pathway.helpers import Walk
from wellgate.appendonly import rewriting
from wellgate.pathway import queries
from wellgate.pathway.models import PathwayEvent
from wellgate.pathway.rules import Clearance
from wellgate.policy.rules import PolicySettings
from wellgate.policy.services import policy_update

DEFAULT = PolicySettings()


@pytest.fixture
def walk(world: World) -> Walk:
    w = Walk(world)
    w.join()
    return w


def set_policy(walk: Walk, world: World, settings: PolicySettings, reason: str) -> None:
    with walk.at():
        policy_update(
            by=viewer(world.welfare_lead), force=world.force, settings=settings, reason=reason
        )


def cat_b_images_only() -> PolicySettings:
    stages = tuple(
        dataclasses.replace(s, media=("image",)) if s.code == "cat_b" else s for s in DEFAULT.stages
    )
    return dataclasses.replace(DEFAULT, stages=stages)


def test_an_advance_stores_its_grant_and_the_policy_version(walk: Walk, world: World):
    set_policy(
        walk, world, dataclasses.replace(DEFAULT, idle_timeout_minutes=20), "Shorter sign-out"
    )
    walk.induction()
    event = walk.advance()
    assert (event.grant_category, event.grant_media, event.grant_supervised) == (
        "C",
        ["image"],
        True,
    )
    assert event.grant_policy_number == 1
    joined = PathwayEvent.objects.get(officer=walk.officer, type="joined")
    assert (joined.grant_category, joined.grant_supervised, joined.grant_policy_number) == (
        "",
        True,
        0,  # joined under the Wellgate defaults, before any version was saved
    )
    other = PathwayEvent.objects.filter(officer=walk.officer, type="signed_off").first()
    assert other is not None and other.grant_supervised is None  # only decisions carry a grant


def test_a_step_back_stores_no_more_than_was_held(walk: Walk, world: World):
    walk.induction()
    walk.advance()
    walk.stage_evidence()
    walk.advance()  # Category B, images and muted video
    lowered_then_c_raised = cat_b_images_only()
    stages = tuple(
        dataclasses.replace(s, media=("image", "video_muted")) if s.code == "cat_c" else s
        for s in lowered_then_c_raised.stages
    )
    # Written straight to the table: as if a second person had approved the raise of cat_c.
    with walk.at():
        from wellgate.policy.models import PolicyVersion

        PolicyVersion.objects.create(
            force=world.force,
            number=1,
            settings=dataclasses.replace(DEFAULT, stages=stages).to_dict(),
            created_at=walk.now,
            reason="r",
        )
    event = walk.record(walk.me, "stepped_back", stage="cat_c")
    assert (event.grant_category, event.grant_media) == ("C", ["image"])
    with walk.at():
        assert queries.state(walk.officer).clearance == Clearance("C", ("image",), True)


def test_the_clearance_at_a_past_moment_follows_the_grants_and_the_policy_of_that_moment(
    walk: Walk, world: World
):
    walk.induction()
    walk.advance()
    walk.stage_evidence()
    walk.advance()
    before = walk.now
    set_policy(walk, world, cat_b_images_only(), "Muted video only from Category A")
    with walk.at():
        assert queries.clearance(walk.officer, at=before).media == ("image", "video_muted")
        assert queries.clearance(walk.officer).media == ("image",)
        assert queries.state(walk.officer).clearance == queries.clearance(walk.officer)


def test_my_pathway_shows_the_policy_version_each_stage_was_granted_under(
    walk: Walk, world: World, client: Client
):
    set_policy(
        walk, world, dataclasses.replace(DEFAULT, idle_timeout_minutes=20), "Shorter sign-out"
    )
    walk.induction()
    walk.advance()
    with walk.at():
        login(client, walk.officer)
        page = client.get(f"/people/{walk.officer.pk}/pathway/").content.decode()
    day = f"{walk.now:%-d %b %Y}"
    assert f"Category C since {day}, granted under policy version 1." in page
    assert "Your stages so far" in page
    assert "Induction: joined" in page and "granted under the Wellgate default policy" in page
    assert "Category C with a mentor: moved on" in page
    set_policy(walk, world, cat_b_images_only(), "Muted video only from Category A")
    walk.stage_evidence()
    walk.advance()
    with walk.at():
        login(client, walk.officer)  # a week later: signed out for inactivity meanwhile
        page = client.get(f"/people/{walk.officer.pk}/pathway/").content.decode()
    assert "Category B since" in page and "granted under policy version 2." in page


def test_the_page_says_when_the_policy_now_allows_less_than_was_granted(
    walk: Walk, world: World, client: Client
):
    walk.induction()
    walk.advance()
    walk.stage_evidence()
    walk.advance()
    set_policy(walk, world, cat_b_images_only(), "Muted video only from Category A")
    with walk.at():
        login(client, walk.officer)
        page = client.get(f"/people/{walk.officer.pk}/pathway/").content.decode()
    assert "granted under the Wellgate default policy" in page
    assert "The policy now in force allows less at this stage, so you hold the lower" in page


def test_the_migration_fills_in_the_grants_of_events_recorded_before_them(walk: Walk, world: World):
    walk.induction()
    walk.advance()
    set_policy(walk, world, cat_b_images_only(), "Later change")
    migration = importlib.import_module("wellgate.pathway.migrations.0002_event_grants")
    # Events are append-only: only the named, logged escape rewrites them (as a migration does).
    with rewriting("test: events as they were before the grant columns"):
        PathwayEvent.objects.update(
            grant_category="", grant_media=[], grant_supervised=None, grant_policy_number=None
        )
        migration.backfill(apps, None)
    advanced = PathwayEvent.objects.get(type="advanced")
    # The advance was recorded under the defaults (version 1 came later).
    assert (advanced.grant_category, advanced.grant_media, advanced.grant_supervised) == (
        "C",
        ["image"],
        True,
    )
    assert advanced.grant_policy_number == 0
    assert PathwayEvent.objects.get(type="joined").grant_supervised is True
