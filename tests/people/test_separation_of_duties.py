"""Findings of the black-box test: an administrator reads no welfare content, by any route.

DESIGN.md §2: the administrator "reads no welfare content, grants itself nothing"; the
platform operator creates forces and holds no role in any force. §1: a grant needs a second
person. §3: every read of a welfare record is logged, so the officer can see who looked.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD, World, grant, login, make_checkin, viewer
from tests.routes import api_routes, web_routes
from wellgate.errors import Refused
from wellgate.people import services
from wellgate.people.models import (
    AccessLogEntry,
    Person,
    Role,
    RoleGrant,
    RoleRequest,
    RoleRequestState,
)


def admin(world: World):
    return viewer(world.administrator, Role.ADMINISTRATOR)


def holds(person: Person, role: str) -> bool:
    return RoleGrant.objects.current().filter(person=person, role=role).exists()


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


# Roles ----------------------------------------------------------------------------------


def test_an_administrator_cannot_grant_themself_the_welfare_lead_role(world: World):
    with pytest.raises(Refused) as exc:
        services.role_grant(
            by=admin(world), person=world.administrator, role=Role.WELFARE_LEAD, team=None
        )
    assert exc.value.codes == ["role.self_grant"]
    assert not holds(world.administrator, Role.WELFARE_LEAD)
    assert not RoleRequest.objects.exists()


def test_nobody_grants_themself_any_role_not_even_an_officer_role(world: World):
    with pytest.raises(Refused) as exc:
        services.role_grant(
            by=admin(world), person=world.administrator, role=Role.OFFICER, team=world.team
        )
    assert exc.value.codes == ["role.self_grant"]


def test_an_administrator_cannot_appoint_themself_an_officers_supervisor(world: World):
    # Even holding the supervisor role (given by somebody else), they may not appoint themself.
    grant(world.administrator, Role.SUPERVISOR, world.team)
    with pytest.raises(Refused) as exc:
        services.supervisor_set(
            by=viewer(world.administrator, Role.ADMINISTRATOR),
            officer=world.officer,
            supervisor=world.administrator,
        )
    assert exc.value.codes == ["line.self_appoint"]
    from wellgate.people.queries import current_supervisor

    assert current_supervisor(world.officer) == world.supervisor


def test_an_administrator_cannot_appoint_themself_an_officers_mentor(world: World):
    grant(world.administrator, Role.MENTOR, world.team)
    with pytest.raises(Refused) as exc:
        services.mentor_set(
            by=viewer(world.administrator, Role.ADMINISTRATOR),
            officer=world.officer,
            mentor=world.administrator,
        )
    assert exc.value.codes == ["mentor.self_appoint"]


def test_a_supervisor_who_also_mentors_cannot_appoint_themself_their_reports_mentor(
    world: World,
):
    grant(world.supervisor, Role.MENTOR, world.team)
    with pytest.raises(Refused) as exc:
        services.mentor_set(
            by=viewer(world.supervisor, Role.SUPERVISOR),
            officer=world.officer,
            mentor=world.supervisor,
        )
    assert exc.value.codes == ["mentor.self_appoint"]


def test_the_manage_page_does_not_offer_the_administrator_as_supervisor_or_mentor(
    world: World, client: Client
):
    grant(world.administrator, Role.SUPERVISOR, world.team)
    login(client, world.administrator, Role.ADMINISTRATOR)
    page = client.get(f"/manage/people/{world.officer.pk}/").content.decode()
    choices = re.search(r'<select name="sup-person".*?</select>', page, re.S)
    assert choices is not None
    assert f'value="{world.administrator.pk}"' not in choices.group(0)
    assert f'value="{world.supervisor.pk}"' in choices.group(0)


@pytest.mark.parametrize(
    "role",
    [Role.WELFARE_LEAD, Role.SUPERVISOR, Role.MENTOR, Role.SENIOR_LEADER, Role.ADMINISTRATOR],
)
def test_a_grant_that_reads_welfare_content_waits_for_a_second_person(world: World, role: str):
    team = world.team if role in (Role.SUPERVISOR, Role.MENTOR) else None
    pending = services.role_grant(by=admin(world), person=world.other_officer, role=role, team=team)
    assert isinstance(pending, RoleRequest) and pending.state == RoleRequestState.PENDING
    assert not holds(world.other_officer, role)

    # The one who asked cannot approve; the grantee cannot approve (were they able to).
    with pytest.raises(Refused) as exc:
        services.role_request_approve(by=admin(world), request=pending)
    assert exc.value.codes == ["role_request.own"]
    with pytest.raises(Refused) as exc:
        services.role_request_approve(by=viewer(world.other_officer), request=pending)
    assert exc.value.codes == ["access.denied"]
    assert not holds(world.other_officer, role)

    grant_ = services.role_request_approve(by=viewer(world.welfare_lead), request=pending)
    assert holds(world.other_officer, role) and grant_.granted_by == world.administrator
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by, pending.grant) == (
        RoleRequestState.APPROVED,
        world.welfare_lead,
        grant_,
    )
    with pytest.raises(Refused) as exc:
        services.role_request_approve(by=viewer(world.senior_leader), request=pending)
    assert exc.value.codes == ["role_request.decided"]


def test_an_officer_role_is_granted_at_once(world: World):
    granted = services.role_grant(
        by=admin(world), person=world.supervisor, role=Role.OFFICER, team=world.team
    )
    assert isinstance(granted, RoleGrant) and holds(world.supervisor, Role.OFFICER)


def test_the_grantee_never_approves_their_own_grant(world: World):
    pending = services.role_grant(
        by=admin(world), person=world.senior_leader, role=Role.WELFARE_LEAD, team=None
    )
    with pytest.raises(Refused) as exc:
        services.role_request_approve(by=viewer(world.senior_leader), request=pending)
    assert exc.value.codes == ["role_request.grantee"]
    assert not holds(world.senior_leader, Role.WELFARE_LEAD)


def test_a_second_administrator_may_approve_and_the_first_may_withdraw(world: World):
    from tests.factories import make_person

    second = make_person(world.force, Role.ADMINISTRATOR, name="Second Admin")
    first_request = services.role_grant(
        by=admin(world), person=world.other_officer, role=Role.MENTOR, team=world.other_team
    )
    services.role_request_approve(by=viewer(second), request=first_request)
    assert holds(world.other_officer, Role.MENTOR)
    withdrawn = services.role_request_decline(
        by=admin(world),
        request=services.role_grant(
            by=admin(world), person=world.other_officer, role=Role.WELFARE_LEAD, team=None
        ),
    )
    assert withdrawn.state == RoleRequestState.WITHDRAWN
    assert not holds(world.other_officer, Role.WELFARE_LEAD)


def test_a_new_account_with_a_welfare_role_holds_no_role_until_approved(world: World):
    created = services.person_create(
        by=admin(world),
        email="wl2@example.test",
        full_name="Second Welfare",
        role=Role.WELFARE_LEAD,
        team=None,
    )
    assert created.role_request is not None
    assert not RoleGrant.objects.filter(person=created.person).exists()


def test_the_created_page_says_the_first_role_waits(world: World, client: Client):
    login(client, world.administrator)
    response = client.post(
        "/manage/people/new/",
        {"full_name": "New Lead", "email": "lead@example.test", "role": "welfare_lead", "team": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "waits for a second person" in page
    assert "It works once" in page


def test_the_approval_pages_let_a_second_person_approve(world: World):
    admin_client = login(Client(), world.administrator)
    response = admin_client.post(
        f"/manage/people/{world.other_officer.pk}/",
        {"action": "grant", "role": Role.WELFARE_LEAD, "team": ""},
        follow=True,
    )
    assert "waits for a second person" in response.content.decode()
    assert not holds(world.other_officer, Role.WELFARE_LEAD)
    pending = RoleRequest.objects.get(person=world.other_officer)
    listing = admin_client.get("/role-requests/").content.decode()
    assert "Otto Other" in listing and "Waiting for a second person" in listing
    admin_client.post(f"/role-requests/{pending.pk}/decide/", {"decision": "approve"})
    assert not holds(world.other_officer, Role.WELFARE_LEAD)

    assert login(Client(), world.officer).get("/role-requests/").status_code == 403
    welfare = login(Client(), world.welfare_lead)
    assert "1 role grant waits" in welfare.get("/").content.decode()
    response = welfare.post(
        f"/role-requests/{pending.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "Approved" in response.content.decode()
    assert holds(world.other_officer, Role.WELFARE_LEAD)


def test_another_forces_request_is_not_found(world: World):
    pending = services.role_grant(
        by=admin(world), person=world.other_officer, role=Role.MENTOR, team=world.other_team
    )
    foreign = login(Client(), world.foreign_welfare_lead)
    response = foreign.post(f"/role-requests/{pending.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    assert not holds(world.other_officer, Role.MENTOR)


def test_the_platform_operator_approves_from_the_command_line(world: World):
    from io import StringIO

    from django.core.management import call_command

    pending = services.role_grant(
        by=admin(world), person=world.other_officer, role=Role.MENTOR, team=world.other_team
    )
    out = StringIO()
    call_command("role_requests", stdout=out)
    assert f"{pending.pk}\t" in out.getvalue()
    call_command("role_requests", "approve", str(pending.pk), stdout=out)
    assert holds(world.other_officer, Role.MENTOR)


# E-mail changes ---------------------------------------------------------------------------

NEW = "someone.else@example.test"


def _change_email(world: World, capture, email: str = NEW) -> str:
    old = world.officer.email
    with capture(execute=True):
        services.person_update(
            by=admin(world),
            person=world.officer,
            full_name=world.officer.full_name,
            email=email,
            is_active=True,
        )
    return old


def _confirm_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_an_email_change_tells_both_addresses_and_waits_for_confirmation(
    world: World, django_capture_on_commit_callbacks
):
    old = _change_email(world, django_capture_on_commit_callbacks)
    world.officer.refresh_from_db()
    assert world.officer.email == old  # still the sign-in address
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {old, NEW}
    assert NEW in by_address[old].body and "administrator" in by_address[old].body
    assert "/accounts/confirm-email/" in by_address[NEW].body
    for message in mail.outbox:  # account mail names no welfare content
        assert "check-in" not in message.body.lower() and "PHQ" not in message.body


def test_an_unconfirmed_address_neither_signs_in_nor_receives_a_reset(
    world: World, client: Client, django_capture_on_commit_callbacks
):
    old = _change_email(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    cache.clear()
    assert sign_in(Client(), NEW).status_code == 200  # refused: the form is shown again
    client.post("/accounts/password/reset/", {"email": NEW})
    assert [m.to for m in mail.outbox] == []
    client.post("/accounts/password/reset/", {"email": old})
    assert [m.to for m in mail.outbox] == [[old]]
    assert sign_in(Client(), old).status_code == 302
    cache.clear()


def test_once_confirmed_the_new_address_replaces_the_old(
    world: World, client: Client, django_capture_on_commit_callbacks
):
    old = _change_email(world, django_capture_on_commit_callbacks)
    link = _confirm_link(next(m for m in mail.outbox if m.to == [NEW]))
    mail.outbox.clear()
    page = client.get(link)
    assert page.status_code == 200 and NEW in page.content.decode()
    world.officer.refresh_from_db()
    assert world.officer.email == old  # opening the link changes nothing; confirming does
    assert client.post(link).status_code in (200, 302)
    world.officer.refresh_from_db()
    assert world.officer.email == NEW
    # allauth tells the old address that the change is now made.
    assert [m.to for m in mail.outbox] == [[old]]
    cache.clear()
    assert sign_in(Client(), NEW).status_code == 302
    assert sign_in(Client(), old).status_code == 200
    cache.clear()


def test_saving_the_current_address_again_calls_a_pending_change_off(
    world: World, django_capture_on_commit_callbacks
):
    old = _change_email(world, django_capture_on_commit_callbacks)
    _change_email(world, django_capture_on_commit_callbacks, email=old)
    from wellgate.people.queries import pending_email

    assert pending_email(world.officer) == ""


def test_an_address_waiting_for_confirmation_cannot_be_given_to_someone_else(
    world: World, django_capture_on_commit_callbacks
):
    _change_email(world, django_capture_on_commit_callbacks)
    with pytest.raises(Refused) as exc:
        services.person_update(
            by=admin(world),
            person=world.other_officer,
            full_name="Otto Other",
            email=NEW,
            is_active=True,
        )
    assert exc.value.codes == ["person.email_taken"]


# Reads after an administrator-triggered reset ---------------------------------------------


def _reset_password(client: Client, email: str, password: str) -> None:
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": email})
    (message,) = mail.outbox
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body)
    assert match, message.body
    response = client.get(match.group(1), follow=True)
    client.post(response.request["PATH_INFO"], {"password1": password, "password2": password})


def test_reads_after_a_reset_to_an_address_the_administrator_set_show_in_the_officers_log(
    world: World, django_capture_on_commit_callbacks
):
    checkin = make_checkin(world.officer, "phq9")
    # The administrator points the officer's account at an address they control...
    _change_email(world, django_capture_on_commit_callbacks)
    attacker = Client()
    attacker.post(_confirm_link(next(m for m in mail.outbox if m.to == [NEW])))
    # ... resets the password through it and signs in as the officer.
    _reset_password(attacker, NEW, "the administrator's choice")
    cache.clear()
    assert sign_in(attacker, NEW, "the administrator's choice").status_code == 302
    assert attacker.get(f"/checkins/results/{checkin.pk}/").status_code == 200
    assert attacker.get(f"/people/{world.officer.pk}/checkins/").status_code == 200

    marked = AccessLogEntry.objects.filter(subject=world.officer, after_admin_reset=True)
    whats = set(marked.values_list("what", flat=True))
    assert {"session.signed_in", "checkins.self", "check-ins"} <= whats
    assert marked.filter(viewer=world.officer).count() == marked.count()

    # The officer sees it under "Who has looked at my record".
    world.officer.refresh_from_db()
    page = login(Client(), world.officer).get(f"/people/{world.officer.pk}/access-log/")
    text = page.content.decode()
    assert "after an administrator reset" in text and "Own check-ins" in text
    cache.clear()


def test_reads_in_the_session_of_a_one_time_password_are_logged_as_well(world: World):
    created = services.person_create(
        by=admin(world),
        email="fresh@example.test",
        full_name="Fresh Joiner",
        role=Role.OFFICER,
        team=world.team,
    )
    client = Client()
    assert sign_in(client, created.person.email, created.password).status_code == 302
    new = "a passphrase of my very own"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": created.password, "password1": new, "password2": new},
    )
    assert client.get(f"/people/{created.person.pk}/pathway/").status_code == 200
    whats = set(
        AccessLogEntry.objects.filter(subject=created.person, after_admin_reset=True).values_list(
            "what", flat=True
        )
    )
    assert {"session.signed_in", "pathway.view"} <= whats
    # A later sign-in with the person's own password is not marked: own reads are not logged.
    logged = AccessLogEntry.objects.filter(subject=created.person).count()
    later = Client()
    cache.clear()
    assert sign_in(later, created.person.email, new).status_code == 302
    assert later.get(f"/people/{created.person.pk}/pathway/").status_code == 200
    assert AccessLogEntry.objects.filter(subject=created.person).count() == logged
    cache.clear()


def test_own_reads_in_an_ordinary_session_are_still_not_logged(world: World):
    client = Client()
    assert sign_in(client, world.officer.email).status_code == 302
    client.get(f"/people/{world.officer.pk}/pathway/")
    client.get("/checkins/")
    assert not AccessLogEntry.objects.filter(subject=world.officer).exists()
    cache.clear()


# Tenants ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_role_of_any_force_lists_or_creates_forces(world: World, role: str):
    client = login(Client(), world.by_role(role), role)
    before = set(Person.objects.values_list("force_id", flat=True))
    assert client.get("/manage/forces/").status_code == 404
    response = client.post(
        "/manage/forces/",
        {"name": "Rogue Force", "admin_name": "R", "admin_email": "r@example.test"},
    )
    assert response.status_code == 404
    assert "Southshire" not in client.get("/").content.decode()
    assert set(Person.objects.values_list("force_id", flat=True)) == before


def test_another_forces_administrator_cannot_create_a_force_through_the_service(world: World):
    from tests.factories import make_person

    foreign_admin = make_person(world.other_force, Role.ADMINISTRATOR)
    with pytest.raises(Refused) as exc:
        services.force_create(
            name="Rogue Force",
            admin_email="r@example.test",
            admin_name="R",
            by=viewer(foreign_admin),
        )
    assert exc.value.codes == ["force.platform_only"]
    assert not Person.objects.filter(email="r@example.test").exists()


# Ids reveal nothing -------------------------------------------------------------------------

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _answer(client: Client, url: str, headers: dict[str, str], kind: str, method: str):
    if kind == "web":
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
    else:
        response = getattr(client, method.lower())(
            url, data="{}" if method != "GET" else None, content_type="application/json", **headers
        )
    # The per-response CSRF mask is random by design (BREACH) and says nothing about the id.
    return response.status_code, CSRF.sub(b"", response.content)


@pytest.mark.parametrize("role", ["officer", "supervisor", "welfare_lead", "administrator"])
def test_another_forces_a_missing_and_a_forged_id_answer_alike_on_every_person_route(
    world: World, role: str
):
    from tests.people.test_access_routes import EXPECTED_PERSON

    me = world.by_role(role)
    client = login(Client(), me, role)
    _, secret = services.token_create(person=me, name="ids", scope="write", role=role)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    missing = Person.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    routes = [r for r in web_routes() + api_routes() if r.subject is not None]
    assert len(routes) > 10
    for route in routes:
        ids = [world.foreign_officer.pk, missing, 9_223_372_036_854_775_807]
        if "other_team" not in EXPECTED_PERSON[route.action].get(role, set()):
            ids.append(world.other_officer.pk)  # same force, but not this role's to see
        answers = set()
        for person_id in ids:
            url = route.pattern if route.kind == "api" else "/" + route.pattern
            url = re.sub(rf"<(?:\w+:)?{route.subject}>|\{{{route.subject}\}}", str(person_id), url)
            assert "<" not in url and "{" not in url, url
            answers.add(_answer(client, url, headers, route.kind, route.method))
        assert len(answers) == 1, (route.pattern, [a[0] for a in answers])
        ((status, _),) = answers
        assert status == 404, route.pattern
