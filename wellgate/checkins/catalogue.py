"""The shipped instruments, loaded and validated once per process (at start, by the app)."""

from __future__ import annotations

import functools

from django.core.exceptions import ImproperlyConfigured

from wellgate.checkins import instruments_loader, rules
from wellgate.checkins.instruments_loader import InstrumentError
from wellgate.checkins.rules import Instrument

# The order the officer is offered them in: the short pulse, the fuller set, then WHO-5.
ORDER = (rules.PULSE, *rules.FULL_SET, "who5")


@functools.cache
def instruments() -> dict[str, Instrument]:
    """Every shipped instrument by id; a broken file stops Wellgate starting, naming the problem."""
    try:
        found = instruments_loader.load_shipped()
    except InstrumentError as exc:
        raise ImproperlyConfigured(
            "A check-in instrument in wellgate/checkins/instruments/ cannot be used: "
            + "; ".join(f"{where}: {what}" for where, what in exc.problems)
        ) from exc
    rank = {i: n for n, i in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def instrument(instrument_id: str) -> Instrument | None:
    return instruments().get(instrument_id)
