from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from wellgate.demo.builders import DEMO_PASSWORD, DOMAIN, LOGINS
from wellgate.people.models import Force, Person


def test_the_demo_loads_once_and_prints_a_login_per_role(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    for _, login in LOGINS:
        assert f"{login}@{DOMAIN}" in out
    assert DEMO_PASSWORD in out
    people = Person.objects.count()
    call_command("demo")
    assert "already loaded" in capsys.readouterr().out
    assert Person.objects.count() == people and Force.objects.count() == 2
    assert 25 <= Person.objects.filter(force__slug="northmoor").count() <= 40


def test_every_demo_login_signs_in_and_sees_a_page(db):
    call_command("demo", "--quiet")
    for _, login in LOGINS:
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": f"{login}@{DOMAIN}", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login
        assert client.get("/").status_code == 200, login
