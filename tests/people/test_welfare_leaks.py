"""Planted markers walked through every route by every role (DESIGN.md §1, §3).

Each officer of the world carries a unique marker in every welfare text field (a pause reason,
1:1 notes, an observation, a flag note, the private reason for leaving). Every page and API
operation is then opened by every role, and:

- a marker appears only to the roles the design table lets read that field of that person;
- any response that shows another person's welfare record (a marker, or their name on a page
  that is not only a directory of people) wrote an access-log entry for that person.

The expectations are written out from the design table, independently of
``wellgate.people.access``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.factories import World, login, make_world, viewer
from tests.routes import Route, api_routes, web_routes
from tests.walk import ROLES, SUBJECTS, param_values, subject_for, url_for
from wellgate import clock
from wellgate.flags.services import flag_note_add, flag_open
from wellgate.moves.services import move_request
from wellgate.pathway.services import ensure_joined, event_record
from wellgate.people.models import AccessLogEntry, Person, Role
from wellgate.people.services import token_create
from wellgate.support.services import meeting_record, observation_record

# Who may read each kind of welfare text, by relation to the person (DESIGN.md §3).
NOTES = {"officer": {"self"}, "supervisor": {"report"}, "welfare_lead": {"force"}}
MOVE_REASON = {"officer": {"self"}, "welfare_lead": {"force"}}

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"  # as tests/conftest.py sets
# Pages that name people without showing anything of their welfare record.
DIRECTORY_ACTIONS = frozenset({"person.view", "person.manage", "people.manage", "grants.approve"})
# The welfare lead's booking form offers every officer of the force by name only.
DIRECTORY_ROUTES = frozenset({"support/force/psych/"})


@dataclass(frozen=True)
class Marker:
    text: str
    field: str
    subject: Person
    readers: dict[str, set[str]]


def _relation(world: World, role: str, subject: Person) -> set[str]:
    me = world.by_role(role)
    if subject.force_id != me.force_id:
        return set()
    rel = {"force"}
    if subject == me:
        rel.add("self")
    if role == "supervisor" and subject == world.officer:
        rel.add("report")
    if role == "mentor" and subject == world.officer:
        rel.add("mentee")
    return rel


def _plant(world: World, subject: Person, staff: Person, staff_role: str) -> list[Marker]:
    """Write one marker into every welfare text field of ``subject`` through the services."""
    tag = f"MK{subject.pk}x"
    by = viewer(staff, staff_role)
    ensure_joined(officer=subject, joined_at=clock.now())
    markers = []

    def mark(field: str, readers: dict[str, set[str]]) -> str:
        m = Marker(f"{tag}{field}Z", field, subject, readers)
        markers.append(m)
        return m.text

    meeting_record(
        by=by,
        officer=subject,
        kind="one_to_one",
        held_on=clock.today(),
        how_are_you=mark("howareyou", NOTES),
        workload=mark("workload", NOTES),
        agreed_actions=mark("actions", NOTES),
        note=mark("meetingnote", NOTES),
    )
    observation_record(by=by, officer=subject, note=mark("observation", NOTES))
    flag = flag_open(
        officer=subject,
        source="observation",
        severity="amber",
        source_ref="test",
        note=mark("flagnote", NOTES),
    )
    flag_note_add(by=by, flag=flag, note=mark("flagfollowup", NOTES))
    event_record(by=by, officer=subject, type="paused", note=mark("pausereason", NOTES))
    move_request(by=viewer(subject, Role.OFFICER), reason=mark("leavereason", MOVE_REASON))
    return markers


@dataclass
class Planted:
    world: World
    markers: list[Marker]
    walks: dict[str, list[Shown]]

    def walk(self, role: str) -> list[Shown]:
        """``role``'s walk, made by the first test that asks and read again by the other."""
        if role not in self.walks:
            self.walks[role] = list(_walk(self.world, role))
        return self.walks[role]


