from __future__ import annotations

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "wellgate.notify"
    label = "notify"

    def ready(self) -> None:
        from wellgate.notify import periodic  # noqa: F401  (registers this app's tick work)
