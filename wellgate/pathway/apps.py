from __future__ import annotations

from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "wellgate.pathway"
    label = "pathway"
    verbose_name = "Staged-exposure pathway"

    def ready(self) -> None:
        # Register home panels, tick work, and the policy-version listener that tells officers
        # whose clearance a new policy lowers.
        from wellgate.pathway import homes, periodic, services  # noqa: F401
