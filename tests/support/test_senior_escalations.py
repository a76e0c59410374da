"""What a senior leader sees on the escalations page: only what is escalated to senior leaders
to act on, each naming its officer and what is overdue; obligations are otherwise aggregate
for them (DESIGN.md §3), so no other officer or obligation detail appears."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from tests.factories import World, login, make_obligation
from wellgate import clock
from wellgate.support import queries, services

DAYS = dt.timedelta(days=1)


def rows(html: str) -> list[str]:
    """The table's body rows, as plain text."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip()
        for r in body.split("</tr>")
        if r.strip()
    ]


def test_a_senior_leader_sees_only_the_escalations_addressed_to_senior_leaders(
    world: World, client: Client
):
    today = clock.today()
    make_obligation(world.officer, "psych_assessment", today - 45 * DAYS)
    # Overdue enough to reach the welfare lead, never a senior leader: not theirs to see.
    make_obligation(world.officer, "one_to_one", today - 45 * DAYS)
    make_obligation(world.other_officer, "workload_review", today - 40 * DAYS)
    # An assessment overdue, but not yet past the senior interval.
    make_obligation(world.other_officer, "psych_assessment", today - 20 * DAYS)
    login(client, world.senior_leader, "senior_leader")
    html = client.get("/support/escalations/").content.decode()
    assert rows(html) == [
        f"Olive Officer Psychological assessment 45 "
        f"{_senior_day(world, today - 45 * DAYS):%-d %b %Y}"
    ]
    assert "Otto Other" not in html
    assert f"/people/{world.officer.pk}/" not in html  # a name to act on, not a record to open
    assert "1:1" not in html and "Workload review" not in html

    login(client, world.welfare_lead, "welfare_lead")
    html = client.get("/support/escalations/").content.decode()
    assert len(rows(html)) == 4 and "Otto Other" in html and "1:1 with supervisor" in html


def _senior_day(world: World, due: dt.date) -> dt.date:
    policy = services.policy_for(world.force.pk)
    (row,) = queries.escalated_to_senior_leaders(world.force.pk, policy, clock.today())
    assert row.days_late == (clock.today() - due).days
    return row.since


def test_nothing_escalated_to_senior_leaders_names_nobody(world: World, client: Client):
    make_obligation(world.officer, "one_to_one", clock.today() - 45 * DAYS)
    login(client, world.senior_leader, "senior_leader")
    html = client.get("/support/escalations/").content.decode()
    assert rows(html) == ["Nothing is escalated to senior leaders."]
    assert "Olive Officer" not in html
