"""Cases belong to a team (DESIGN.md §5): a supervisor sees, assigns and closes only their own
team's cases, another team's answers 404 on the web and the API, and a case the welfare lead
shares with every team still shows each supervisor only their own team's officers on it."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.test import Client

from tests.exposure.helpers import at, item, make_case, make_package, vics_bytes, walk_to
from tests.factories import World, login, make_person, supervise, viewer
from wellgate.errors import Refused
from wellgate.exposure import services
from wellgate.exposure.models import Case, CaseImport, WorkPackageAssignment
from wellgate.people.models import Role
from wellgate.people.services import token_create
from wellgate.support.models import Obligation


def sup(world: World):  # type: ignore[no-untyped-def]
    return viewer(world.supervisor, Role.SUPERVISOR)


def other_sup(world: World):  # type: ignore[no-untyped-def]
    return viewer(world.other_supervisor, Role.SUPERVISOR)


def bearer(person, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, secret = token_create(person=person, name="t", scope="write", role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assigned(package, officer) -> WorkPackageAssignment:  # type: ignore[no-untyped-def]
    """An assignment stored directly (the service's own checks have their tests)."""
    from wellgate import clock

    return WorkPackageAssignment.objects.create(
        package=package, officer=officer, assigned_at=clock.now()
    )


@pytest.fixture
def bravo(world: World) -> Case:
    """Team Bravo's case, its Category C package held by Bravo's Otto."""
    case = make_case(world.force, ref="BRAVO-1", team=world.other_team)
    assigned(make_package(case, "C"), world.other_officer)
    return case


# --- Another team's case is not found ---------------------------------------------------------


def test_a_supervisor_lists_only_their_own_teams_cases(world: World, bravo: Case):
    alpha = make_case(world.force, ref="ALPHA-1")
    mine = login(Client(), world.supervisor, Role.SUPERVISOR).get("/cases/").content.decode()
    assert "ALPHA-1" in mine and "BRAVO-1" not in mine
    theirs = login(Client(), world.other_supervisor, Role.SUPERVISOR).get("/cases/")
    assert "BRAVO-1" in theirs.content.decode() and "ALPHA-1" not in theirs.content.decode()
    everyone = login(Client(), world.welfare_lead, Role.WELFARE_LEAD).get("/cases/")
    assert "ALPHA-1" in everyone.content.decode() and "BRAVO-1" in everyone.content.decode()
    assert alpha.team == world.team


def test_another_teams_case_answers_404_on_every_page_and_leaves_it_untouched(
    world: World, bravo: Case
):
    client = login(Client(), world.supervisor, Role.SUPERVISOR)
    package = bravo.packages.get()
    for method, url, data in (
        ("get", f"/cases/{bravo.pk}/", None),
        ("post", f"/cases/{bravo.pk}/", {"shared": "yes"}),
        ("post", f"/cases/{bravo.pk}/close/", {}),
        ("post", f"/cases/{bravo.pk}/packages/new/", {"category": "B"}),
        ("get", f"/work-packages/{package.pk}/assign/", None),
        ("post", f"/work-packages/{package.pk}/assign/", {"officer": world.officer.pk}),
    ):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, url
        assert "Otto Other" not in response.content.decode()
    bravo.refresh_from_db()
    assert bravo.is_open and not bravo.shared and bravo.packages.count() == 1
    assert not Obligation.objects.filter(kind="debrief").exists()
    assert list(WorkPackageAssignment.objects.values_list("officer", flat=True)) == [
        world.other_officer.pk
    ]


def test_another_teams_case_answers_404_through_the_api(world: World, bravo: Case, client: Client):
    headers = bearer(world.supervisor, Role.SUPERVISOR)
    package = bravo.packages.get()
    assert client.get(f"/api/v1/cases/{bravo.pk}", **headers).status_code == 404
    for url, body in (
        ("/api/v1/work-packages", {"case_id": bravo.pk, "category": "B"}),
        (f"/api/v1/work-packages/{package.pk}/assign", {"officer_id": world.officer.pk}),
    ):
        response = client.post(url, body, content_type="application/json", **headers)
        assert response.status_code == 404, url
        assert response.json()["detail"][0]["code"] == "not_found"
    assert bravo.packages.count() == 1 and WorkPackageAssignment.objects.count() == 1


def test_the_services_refuse_another_teams_case_as_not_found(world: World, bravo: Case):
    for call, kwargs in (
        (services.case_close, {"case": bravo}),
        (services.work_package_create, {"case": bravo, "category": "B"}),
        (services.work_package_assign, {"package": bravo.packages.get(), "officer": world.officer}),
    ):
        with pytest.raises(Refused) as caught:
            call(by=sup(world), **kwargs)  # type: ignore[operator]
        assert caught.value.status == 404, call
    bravo.refresh_from_db()
    assert bravo.is_open


def test_a_package_goes_only_to_an_officer_the_supervisor_supervises(world: World):
    walk_to(world, "cat_c")
    package = make_package(make_case(world.force), "C")
    with pytest.raises(Refused) as caught:
        services.work_package_assign(by=sup(world), package=package, officer=world.other_officer)
    assert (caught.value.status, caught.value.codes) == (404, ["not_found"])
    teammate = make_person(world.force, Role.OFFICER, world.team, "Tam Teammate")
    supervise(teammate, world.other_supervisor)  # in Alpha, but someone else's report
    with pytest.raises(Refused) as caught:
        services.work_package_assign(by=sup(world), package=package, officer=teammate)
    assert caught.value.status == 404
    services.work_package_assign(by=sup(world), package=package, officer=world.officer)
    assert list(WorkPackageAssignment.objects.values_list("officer", flat=True)) == [
        world.officer.pk
    ]


# --- A shared case ----------------------------------------------------------------------------


def share(world: World, case: Case) -> None:
    client = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)
    response = client.post(f"/cases/{case.pk}/", {"shared": "yes"}, follow=True)
    assert "is shared with every team" in response.content.decode()


