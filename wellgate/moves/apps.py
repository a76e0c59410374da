from __future__ import annotations

from django.apps import AppConfig


class MovesConfig(AppConfig):
    name = "wellgate.moves"
    label = "moves"
    verbose_name = "Moves out of the team"

    def ready(self) -> None:
        from wellgate.moves import periodic, services  # noqa: F401  (registers this app's tick work)
        from wellgate.people import services as people_services

        # Leaving by another door: an open request to leave stops escalating.
        people_services.on_membership_end("moves.escalations")(services.escalations_stop)
