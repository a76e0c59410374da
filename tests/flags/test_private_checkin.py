"""A private check-in flag is the welfare lead's alone (DESIGN.md §3): nothing a supervisor or
a mentor can see about the officer changes because of it, until the welfare lead chooses to
hold the pathway, and then everyone sees the same neutral requirement."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from tests.checkins.helpers import summing_to
from tests.factories import (
    World,
    login,
    make_checkin,
    make_person,
    make_world,
    mentor,
    supervise,
    viewer,
)
from tests.pathway.helpers import Walk
from tests.routes import api_routes, web_routes
from tests.walk import param_values, url_for
from wellgate import clock
from wellgate.errors import Refused
from wellgate.flags import services
from wellgate.flags.models import Flag, FlagEvent
from wellgate.notify.services import deliver_pending
from wellgate.pathway import queries as pathway_queries
from wellgate.pathway.models import PathwayEvent
from wellgate.people.models import Role
from wellgate.people.services import token_create

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 6, 9, 14, 0, tzinfo=LONDON)
HOLD_SENTENCE = "The welfare lead is following something up; they will tell you when it is done."
WATCHERS = ["supervisor", "mentor"]


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db, frozen) -> World:  # type: ignore[no-untyped-def]
    """Everyone in post for a year; Olive, and Ada who has just joined, share a supervisor
    and a mentor (Ada sorts first by name unless Olive needs attention)."""
    with time_machine.travel(NOW - dt.timedelta(days=365), tick=False):
        w = make_world()
        ada = make_person(w.force, Role.OFFICER, w.team, "Ada Able")
        supervise(ada, w.supervisor)
        mentor(ada, w.mentor)
    from wellgate.pathway.services import ensure_joined

    ensure_joined(officer=ada, joined_at=NOW - dt.timedelta(days=2))
    return w


def _walk(world: World, signed_off: bool) -> None:
    """Olive's induction, three days ago: complete, or waiting for the sign-off."""
    walk = Walk(world)
    walk.now = NOW - dt.timedelta(days=3)
    walk.join()
    walk.induction() if signed_off else _induction_unsigned(walk)
    deliver_pending(clock.now())  # into the inboxes before any snapshot, not between two


def _induction_unsigned(walk: Walk) -> None:
    from wellgate.pathway import services as pathway_services

    with walk.at():
        pathway_services.guidance_publish(
            by=viewer(walk.world.welfare_lead),
            title="Looking after yourself",
            text="Take breaks. Talk to someone. You can stop at any time.",
        )
    with walk.at():
        pathway_services.guidance_acknowledge(by=walk.me)
    walk.record(walk.sup, "briefing_given")
    with walk.at():
        pathway_services.mentor_assign(by=walk.sup, officer=walk.officer, mentor=walk.world.mentor)
    walk.record(walk.me, "readiness_declared", ready=True)


@pytest.fixture(params=["gate_complete", "gate_incomplete"])
def olive(request, world: World) -> World:  # type: ignore[no-untyped-def]
    _walk(world, signed_off=request.param == "gate_complete")
    return world


def private_critical_checkin(world: World) -> Flag:
    """A PHQ-9 with item 9 above 0, kept private: the check-in service raises the red flag."""
    checkin = make_checkin(world.officer, "phq9", summing_to("phq9", 17, phq9_9=2), shared=False)
    deliver_pending(clock.now())
    flag = Flag.objects.get(source="checkin", source_ref=f"checkin:{checkin.pk}")
    assert (flag.severity, flag.owner, checkin.shared_with_welfare_lead) == (
        "red",
        world.welfare_lead,
        False,
    )
    return flag


_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
# A new row's id: PostgreSQL does not give back a sequence value when the snapshot's
# transaction rolls back, so the second advance gets the next id whatever the check-in did.
_NEW_ID = re.compile(r'("id": ?)\d+')


def normalised(response: HttpResponse) -> str:
    body = _NEW_ID.sub(r"\1-", _TOKEN.sub(r"\1-\2", response.content.decode()))
    return f"{response.status_code}\n{body}"


Call = Callable[[Client, dict[str, str]], HttpResponse]