def test_a_shared_case_shows_each_supervisor_only_their_own_teams_officers(
    world: World, bravo: Case, client: Client
):
    walk_to(world, "cat_c")
    share(world, bravo)
    package = bravo.packages.get()
    services.work_package_assign(by=sup(world), package=package, officer=world.officer)

    mine = login(Client(), world.supervisor, Role.SUPERVISOR)
    page = mine.get(f"/cases/{bravo.pk}/").content.decode()
    assert "Olive Officer" in page and "Otto Other" not in page
    assert "Close the case" not in page  # Bravo's case: Bravo's supervisors close it
    form = mine.get(f"/work-packages/{package.pk}/assign/").content.decode()
    assert "Olive Officer" in form and "Otto Other" not in form
    api = client.get(f"/api/v1/cases/{bravo.pk}", **bearer(world.supervisor, Role.SUPERVISOR))
    assert api.json()["packages"][0]["assigned_to"] == [world.officer.pk]
    assert api.json()["shared"] is True and api.json()["team_id"] == world.other_team.pk

    theirs = login(Client(), world.other_supervisor, Role.SUPERVISOR)
    page = theirs.get(f"/cases/{bravo.pk}/").content.decode()
    assert "Otto Other" in page and "Olive Officer" not in page
    lead = login(Client(), world.welfare_lead, Role.WELFARE_LEAD)
    page = lead.get(f"/cases/{bravo.pk}/").content.decode()
    assert "Otto Other" in page and "Olive Officer" in page


def test_a_shared_case_is_closed_only_by_its_own_team_or_the_welfare_lead(
    world: World, bravo: Case
):
    walk_to(world, "cat_c")
    share(world, bravo)
    services.work_package_assign(by=sup(world), package=bravo.packages.get(), officer=world.officer)
    with pytest.raises(Refused) as caught:
        services.case_close(by=sup(world), case=bravo)
    assert (caught.value.status, caught.value.codes) == (403, ["case.other_team"])
    response = login(Client(), world.other_supervisor, Role.SUPERVISOR).post(
        f"/cases/{bravo.pk}/close/", follow=True
    )
    html = response.content.decode()
    # Bravo's supervisor hears of their own officer only, however many others worked on it.
    assert "due for 1 officer of your team" in html and "Olive Officer" not in html
    assert "Officers of other teams who worked on it get a debrief too" in html
    debriefs = Obligation.objects.filter(kind="debrief").values_list("officer", flat=True)
    assert sorted(debriefs) == sorted([world.officer.pk, world.other_officer.pk])


