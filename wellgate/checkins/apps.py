from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "wellgate.checkins"
    label = "checkins"
    verbose_name = "Confidential check-ins"

    def ready(self) -> None:
        from wellgate.checkins import periodic  # noqa: F401  (registers this app's tick work)
        from wellgate.checkins.catalogue import instruments

        # Load and validate the instruments now: a broken file fails at start, not mid-form.
        instruments()
