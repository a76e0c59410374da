"""The flag page: its history, taking it over, notes, and closing it with a note."""

from __future__ import annotations

from django.test import Client

from tests.factories import World, login, make_flag
from wellgate.flags.models import Flag
from wellgate.people.models import AccessLogEntry, Role


def test_a_supervisor_sees_a_reports_flag_and_how_to_close_it(world: World, client: Client):
    flag = make_flag(world.officer, owner=world.supervisor)
    login(client, world.supervisor, Role.SUPERVISOR)
    page = client.get(f"/flags/{flag.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Record the 1:1 that closes it" in html and "Close with this note" not in html
    assert AccessLogEntry.objects.filter(subject=world.officer, what="flag").exists()
    login(client, world.other_supervisor, Role.SUPERVISOR)
    assert client.get(f"/flags/{flag.pk}/").status_code == 404


def test_the_welfare_lead_takes_a_flag_over_and_closes_it_with_a_note(world: World, client: Client):
    flag = make_flag(world.officer, owner=world.supervisor)
    login(client, world.welfare_lead, Role.WELFARE_LEAD)
    assert client.post(f"/flags/{flag.pk}/take-over/").status_code == 302
    empty = client.post(f"/flags/{flag.pk}/close/", {"close-note": ""})
    assert empty.status_code == 400
    assert "There is a problem" in empty.content.decode()
    assert Flag.objects.get(pk=flag.pk).state == "open"
    done = client.post(f"/flags/{flag.pk}/close/", {"close-note": "Referred to the provider."})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert (flag.state, flag.owner) == ("closed", world.welfare_lead)
    html = client.get(f"/flags/{flag.pk}/").content.decode()
    assert "Taken over: from Sid Supervisor to Wyn Welfare" in html
    assert "Referred to the provider." in html


def test_a_note_is_added_from_the_page_and_an_empty_one_is_explained(world: World, client: Client):
    flag = make_flag(world.officer, owner=world.supervisor)
    login(client, world.supervisor, Role.SUPERVISOR)
    assert client.post(f"/flags/{flag.pk}/note/", {"add-note": ""}).status_code == 400
    assert client.post(f"/flags/{flag.pk}/note/", {"add-note": "Spoke today."}).status_code == 302
    assert flag.events.filter(type="note").count() == 1
