from __future__ import annotations

import datetime as dt

import pyotp
import time_machine
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD, World, login, make_person
from wellgate import clock
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


def test_wrong_passwords_are_slowed_then_the_account_is_locked(world: World, client: Client):
    cache.clear()
    for _ in range(5):
        assert sign_in(client, world.officer.email, "wrong password").status_code == 200
    locked = sign_in(client, world.officer.email, PASSWORD)
    assert locked.status_code in (200, 429)
    assert b"Too many failed login attempts" in locked.content or locked.status_code == 429
    assert "_auth_user_id" not in client.session
    cache.clear()


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
    response = client.get("/accounts/signup/")
    assert b"Sign Up Closed" in response.content or response.status_code in (302, 404)


def test_a_person_with_no_role_left_sees_a_plain_page_not_a_redirect_loop(
    world: World, client: Client
):
    from wellgate.people.models import RoleGrant

    RoleGrant.objects.filter(person=world.officer).update(ends_at=clock.now())
    login(client, world.officer)
    response = client.get("/")
    assert response.status_code == 403
    assert "no role in Wellgate at the moment" in response.content.decode()
