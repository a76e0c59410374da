from __future__ import annotations

from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "wellgate.flags"
    label = "flags"
    verbose_name = "Welfare flags"

    def ready(self) -> None:
        from wellgate.flags import services
        from wellgate.people import services as people_services

        # Leaving the team hands the officer's open flags to the welfare lead.
        people_services.on_membership_end("flags.hand_over")(services.flags_hand_to_welfare_lead)
