"""Exposure test data: officers walked to a stage in the past, cases, packages, policies."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Any

from tests.factories import World, viewer
from tests.pathway.helpers import Walk
from wellgate import clock
from wellgate.exposure.models import Case, CaseVolume, WorkPackage
from wellgate.people.models import Force, Person, Role, Team
from wellgate.policy.rules import CATEGORY_PROFILES, PolicySettings
from wellgate.policy.services import policy_update

LONDON = zoneinfo.ZoneInfo("Europe/London")
# A Wednesday afternoon in summer time: before the 16:00 cut-off, mid-week.
NOW = dt.datetime(2027, 6, 9, 14, 0, tzinfo=LONDON)
DATA = Path(__file__).resolve().parents[1] / "data" / "vics"
# The README's test-only reading of the UK sample's codes.
UK_TEST = {"1": "A", "2": "B", "3": "C", "4": "not_indecent"}
US = CATEGORY_PROFILES["us_project_vic"]
STAGES = ("induction", "cat_c", "cat_b", "cat_a", "independent")


def at(day: int, hh: int, mm: int = 0) -> dt.datetime:
    """A London time in June 2027 (9 June is a Wednesday)."""
    return dt.datetime(2027, 6, day, hh, mm, tzinfo=LONDON)


def walk_to(world: World, stage: str, officer: Person | None = None, days_ago: int = 60) -> Walk:
    """Walk ``officer`` (default the world's) through the real gates to ``stage``, starting
    ``days_ago`` days before now, so that every event is in the past."""
    walk = Walk(world)
    if officer is not None:
        walk.officer = officer
        walk.me = viewer(officer, Role.OFFICER)
    walk.now = clock.now() - dt.timedelta(days=days_ago)
    walk.join()
    if stage == "induction":
        return walk
    if not _guidance_published(world.force):
        walk.induction()
    else:
        from wellgate.pathway import services

        with walk.at():
            services.guidance_acknowledge(by=walk.me)
        walk.record(walk.sup, "briefing_given")
        with walk.at():
            services.mentor_assign(by=walk.sup, officer=walk.officer, mentor=world.mentor)
        walk.ready_and_signed()
    walk.advance()
    for target in STAGES[2 : STAGES.index(stage) + 1]:
        if target == "cat_a":
            walk.psych_assessment()
        walk.stage_evidence()
        walk.advance()
    return walk


def _guidance_published(force: Force) -> bool:
    from wellgate.pathway.models import GuidanceVersion

    return GuidanceVersion.objects.filter(force=force).exists()


def use_mapping(force: Force, mapping: dict[str, str], profile: str = "uk_test") -> None:
    settings = PolicySettings.from_dict(
        {**PolicySettings().to_dict(), "category_profile": profile, "category_mapping": mapping}
    )
    policy_update(by=None, force=force, settings=settings, reason="Test mapping.")


def make_case(
    force: Force,
    volumes: dict[tuple[str, str], int] | None = None,
    ref: str | None = None,
    team: Team | None | str = "first",
    shared: bool = False,
) -> Case:
    """A case stored directly (imports have their own tests), by default of the force's
    first team (the world's "Alpha", whose supervisor is ``world.supervisor``)."""
    volumes = volumes or {("C", "image"): 40, ("B", "image"): 10, ("A", "video"): 3}
    n = Case.objects.count() + 1
    if team == "first":
        team = Team.objects.filter(force=force).order_by("pk").first()
    case = Case.objects.create(
        force=force,
        team=team if isinstance(team, Team) else None,
        shared=shared,
        case_ref=ref or f"OP-{n:04d}",
        vics_version="2.0",
        scope="Cases",
        total_items=sum(volumes.values()),
        sha256=f"{n:064x}",
        imported_at=clock.now(),
    )
    CaseVolume.objects.bulk_create(
        CaseVolume(case=case, category=c, kind=k, count=v) for (c, k), v in volumes.items()
    )
    return case


def make_package(case: Case, category: str = "C", kinds: list[str] | None = None) -> WorkPackage:
    kinds = kinds or sorted({v.kind for v in case.volumes.filter(category=category)}) or ["image"]
    count = sum(v.count for v in case.volumes.filter(category=category, kind__in=kinds))
    return WorkPackage.objects.create(
        force_id=case.force_id,
        case=case,
        category=category,
        kinds=kinds,
        item_count=count,
        created_at=clock.now(),
    )


def vics_bytes(items: list[dict[str, Any]], case_number: str | None = "OP-77") -> bytes:
    """A small VICS 2.0 #Cases export."""
    case: dict[str, Any] = {"Media": items}
    if case_number is not None:
        case["CaseNumber"] = case_number
    return json.dumps(
        {
            "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases",
            "value": [case],
        }
    ).encode()


def item(category: Any, mime: str = "image/jpeg") -> dict[str, Any]:
    return {"Category": category, "MimeType": mime, "MD5": "0" * 32, "MediaFiles": []}