@pytest.fixture(scope="module")
def planted(django_db_setup: None, django_db_blocker: Any) -> Iterator[Planted]:
    """One world with its markers for the module, rolled back at the end: both tests read
    the same walks, so each role walks once."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
            world = make_world()
        markers = (
            _plant(world, world.officer, world.supervisor, Role.SUPERVISOR)
            + _plant(world, world.other_officer, world.other_supervisor, Role.SUPERVISOR)
            + _plant(world, world.foreign_officer, world.foreign_welfare_lead, Role.WELFARE_LEAD)
        )
        yield Planted(world, markers, {})
        transaction.set_rollback(True)


def _open(client: Client, route: Route, url: str, headers: dict[str, str]) -> bytes:
    if route.kind == "web":
        response = client.get(url, **headers)
        if response.status_code == 405:
            response = client.post(url, {}, **headers)
    else:
        method = route.method.lower()
        response = getattr(client, method)(
            url,
            data="{}" if method != "get" else None,
            content_type="application/json",
            **headers,
        )
    assert response.status_code < 500, f"{route.method} {url}: {response.status_code}"
    return b"".join(response.streaming_content) if response.streaming else response.content


@dataclass(frozen=True)
class Shown:
    me: Person
    route: Route
    url: str
    body: str
    logged: set[int]


def _walk(world: World, role: str) -> Iterator[Shown]:
    """Every route as ``role``, each request rolled back: what each one showed and which
    people's records it logged as read."""
    me = world.by_role(role)
    client = login(Client(), me, role)
    _, secret = token_create(person=me, name="leak test", scope="write", role=role)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    extra = param_values(world, me)
    for route in web_routes() + api_routes():
        if route.action == "public":
            continue
        for kind in SUBJECTS if route.subject else ["own"]:
            url = url_for(route, subject_for(world, role, kind).pk, extra)
            with transaction.atomic():
                before = AccessLogEntry.objects.order_by("-id").values_list("id").first()
                body = _open(client, route, url, headers if route.kind == "api" else {})
                logged = set(
                    AccessLogEntry.objects.filter(
                        id__gt=before[0] if before else 0, viewer=me
                    ).values_list("subject_id", flat=True)
                )
                transaction.set_rollback(True)
            yield Shown(me, route, url, body.decode("utf-8", "replace"), logged)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_sees_a_welfare_text_it_may_not_read(planted: Planted, role: str):
    world, leaks = planted.world, set()
    for shown in planted.walk(role):
        for m in planted.markers:
            if m.text in shown.body and not (
                m.readers.get(role, set()) & _relation(world, role, m.subject)
            ):
                leaks.add(
                    f"{role} sees {m.field} of {m.subject} on {shown.route.method} {shown.url}"
                )
    assert not leaks, "\n".join(sorted(leaks))


# How many responses at least show each role another person's welfare record, so that the walk
# is known to have reached the welfare pages (about 3/4 of what the walk showed when written).
# An officer and an administrator are shown nobody else's record at all.
REACHED = {
    "officer": 0,
    "supervisor": 18,
    "mentor": 6,
    "welfare_lead": 40,
    "senior_leader": 2,
    "administrator": 0,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_response_showing_another_persons_welfare_record_is_logged(
    planted: Planted, role: str
):
    world = planted.world
    subjects = {world.officer, world.other_officer, world.foreign_officer}
    missing = set()
    shown = 0
    for r in planted.walk(role):
        for subject in subjects - {r.me}:
            has_marker = any(m.text in r.body for m in planted.markers if m.subject == subject)
            named = (
                subject.full_name in r.body
                and r.route.action not in DIRECTORY_ACTIONS
                and r.route.pattern not in DIRECTORY_ROUTES
            )
            if has_marker or named:
                shown += 1
                if subject.pk not in r.logged:
                    missing.add(f"{role} read {subject} on {r.route.method} {r.url} unlogged")
    assert not missing, "\n".join(sorted(missing))
    if REACHED[role]:
        assert shown >= REACHED[role], f"{role} was shown only {shown} records"
    else:
        assert shown == 0, f"{role} was shown {shown} other people's records"
