from __future__ import annotations

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "wellgate.support"
    label = "support"
    verbose_name = "Welfare support"

    def ready(self) -> None:
        from wellgate.support import periodic  # noqa: F401  (registers this app's tick work)
