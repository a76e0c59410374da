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
        from wellgate.people import services as people_services

        # Leaving the team closes the pathway (Wellgate records ``left_team``).
        people_services.on_membership_end("pathway.left_team")(services.left_team_record)
