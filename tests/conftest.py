from __future__ import annotations

import hypothesis
import pytest

from tests.factories import World, make_world

# A busy machine can stall an example past hypothesis's 200 ms deadline or make data look slow
# to generate: both measure the machine, not the rules, and would fail a loaded run.
hypothesis.settings.register_profile(
    "wellgate", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("wellgate")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):  # type: ignore[no-untyped-def]
    # Argon2 is slow on purpose; tests that check hashing say so explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
