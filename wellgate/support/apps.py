from __future__ import annotations

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "wellgate.support"
    label = "support"
    verbose_name = "Welfare support"

    def ready(self) -> None:
        from wellgate.people import services as people_services

        # Registers this app's tick work.
        from wellgate.support import periodic, services  # noqa: F401

        # Leaving the team stops the officer's outstanding obligations.
        people_services.on_membership_end("support.obligations")(services.obligations_stop)
