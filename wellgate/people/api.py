from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema

from wellgate.apikit import AccessRouter, api_access, api_viewer
from wellgate.people import queries

router = AccessRouter(tags=["people"])


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    force: str
    team: str
    roles: list[str]
    supervisor_id: int | None


class MeOut(PersonOut):
    acting_as: str


def _person_out(person) -> dict:  # type: ignore[no-untyped-def]
    supervisor = queries.current_supervisor(person)
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "email": person.email,
        "force": person.force.name,
        "team": queries.team_of(person),
        "roles": list(queries.current_roles(person)),
        "supervisor_id": supervisor.pk if supervisor else None,
    }


@router.get("/me", response=MeOut)
@api_access("home.view")
def me(request: HttpRequest) -> dict:  # type: ignore[type-arg]
    viewer = api_viewer(request)
    return {**_person_out(viewer.person), "acting_as": viewer.role}


@router.get("/people/{person_id}", response=PersonOut)
@api_access("person.view", subject="person_id")
def person(request: HttpRequest, person_id: int) -> dict:  # type: ignore[type-arg]
    return _person_out(request.subject)  # type: ignore[attr-defined]
