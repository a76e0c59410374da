from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import World, login, viewer
from wellgate.people.models import AccessLogEntry, AppendOnlyError, Role
from wellgate.people.services import access_log_record


def test_reading_someone_elses_welfare_record_is_logged_with_who_role_and_what(
    world: World, client: Client
):
    login(client, world.welfare_lead)
    response = client.get(f"/people/{world.officer.pk}/access-log/")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(subject=world.officer)
    assert (entry.viewer, entry.viewer_role, entry.what) == (
        world.welfare_lead,
        Role.WELFARE_LEAD,
        "access log",
    )


def test_reading_your_own_record_is_not_logged(world: World, client: Client):
    login(client, world.officer)
    client.get(f"/people/{world.officer.pk}/access-log/")
    assert not AccessLogEntry.objects.exists()


def test_the_officer_sees_every_access_by_someone_else(world: World, client: Client):
    access_log_record(viewer=viewer(world.supervisor), subject=world.officer, what="pathway.view")
    access_log_record(
        viewer=viewer(world.welfare_lead), subject=world.officer, what="obligations.view"
    )
    access_log_record(
        viewer=viewer(world.welfare_lead), subject=world.other_officer, what="pathway.view"
    )
    login(client, world.officer)
    page = client.get(f"/people/{world.officer.pk}/access-log/").content.decode()
    assert "Sid Supervisor" in page and "Wyn Welfare" in page and "Supervisor" in page
    assert page.count("<tr>") == 3  # header and two entries: not the other officer's


def test_the_welfare_lead_sees_the_force_log_but_not_another_forces(world: World, client: Client):
    access_log_record(viewer=viewer(world.supervisor), subject=world.officer, what="pathway.view")
    access_log_record(
        viewer=viewer(world.foreign_welfare_lead),
        subject=world.foreign_officer,
        what="pathway.view",
    )
    login(client, world.welfare_lead)
    page = client.get("/welfare/access-log/").content.decode()
    assert "Olive Officer" in page and "Fen Foreign" not in page


def test_an_access_log_entry_cannot_be_changed_or_deleted(world: World):
    access_log_record(viewer=viewer(world.supervisor), subject=world.officer, what="pathway.view")
    entry = AccessLogEntry.objects.get()
    entry.what = "nothing"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLogEntry.objects.get().what == "pathway.view"


def test_an_advance_refused_through_the_api_is_logged_because_it_names_the_unmet_gate(
    world: World, client: Client
):
    from tests.pathway.test_pathway_api import bearer
    from wellgate import clock
    from wellgate.pathway.services import ensure_joined

    ensure_joined(officer=world.officer, joined_at=clock.now())
    response = client.post(
        f"/api/v1/people/{world.officer.pk}/pathway/events",
        {"type": "advanced"},
        content_type="application/json",
        **bearer(world.supervisor, Role.SUPERVISOR),
    )
    assert response.status_code == 422 and "gate.readiness" in response.content.decode()
    entry = AccessLogEntry.objects.get(subject=world.officer)
    assert (entry.viewer, entry.what) == (world.supervisor, "api pathway.view")


def test_a_refused_sign_off_form_is_logged_because_it_shows_the_gate(world: World, client: Client):
    from wellgate import clock
    from wellgate.pathway.services import ensure_joined

    ensure_joined(officer=world.officer, joined_at=clock.now())
    login(client, world.supervisor, Role.SUPERVISOR)
    response = client.post(f"/people/{world.officer.pk}/pathway/decide/", {"type": "advanced"})
    assert response.status_code < 500
    assert AccessLogEntry.objects.filter(
        subject=world.officer, viewer=world.supervisor, what="pathway.decide"
    ).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/team/pathway/",
        "/people/{id}/pathway/decide/",
        "/people/{id}/pathway/record/",
        "/people/{id}/support/meeting/",
    ],
)
def test_pages_showing_a_reports_pathway_or_support_are_logged(
    world: World, client: Client, url: str
):
    from wellgate import clock
    from wellgate.pathway.services import ensure_joined

    ensure_joined(officer=world.officer, joined_at=clock.now())
    login(client, world.supervisor, Role.SUPERVISOR)
    assert client.get(url.format(id=world.officer.pk)).status_code == 200
    assert AccessLogEntry.objects.filter(subject=world.officer, viewer=world.supervisor).exists()


def test_a_write_that_redirects_is_not_logged_again_only_the_page_it_leads_to(
    world: World, client: Client
):
    from wellgate import clock
    from wellgate.pathway.services import ensure_joined

    ensure_joined(officer=world.officer, joined_at=clock.now())
    login(client, world.supervisor, Role.SUPERVISOR)
    response = client.post(
        f"/people/{world.officer.pk}/pathway/record/",
        {"type": "briefing_given", "occurred_at": "", "note": ""},
    )
    assert response.status_code == 302
    assert not AccessLogEntry.objects.filter(subject=world.officer).exists()
    client.get(response["Location"])
    assert (
        AccessLogEntry.objects.filter(subject=world.officer, viewer=world.supervisor).count() == 1
    )
