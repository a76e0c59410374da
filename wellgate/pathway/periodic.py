from __future__ import annotations

import datetime as dt

from wellgate.pathway.models import PathwayEvent
from wellgate.pathway.services import ensure_joined
from wellgate.people.models import Person, Role, RoleGrant
from wellgate.periodic import register


@register("pathway.start", order=10)
def start_pathways(now: dt.datetime) -> int:
    """Every officer has a pathway from the day they joined a team."""
    started = PathwayEvent.objects.values("officer_id")
    grants = (
        RoleGrant.objects.current(now)
        .filter(role=Role.OFFICER, person__is_active=True)
        .exclude(person_id__in=started)
        .select_related("person")
    )
    done = 0
    for grant in grants:
        person: Person = grant.person
        done += ensure_joined(officer=person, joined_at=grant.starts_at)
    return done
