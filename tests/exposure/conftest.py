from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from tests.exposure.helpers import NOW
from tests.factories import World, make_world


@pytest.fixture
def frozen() -> Iterator[None]:
    """Now is NOW (a Wednesday afternoon); tests move on from there."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db, frozen) -> World:  # type: ignore[no-untyped-def]
    """The usual world, with everyone in post for a year, so pathways can be walked back."""
    with time_machine.travel(NOW - dt.timedelta(days=365), tick=False):
        return make_world()
