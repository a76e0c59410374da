from __future__ import annotations

from django.apps import AppConfig


class MovesConfig(AppConfig):
    name = "wellgate.moves"
    label = "moves"
    verbose_name = "Moves out of the team"

    def ready(self) -> None:
        from wellgate.moves import periodic  # noqa: F401  (registers this app's tick work)
