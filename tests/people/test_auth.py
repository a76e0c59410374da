from __future__ import annotations

import datetime as dt

import pyotp
import time_machine
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD, World, login, make_person
from wellgate import clock
from wellgate.people import adapters, services
from wellgate.people.models import Role


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_each_role_lands_on_its_own_home_page(world: World, client: Client):
    headings = {
        "officer": "Hello, Olive",
        "supervisor": "Your team",
        "mentor": "Your mentees",
        "welfare_lead": "Force welfare",
        "senior_leader": "Leadership overview",
        "administrator": "Administration",
    }
    for role, heading in headings.items():
        c = Client()
        response = sign_in(c, world.by_role(role).email)
        assert response.status_code == 302
        page = c.get(response["Location"], follow=True).content.decode()
        assert f"<h1>{heading}" in page, role


def test_a_person_with_two_roles_switches_between_them(world: World, client: Client):
    from tests.factories import grant

    grant(world.supervisor, Role.MENTOR, world.team)
    login(client, world.supervisor)
    assert "<h1>Your team" in client.get("/").content.decode()
    client.post("/role/", {"role": "mentor"})
    assert "<h1>Your mentees" in client.get("/").content.decode()
    response = client.post("/role/", {"role": "welfare_lead"}, follow=True)
    assert "You do not hold that role" in response.content.decode()
    assert "<h1>Your mentees" in client.get("/").content.decode()


def test_the_right_password_after_five_wrong_ones_signs_in(
    world: World, client: Client, monkeypatch
):
    waits: list[float] = []
    monkeypatch.setattr(adapters, "pause", waits.append)
    cache.clear()
    for _ in range(5):
        assert sign_in(client, world.welfare_lead.email, "wrong password").status_code == 200
    response = sign_in(client, world.welfare_lead.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.welfare_lead.pk)
    # Slowed, never refused: each attempt after the third failure waited longer.
    assert waits == [1.0, 2.0, 4.0]
    cache.clear()


def test_after_a_success_the_account_is_not_slowed_any_more(world: World, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(adapters, "pause", waits.append)
    cache.clear()
    for _ in range(4):
        sign_in(Client(), world.officer.email, "wrong password")
    assert sign_in(Client(), world.officer.email, PASSWORD).status_code == 302
    waits.clear()
    sign_in(Client(), world.officer.email, "wrong password")
    assert waits == []
    cache.clear()


def test_failures_at_one_account_do_not_slow_another(world: World, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(adapters, "pause", waits.append)
    cache.clear()
    for _ in range(6):
        sign_in(Client(), world.officer.email, "wrong password")
    waits.clear()
    assert sign_in(Client(), world.supervisor.email, PASSWORD).status_code == 302
    assert waits == []
    cache.clear()


def test_the_delay_grows_and_is_capped_at_a_few_seconds(settings):
    settings.WELLGATE_LOGIN_FREE_FAILURES, settings.WELLGATE_LOGIN_MAX_DELAY = 3, 5
    assert [adapters.login_delay(n) for n in range(9)] == [0, 0, 0, 1, 2, 4, 5, 5, 5]


def test_the_password_is_hashed_with_argon2(world: World, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    person = make_person(world.force, Role.OFFICER, world.team)
    person.set_password("a long enough passphrase")
    assert person.password.startswith("argon2")


def test_supervisory_roles_must_set_up_two_step_verification(world: World, client: Client):
    sup = make_person(world.force, Role.SUPERVISOR, world.team, is_demo=False)
    response = sign_in(client, sup.email)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/2fa/totp/activate")
    assert response.status_code == 302


def test_an_officer_needs_no_second_step(world: World, client: Client):
    officer = make_person(world.force, Role.OFFICER, world.team, is_demo=False)
    sign_in(client, officer.email)
    assert client.get("/").status_code == 200


def test_with_totp_set_up_a_supervisor_signs_in_with_a_code(world: World, client: Client):
    from allauth.mfa.totp.internal.auth import TOTP

    sup = make_person(world.force, Role.SUPERVISOR, world.team, is_demo=False)
    secret = pyotp.random_base32()
    TOTP.activate(sup, secret)
    response = sign_in(client, sup.email)
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert Authenticator.objects.filter(user=sup).exists()


def test_an_idle_session_is_signed_out_after_the_policy_timeout(world: World, client: Client):
    start = clock.now() + dt.timedelta(days=1)
    with time_machine.travel(start, tick=False):
        login(client, world.officer)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/").status_code == 302


def test_public_sign_up_is_closed(db, client: Client):
    from wellgate.people.models import Person

    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    response = client.post(
        "/accounts/signup/", {"email": "walk.in@example.test", "password1": "a long passphrase"}
    )
    assert response.status_code == 200 and "Sign Up Closed" in response.content.decode()
    assert not Person.objects.filter(email="walk.in@example.test").exists()


def test_a_person_with_no_role_left_sees_a_plain_page_not_a_redirect_loop(
    world: World, client: Client
):
    from wellgate.people.models import RoleGrant

    RoleGrant.objects.filter(person=world.officer).update(ends_at=clock.now())
    login(client, world.officer)
    response = client.get("/")
    assert response.status_code == 403
    assert "no role in Wellgate at the moment" in response.content.decode()


def test_an_officer_is_offered_two_step_verification_and_can_set_it_up(
    world: World, client: Client
):
    officer = make_person(world.force, Role.OFFICER, world.team, is_demo=False)
    sign_in(client, officer.email)
    home = client.get("/").content.decode()
    assert 'href="/accounts/2fa/totp/activate/"' in home and "Set up two-step verification" in home
    # allauth asks for the password again before adding an authenticator, even just after
    # signing in: only a reauthentication counts as recent.
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/reauthenticate/")
    page = client.post(page["Location"], {"password": PASSWORD}, follow=True)
    assert page.status_code == 200
    assert page.request["PATH_INFO"] == "/accounts/2fa/totp/activate/"
    assert 'id="authenticator_secret"' in page.content.decode()


def test_a_mentor_is_offered_two_step_verification(world: World, client: Client):
    login(client, world.mentor)
    assert "Set up two-step verification" in client.get("/").content.decode()


def test_an_officer_is_not_required_to_use_two_step_verification(world: World, client: Client):
    officer = make_person(world.force, Role.OFFICER, world.team, is_demo=False)
    sign_in(client, officer.email)
    assert client.get(f"/people/{officer.pk}/pathway/").status_code == 200


def test_a_one_time_password_must_be_changed_at_first_sign_in_and_then_stops_working(
    world: World, client: Client
):
    from tests.factories import viewer

    created = services.person_create(
        by=viewer(world.administrator),
        email="new.joiner@example.test",
        full_name="New Joiner",
        role=Role.OFFICER,
        team=world.team,
    )
    assert sign_in(client, created.person.email, created.password).status_code == 302
    for url in ("/", "/checkins/", "/accounts/2fa/", "/me/tokens/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/password/change/", url
    assert client.get("/accounts/password/change/").status_code == 200
    new = "a passphrase of my very own"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": created.password, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    created.person.refresh_from_db()
    assert not created.person.must_change_password
    assert sign_in(Client(), created.person.email, created.password).status_code == 200
    assert sign_in(Client(), created.person.email, new).status_code == 302


def test_the_first_administrator_of_a_new_force_changes_the_one_time_password_too(
    db, client: Client
):
    force, admin, password = services.force_create(
        name="Westmarch Police", admin_email="admin@westmarch.test", admin_name="W A", by=None
    )
    assert admin.must_change_password
    sign_in(client, admin.email, password)
    assert client.get("/manage/people/")["Location"] == "/accounts/password/change/"
