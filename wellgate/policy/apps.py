from __future__ import annotations

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "wellgate.policy"
    label = "policy"

    def ready(self) -> None:
        from wellgate.policy import homes  # noqa: F401  (register its home panels)
