from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from wellgate.demo.builders import DEMO_PASSWORD, DOMAIN, LOGINS
from wellgate.people.models import Force, Person


@pytest.fixture(scope="module")
def first_load(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo loaded once for this file (it takes a while), rolled back after it; what the
    command printed."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        # The fast hasher every test uses (tests/conftest.py), so the demo logins are quick.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_demo_loads_once_and_prints_a_login_per_role(db, first_load: str):
    for _, login in LOGINS:
        assert f"{login}@{DOMAIN}" in first_load
    assert DEMO_PASSWORD in first_load
    people = Person.objects.count()
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert Person.objects.count() == people and Force.objects.count() == 2
    assert 25 <= Person.objects.filter(force__slug="northmoor").count() <= 40


def test_every_demo_login_signs_in_and_sees_a_page(db, first_load: str):
    for _, login in LOGINS:
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": f"{login}@{DOMAIN}", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login
        assert client.get("/").status_code == 200, login
