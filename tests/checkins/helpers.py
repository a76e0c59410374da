"""Answers for check-in tests, built from the shipped instruments."""

from __future__ import annotations

from wellgate.checkins import catalogue
from wellgate.checkins.rules import Instrument
from wellgate.people.services import token_create


def instrument(instrument_id: str) -> Instrument:
    found = catalogue.instrument(instrument_id)
    assert found is not None
    return found


def summing_to(instrument_id: str, total: int, **fixed: int) -> dict[str, int]:
    """Answers adding up to ``total`` (no reversed items), filled from the first item on and
    leaving the ``fixed`` items (e.g. ``phq9_9=1``) as given."""
    inst = instrument(instrument_id)
    answers = {it.id: fixed.get(it.id, 0) for it in inst.items}
    left = total - sum(fixed.values())
    for it in inst.items:
        if it.id in fixed:
            continue
        answers[it.id] = min(left, max(it.values))
        left -= answers[it.id]
    assert left == 0, "total out of reach"
    return answers


def lowest(instrument_id: str) -> dict[str, int]:
    return {it.id: min(it.values) for it in instrument(instrument_id).items}


def bearer(person, role: str, scope: str = "write") -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, secret = token_create(person=person, name="t", scope=scope, role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
