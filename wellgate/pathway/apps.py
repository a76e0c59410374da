from __future__ import annotations

from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "wellgate.pathway"
    label = "pathway"
    verbose_name = "Staged-exposure pathway"

    def ready(self) -> None:
        from wellgate.pathway import homes, periodic  # noqa: F401  (register home panels, tick work)
