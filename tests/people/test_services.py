from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import World, make_person, viewer
from wellgate import clock
from wellgate.errors import Refused
from wellgate.people import services
from wellgate.people.models import LineManagement, Person, Role, RoleGrant
from wellgate.people.queries import current_supervisor, supervisor_history


def admin(world: World):
    return viewer(world.administrator, Role.ADMINISTRATOR)


def test_administrator_creates_a_person_with_a_role_and_one_time_password(world: World):
    created = services.person_create(
        by=admin(world),
        email="New.Joiner@Example.test",
        full_name="New Joiner",
        role=Role.OFFICER,
        team=world.team,
    )
    assert created.person.email == "new.joiner@example.test"
    assert created.person.force == world.force
    assert created.person.check_password(created.password)
    assert created.person.must_change_password and created.role_request is None
    assert (
        RoleGrant.objects.current()
        .filter(person=created.person, role=Role.OFFICER, team=world.team)
        .exists()
    )


def test_an_officer_role_needs_a_team_and_nothing_is_stored_without_one(world: World):
    before = Person.objects.count()
    with pytest.raises(Refused) as exc:
        services.person_create(
            by=admin(world), email="x@example.test", full_name="X", role=Role.OFFICER, team=None
        )
    assert exc.value.codes == ["role.team_required"] and exc.value.details[0].field == "team"
    assert Person.objects.count() == before


def test_a_team_of_another_force_is_refused(world: World):
    foreign_team = world.foreign_officer.role_grants.first().team
    with pytest.raises(Refused) as exc:
        services.role_grant(
            by=admin(world), person=world.officer, role=Role.MENTOR, team=foreign_team
        )
    assert exc.value.codes == ["role.team_force"]


def test_an_email_already_in_use_is_refused(world: World):
    with pytest.raises(Refused) as exc:
        services.person_create(
            by=admin(world),
            email=world.officer.email.upper(),
            full_name="Dup",
            role=Role.WELFARE_LEAD,
            team=None,
        )
    assert exc.value.codes == ["person.email_taken"]


def test_only_an_administrator_manages_people(world: World):
    with pytest.raises(Refused):
        services.person_create(
            by=viewer(world.welfare_lead),
            email="y@example.test",
            full_name="Y",
            role=Role.OFFICER,
            team=world.team,
        )


def test_an_administrator_cannot_manage_people_of_another_force(world: World):
    with pytest.raises(Refused):
        services.supervisor_set(by=admin(world), officer=world.foreign_officer, supervisor=None)


def test_changing_supervisor_keeps_the_history(world: World):
    with time_machine.travel(clock.now() + dt.timedelta(days=3)):
        services.supervisor_set(
            by=admin(world), officer=world.officer, supervisor=world.other_supervisor
        )
        assert current_supervisor(world.officer) == world.other_supervisor
    assert current_supervisor(world.officer) == world.supervisor  # the change starts when made
    history = list(supervisor_history(world.officer))
    assert [h.supervisor for h in history] == [world.other_supervisor, world.supervisor]
    assert history[1].ends_at == history[0].starts_at


def test_setting_the_same_supervisor_again_changes_nothing(world: World):
    services.supervisor_set(by=admin(world), officer=world.officer, supervisor=world.supervisor)
    assert LineManagement.objects.filter(officer=world.officer).count() == 1


def test_a_supervisor_must_hold_the_supervisor_role(world: World):
    with pytest.raises(Refused) as exc:
        services.supervisor_set(by=admin(world), officer=world.officer, supervisor=world.mentor)
    assert exc.value.codes == ["line.not_supervisor"]


def test_nobody_supervises_themselves(world: World):
    from tests.factories import grant

    grant(world.officer, Role.SUPERVISOR, world.team)
    with pytest.raises(Refused) as exc:
        services.supervisor_set(by=admin(world), officer=world.officer, supervisor=world.officer)
    assert exc.value.codes == ["line.self"]


def test_ending_a_role_keeps_it_in_the_history(world: World):
    grant = RoleGrant.objects.get(person=world.mentor, role=Role.MENTOR)
    services.role_end(by=admin(world), grant=grant)
    grant.refresh_from_db()
    assert grant.ends_at is not None
    assert not RoleGrant.objects.current().filter(pk=grant.pk).exists()


def test_an_administrator_cannot_remove_their_own_administrator_role(world: World):
    grant = RoleGrant.objects.get(person=world.administrator)
    with pytest.raises(Refused):
        services.role_end(by=admin(world), grant=grant)


def test_a_new_force_gets_its_own_administrator(db):
    force, person, password = services.force_create(
        name="Westmarch Police", admin_email="admin@westmarch.test", admin_name="W Admin", by=None
    )
    assert person.force == force and person.check_password(password)
    assert person.must_change_password
    assert RoleGrant.objects.current().filter(person=person, role=Role.ADMINISTRATOR).exists()
    with pytest.raises(Refused):
        services.force_create(
            name="westmarch police", admin_email="b@x.test", admin_name="B", by=None
        )


def test_a_mentor_can_be_assigned_by_a_supervisor_of_the_officer(world: World):
    other_mentor = make_person(world.force, Role.MENTOR, world.team)
    services.mentor_set(by=viewer(world.supervisor), officer=world.officer, mentor=other_mentor)
    from wellgate.people.queries import current_mentor

    assert current_mentor(world.officer) == other_mentor


def test_a_token_authenticates_until_revoked(world: World):
    token, secret = services.token_create(
        person=world.officer, name="laptop", scope="read", role=Role.OFFICER
    )
    assert services.token_authenticate(secret) == token
    assert token.digest != secret and secret not in token.prefix + token.digest
    services.token_revoke(by=viewer(world.officer), token=token)
    assert services.token_authenticate(secret) is None


def test_a_token_cannot_act_in_a_role_the_person_does_not_hold(world: World):
    with pytest.raises(Refused) as exc:
        services.token_create(person=world.officer, name="x", scope="write", role=Role.WELFARE_LEAD)
    assert exc.value.codes == ["token.role"]


def test_nobody_revokes_someone_elses_token(world: World):
    token, _ = services.token_create(
        person=world.officer, name="x", scope="read", role=Role.OFFICER
    )
    with pytest.raises(Refused):
        services.token_revoke(by=viewer(world.supervisor), token=token)


def test_the_create_force_command_prints_a_one_time_password(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_force", "Westmarch Police", "admin@westmarch.test", "W Admin", stdout=out)
    assert "one-time password" in out.getvalue()
    admin_person = Person.objects.get(email="admin@westmarch.test")
    assert admin_person.must_change_password