def test_only_the_welfare_lead_shares_a_case(world: World, client: Client):
    alpha = make_case(world.force)
    with pytest.raises(Refused) as caught:
        services.case_share(by=sup(world), case=alpha, shared=True)
    assert caught.value.status == 403
    page = login(Client(), world.supervisor, Role.SUPERVISOR).post(
        f"/cases/{alpha.pk}/", {"shared": "yes"}, follow=True
    )
    assert "Only the welfare lead shares a case" in page.content.decode()
    shared = client.post(
        f"/api/v1/cases/{alpha.pk}/share",
        {"shared": True},
        content_type="application/json",
        **bearer(world.welfare_lead, Role.WELFARE_LEAD),
    )
    assert shared.status_code == 200 and shared.json()["shared"] is True
    alpha.refresh_from_db()
    assert alpha.shared and alpha.shared_by == world.welfare_lead
    services.case_share(by=viewer(world.welfare_lead), case=alpha, shared=False)
    alpha.refresh_from_db()
    assert not alpha.shared and alpha.shared_by is None


# --- Imports ----------------------------------------------------------------------------------


def test_an_imported_case_belongs_to_the_importing_supervisors_team(world: World):
    outcome = services.case_import(
        by=sup(world), force=world.force, stream=io.BytesIO(vics_bytes([item(1)], "OP-9"))
    )
    assert outcome.case.team == world.team
    lead = services.case_import(
        by=viewer(world.welfare_lead),
        force=world.force,
        stream=io.BytesIO(vics_bytes([item(1)], "OP-10")),
        team=world.other_team,
    )
    assert lead.case.team == world.other_team
    force_case = services.case_import(
        by=viewer(world.welfare_lead),
        force=world.force,
        stream=io.BytesIO(vics_bytes([item(1)], "OP-11")),
    )
    assert force_case.case.team is None
    page = login(Client(), world.supervisor, Role.SUPERVISOR).get("/cases/").content.decode()
    assert "OP-9" in page and "OP-10" not in page and "OP-11" not in page


def test_an_import_never_changes_another_teams_case(world: World):
    first = services.case_import(
        by=sup(world), force=world.force, stream=io.BytesIO(vics_bytes([item(1)], "OP-9"))
    ).case
    for data in (vics_bytes([item(1)], "OP-9"), vics_bytes([item(1), item(1)], "OP-9")):
        with pytest.raises(Refused) as caught:
            services.case_import(by=other_sup(world), force=world.force, stream=io.BytesIO(data))
        assert (caught.value.status, caught.value.codes) == (409, ["case.other_team"])
    first.refresh_from_db()
    assert first.total_items == 1 and CaseImport.objects.count() == 1


def test_the_officers_log_form_offers_only_their_teams_cases(world: World, bravo: Case):
    walk_to(world, "cat_c")
    make_case(world.force, ref="ALPHA-1")
    client = login(Client(), world.officer, Role.OFFICER)
    form = client.get(f"/people/{world.officer.pk}/exposure/log/").content.decode()
    assert "ALPHA-1" in form and "BRAVO-1" not in form
    with pytest.raises(Refused) as caught:
        services.session_record(
            by=viewer(world.officer),
            entry=services.SessionInput(
                officer=world.officer,
                started_at=at(9, 10),
                ended_at=at(9, 10, 30),
                max_category="C",
                media=["image"],
                mentor_present=True,
                case=bravo,
            ),
        )
    assert caught.value.status == 404


def test_existing_cases_take_the_team_their_importer_supervised(world: World):
    mine = make_case(world.force, ref="OLD-1", team=None)
    Case.objects.filter(pk=mine.pk).update(imported_by=world.other_supervisor)
    by_lead = make_case(world.force, ref="OLD-2", team=None)
    Case.objects.filter(pk=by_lead.pk).update(imported_by=world.welfare_lead)
    migration = importlib.import_module("wellgate.exposure.migrations.0002_case_team")
    migration.backfill_team(apps, None)
    assert Case.objects.get(pk=mine.pk).team == world.other_team
    assert Case.objects.get(pk=by_lead.pk).team is None  # the force's own, until shared
