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

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from tests.factories import World, login, viewer
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


@pytest.fixture
def planted(world: World) -> list[Marker]:
    return (
        _plant(world, world.officer, world.supervisor, Role.SUPERVISOR)
        + _plant(world, world.other_officer, world.other_supervisor, Role.SUPERVISOR)
        + _plant(world, world.foreign_officer, world.foreign_welfare_lead, Role.WELFARE_LEAD)
    )


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


def _walk(world: World):  # type: ignore[no-untyped-def]
    """Every route as every role, each request rolled back: yields what each one showed and
    which people's records it logged as read."""
    for role in ROLES:
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
                yield role, me, route, url, body.decode("utf-8", "replace"), logged


@pytest.mark.django_db
def test_no_role_sees_a_welfare_text_it_may_not_read(world: World, planted: list[Marker]):
    leaks = set()
    for role, _me, route, url, body, _logged in _walk(world):
        for m in planted:
            if m.text in body and not (
                m.readers.get(role, set()) & _relation(world, role, m.subject)
            ):
                leaks.add(f"{role} sees {m.field} of {m.subject} on {route.method} {url}")
    assert not leaks, "\n".join(sorted(leaks))


@pytest.mark.django_db
def test_every_response_showing_another_persons_welfare_record_is_logged(
    world: World, planted: list[Marker]
):
    subjects = {world.officer, world.other_officer, world.foreign_officer}
    missing = set()
    shown = 0
    for role, me, route, url, body, logged in _walk(world):
        for subject in subjects - {me}:
            has_marker = any(m.text in body for m in planted if m.subject == subject)
            named = (
                subject.full_name in body
                and route.action not in DIRECTORY_ACTIONS
                and route.pattern not in DIRECTORY_ROUTES
            )
            if has_marker or named:
                shown += 1
                if subject.pk not in logged:
                    missing.add(f"{role} read {subject} on {route.method} {url} unlogged")
    assert not missing, "\n".join(sorted(missing))
    assert shown > 50  # the walk really reached welfare pages
