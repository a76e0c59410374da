"""Demo exposure: the force's confirmed category codes, three imported cases with work
packages, and two weeks of viewing sessions, including a limit passed and one unexpected
exposure. Everything goes through the services with the clock moved back, as it happened.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from typing import Any

from wellgate import clock
from wellgate.demo.cast import Demo
from wellgate.exposure import services
from wellgate.exposure.models import Case, WorkPackage
from wellgate.people.access import Viewer
from wellgate.people.models import Role
from wellgate.people.queries import current_roles
from wellgate.policy import queries as policy_queries
from wellgate.policy.rules import PolicySettings
from wellgate.policy.services import policy_update

# The demo force has confirmed its grading tool's codes (the UK profile starts empty).
NORTHMOOR_CODES = {"0": "not_indecent", "1": "A", "2": "B", "3": "C", "4": "not_indecent"}
# Items per (code, MIME type) in each synthetic export: None is "not yet categorised".
CASES: dict[str, dict[tuple[int | None, str], int]] = {
    "NM-1988": {(3, "image/jpeg"): 48, (2, "image/jpeg"): 9, (0, "image/png"): 60},
    "NM-2031": {
        (1, "image/jpeg"): 18,
        (1, "video/mp4"): 4,
        (2, "image/jpeg"): 35,
        (3, "image/jpeg"): 120,
        (0, "image/png"): 240,
        (None, "image/jpeg"): 12,
    },
    "NM-2047": {(3, "image/jpeg"): 64, (2, "image/jpeg"): 12, (4, "image/png"): 80},
}
# login -> (minutes of each session, mentor present, package "case:category" or "")
VIEWERS: dict[str, tuple[tuple[int, ...], bool, str]] = {
    "olivia.officer": ((80, 50), False, "NM-2031:C"),
    "devon.dunmere": ((60, 45), False, "NM-2031:A"),
    "finley.fellgate": ((50,), False, "NM-2031:A"),
    "logan.mardale": ((55, 40), False, "NM-2047:C"),
    "jules.kettlewell": ((45,), False, "NM-2047:C"),
    "casey.cragside": ((30,), True, "NM-2031:C"),
}


def _as(demo: Demo, login: str, role: str) -> Viewer:
    person = demo.people[login]
    return Viewer(person=person, role=role, roles=current_roles(person))


def _export(case_ref: str, items: dict[tuple[int | None, str], int]) -> bytes:
    media = []
    n = 0
    for (code, mime), count in items.items():
        for _ in range(count):
            n += 1
            media.append({"MediaID": n, "Category": code, "MimeType": mime, "MD5": f"{n:032x}"})
    return json.dumps(
        {
            "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
            "value": [{"CaseNumber": case_ref, "Media": media}],
        }
    ).encode()


class _Week:
    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.zone = zoneinfo.ZoneInfo(policy_queries.current(demo.force.pk).time_zone)

    def local(self, days_ago: int, hh: int, mm: int = 0) -> dt.datetime:
        day = self.demo.now.astimezone(self.zone).date() - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=self.zone)

    def working(self, days_ago: int) -> bool:
        return self.local(days_ago, 12).weekday() < 5


def _log(
    demo: Demo, login: str, start: dt.datetime, minutes: int, **kw: Any
) -> services.SessionOutcome:
    end = start + dt.timedelta(minutes=minutes)
    with clock.frozen_at(end + dt.timedelta(minutes=5)):
        return services.session_record(
            by=_as(demo, login, Role.OFFICER),
            entry=services.SessionInput(
                officer=demo.people[login],
                started_at=start,
                ended_at=end,
                max_category=kw.pop("max_category", "C"),
                media=kw.pop("media", ["image"]),
                **kw,
            ),
        )


def build_exposure(demo: Demo) -> None:
    welfare = _as(demo, "wendy.welfare", Role.WELFARE_LEAD)
    sam = _as(demo, "sam.supervisor", Role.SUPERVISOR)
    sky = _as(demo, "sky.sergeant", Role.SUPERVISOR)
    with clock.frozen_at(demo.at(70)):
        current = policy_queries.current(demo.force.pk).to_dict()
        policy_update(
            by=welfare,
            force=demo.force,
            settings=PolicySettings.from_dict(
                {
                    **current,
                    "category_profile": "uk_northmoor",
                    "category_mapping": NORTHMOOR_CODES,
                }
            ),
            reason="Grading-tool category codes confirmed with the digital forensics manager.",
        )
    week = _Week(demo)
    cases: dict[str, Case] = {}
    for days_ago, ref, by in ((30, "NM-1988", sky), (20, "NM-2031", sam), (9, "NM-2047", sky)):
        with clock.frozen_at(week.local(days_ago, 8, 15)):
            cases[ref] = services.case_import(
                by=by, force=demo.force, stream=io.BytesIO(_export(ref, CASES[ref]))
            ).case
    packages: dict[str, WorkPackage] = {}
    for ref, category, by, officers in (
        ("NM-1988", "C", sky, ["indy.ivybridge", "jules.kettlewell"]),
        ("NM-2031", "C", sam, ["olivia.officer", "casey.cragside"]),
        ("NM-2031", "A", sam, ["devon.dunmere", "finley.fellgate"]),
        ("NM-2031", "B", sam, ["olivia.officer"]),
        ("NM-2047", "C", sky, ["logan.mardale", "jules.kettlewell"]),
        ("NM-2047", "B", sky, ["gray.garsdale"]),
    ):
        with clock.frozen_at(week.local(18 if ref == "NM-2031" else 8, 8, 30)):
            package = services.work_package_create(by=by, case=cases[ref], category=category)
            for login in officers:
                services.work_package_assign(by=by, package=package, officer=demo.people[login])
        packages[f"{ref}:{category}"] = package
    _sessions(demo, week, packages)
    # The oldest case closed: those who graded it get a debrief to hear the outcome.
    with clock.frozen_at(week.local(4, 17)):
        services.case_close(by=sky, case=cases["NM-1988"])


def _sessions(demo: Demo, week: _Week, packages: dict[str, WorkPackage]) -> None:
    for days_ago in range(13, 0, -1):
        if not week.working(days_ago):
            continue
        for login, (lengths, mentor, package_key) in VIEWERS.items():
            if login == "casey.cragside" and days_ago % 4:
                continue  # a new joiner views a little, a few days apart
            package = packages[package_key]
            start = week.local(days_ago, 9, 30 if days_ago % 2 else 0)
            if start < package.created_at:
                continue
            for minutes in lengths:
                _log(
                    demo,
                    login,
                    start,
                    minutes,
                    max_category=package.category,
                    media=["image", "video_muted"] if "video" in package.kinds else ["image"],
                    counts={package.category: minutes * 3},
                    mentor_present=mentor,
                    work_package=package,
                    # A long stretch is split by a break, as the guidance asks.
                    break_minutes=15 if minutes >= 75 else 0,
                )
                start += dt.timedelta(minutes=minutes + 20)
    # The most recent working day: Logan stayed on to finish a batch, with no break and past
    # 16:00 (two amber flags); Gray, at Category B with a mentor, met a Category A image that
    # had been graded B by mistake (a red flag and a debrief).
    last = _last_working(week)
    _log(
        demo,
        "logan.mardale",
        week.local(last, 14, 30),
        110,
        work_package=packages["NM-2047:C"],
    )
    _log(
        demo,
        "gray.garsdale",
        week.local(last, 10),
        40,
        max_category="A",
        counts={"B": 85, "A": 1},
        mentor_present=True,
        work_package=packages["NM-2047:B"],
    )


def _last_working(week: _Week) -> int:
    days_ago = 1
    while not week.working(days_ago):
        days_ago += 1
    return days_ago