def bearer(world: World, role: str) -> dict[str, str]:
    _, secret = token_create(person=world.by_role(role), name="snapshot", scope="write", role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def snapshot(
    world: World, role: str, calls: dict[str, Call], api: dict[str, str]
) -> dict[str, str]:
    """Every call's answer, then everything they wrote undone (an advance, access log rows),
    so that the second snapshot starts from the same records."""
    me = world.by_role(role)
    with transaction.atomic():
        client = login(Client(), me, role)
        answers = {name: normalised(call(client, api)) for name, call in calls.items()}
        transaction.set_rollback(True)
    return answers


def officer_pages(world: World) -> dict[str, Call]:
    olive = world.officer.pk
    advance = {"type": "advanced"}
    return {
        "home": lambda c, api: c.get("/"),
        "team pathway": lambda c, api: c.get("/team/pathway/"),
        "officer pathway": lambda c, api: c.get(f"/people/{olive}/pathway/"),
        "officer timeline": lambda c, api: c.get(f"/people/{olive}/pathway/timeline/"),
        "api pathway": lambda c, api: c.get(f"/api/v1/people/{olive}/pathway", **api),
        "api events": lambda c, api: c.get(f"/api/v1/people/{olive}/pathway/events", **api),
        "api advance": lambda c, api: c.post(
            f"/api/v1/people/{olive}/pathway/events",
            advance,
            content_type="application/json",
            **api,
        ),
        "web advance": lambda c, api: c.post(
            f"/people/{olive}/pathway/decide/", {"action": "advanced"}, follow=True
        ),
        "inbox": lambda c, api: c.get("/inbox/"),
        "team support": lambda c, api: c.get("/support/team/"),
        "officer support": lambda c, api: c.get(f"/people/{olive}/support/"),
        "api flags": lambda c, api: c.get("/api/v1/flags?state=all", **api),
        "team exposure": lambda c, api: c.get("/team/exposure/"),
    }


@pytest.mark.parametrize("role", WATCHERS)
def test_a_private_critical_check_in_changes_nothing_the_supervisor_or_mentor_sees(
    olive: World, role: str
):
    world = olive
    api = bearer(world, role)
    before = snapshot(world, role, officer_pages(world), api)
    private_critical_checkin(world)
    after = snapshot(world, role, officer_pages(world), api)
    assert before.keys() == after.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [], changed
    # The pages were real pages, not refusals that would trivially be equal.
    assert before["team pathway"].startswith("200") and before["api pathway"].startswith("200")
    assert "Olive Officer" in before["home"] and "Ada Able" in before["home"]


def test_the_supervisor_advances_by_the_same_gate_they_see(olive: World):
    world = olive
    private_critical_checkin(world)
    st = pathway_queries.state(world.officer)
    assert "gate.open_flags" not in [r.code for r in st.unmet]
    as_supervisor = login(Client(), world.supervisor, Role.SUPERVISOR)
    team = as_supervisor.get("/team/pathway/").content.decode()
    if st.gate_complete:
        assert "5 of 5 met" in team and "ready to move on" in team
        home = as_supervisor.get("/").content.decode()
        assert home.index("Olive Officer") < home.index("Ada Able")  # needs attention first
        event = services_advance(world)
        assert event.type == "advanced"
    else:
        assert "4 of 5 met" in team


def services_advance(world: World) -> PathwayEvent:
    from wellgate.pathway.services import advance

    return advance(by=viewer(world.supervisor, Role.SUPERVISOR), officer=world.officer)


@pytest.mark.parametrize("role", WATCHERS)
def test_no_page_or_api_read_about_the_officer_changes_with_a_private_check_in(
    world: World, role: str
):
    """Every page and API read the role may open, about the officer and their own."""
    _walk(world, signed_off=True)
    me = world.by_role(role)
    extra = param_values(world, me)
    api = bearer(world, role)
    deliver_pending(clock.now())
    calls: dict[str, Call] = {}
    for route in web_routes() + api_routes():
        if route.action == "public" or route.method != "GET":
            continue
        subjects = [world.officer, me] if route.subject else [me]
        for subject in subjects:
            url = url_for(route, subject.pk, extra)
            is_api = route.kind == "api"
            calls[url] = (lambda u, a: lambda c, h: c.get(u, **(h if a else {})))(url, is_api)
    before = snapshot(world, role, calls, api)
    private_critical_checkin(world)
    after = snapshot(world, role, calls, api)
    opened = [url for url, answer in before.items() if answer.startswith("200")]
    assert len(opened) > 10
    changed = [url for url in before if before[url] != after[url]]
    assert changed == [], changed


# --- The welfare lead's hold ----------------------------------------------------------------


def hold(world: World, flag: Flag, holds: bool = True) -> Flag:
    return services.flag_hold_set(by=viewer(world.welfare_lead), flag=flag, holds=holds)


def test_the_welfare_lead_holds_the_pathway_and_everyone_sees_only_a_neutral_requirement(
    world: World,
):
    _walk(world, signed_off=True)
    flag = private_critical_checkin(world)
    assert pathway_queries.state(world.officer).gate_complete  # a private flag alone: no
    hold(world, flag)
    for role in ("officer", "supervisor", "mentor", "welfare_lead"):
        me = world.by_role(role)
        client = login(Client(), me, role)
        _, secret = token_create(person=me, name="t", scope="read", role=role)
        api = client.get(
            f"/api/v1/people/{world.officer.pk}/pathway",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        ).json()
        assert api["gate_complete"] is False, role
        assert api["unmet"] == [{"code": "gate.welfare_hold", "message": HOLD_SENTENCE}], role
        page = client.get(f"/people/{world.officer.pk}/pathway/").content.decode()
        assert "Nothing the welfare lead is following up" in page and HOLD_SENTENCE in page
        if role in WATCHERS:
            assert "check-in" not in page.lower() and "checkin" not in page.lower(), role
            assert "check-in" not in str(api).lower(), role
    as_supervisor = login(Client(), world.supervisor, Role.SUPERVISOR)
    assert "5 of 6 met" in as_supervisor.get("/team/pathway/").content.decode()
    _, secret = token_create(person=world.supervisor, name="t", scope="write", role="supervisor")
    refused = as_supervisor.post(
        f"/api/v1/people/{world.officer.pk}/pathway/events",
        {"type": "advanced"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert refused.status_code == 422
    assert [d["code"] for d in refused.json()["detail"]] == [
        "advance.gate_incomplete",
        "gate.welfare_hold",
    ]
    assert "check-in" not in refused.content.decode().lower()


def test_releasing_or_closing_the_flag_ends_the_hold(world: World):
    _walk(world, signed_off=True)
    flag = private_critical_checkin(world)
    hold(world, flag)
    assert not pathway_queries.state(world.officer).gate_complete
    hold(world, flag, holds=False)
    assert pathway_queries.state(world.officer).gate_complete
    hold(world, flag)
    services.flag_close(by=viewer(world.welfare_lead), flag=flag, note="Spoke; referred.")
    assert pathway_queries.state(world.officer).gate_complete
    assert list(FlagEvent.objects.filter(flag=flag).values_list("type", flat=True)) == [
        "opened",
        "hold",
        "hold_released",
        "hold",
        "closed",
    ]


def test_only_the_welfare_lead_holds_a_pathway_and_only_on_an_open_flag(world: World):
    flag = private_critical_checkin(world)
    for role in ("supervisor", "officer"):
        with pytest.raises(Refused) as exc:
            services.flag_hold_set(by=viewer(world.by_role(role), role), flag=flag, holds=True)
        assert (exc.value.codes, exc.value.status) == (["access.denied"], 403)
    with pytest.raises(Refused) as exc:
        services.flag_hold_set(by=viewer(world.foreign_welfare_lead), flag=flag, holds=True)
    assert exc.value.codes == ["access.denied"]
    services.flag_close(by=viewer(world.welfare_lead), flag=flag, note="Done.")
    with pytest.raises(Refused) as exc:
        hold(world, flag)
    assert exc.value.codes == ["flag.closed"]
    assert not Flag.objects.get(pk=flag.pk).holds_pathway


def test_the_welfare_lead_holds_from_the_flag_page_and_the_api(world: World):
    flag = private_critical_checkin(world)
    client = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)
    page = client.get(f"/flags/{flag.pk}/").content.decode()
    assert "does not stop Olive Officer moving to the next stage" in page
    response = client.post(f"/flags/{flag.pk}/", {"hold": "yes"}, follow=True)
    html = response.content.decode()
    assert "Release the hold" in html and "Holds the pathway" in html
    assert Flag.objects.get(pk=flag.pk).holds_pathway
    _, secret = token_create(
        person=world.welfare_lead, name="t", scope="write", role="welfare_lead"
    )
    released = client.post(
        f"/api/v1/flags/{flag.pk}/hold",
        {"holds_pathway": False},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert released.status_code == 200 and released.json()["holds_pathway"] is False
    # The supervisor cannot find the flag at all, on the page or through the API.
    as_supervisor = login(Client(), world.supervisor, Role.SUPERVISOR)
    assert as_supervisor.post(f"/flags/{flag.pk}/", {"hold": "yes"}).status_code == 404
    _, secret = token_create(person=world.supervisor, name="t", scope="write", role="supervisor")
    assert (
        as_supervisor.post(
            f"/api/v1/flags/{flag.pk}/hold",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        ).status_code
        == 403
    )


def test_a_flag_anyone_may_see_still_blocks_the_gate_by_itself(world: World):
    from tests.factories import make_flag

    _walk(world, signed_off=True)
    make_flag(world.officer, owner=world.supervisor)
    st = pathway_queries.state(world.officer)
    assert [r.code for r in st.unmet] == ["gate.open_flags"]
