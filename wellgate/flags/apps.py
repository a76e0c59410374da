from __future__ import annotations

from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "wellgate.flags"
    label = "flags"
    verbose_name = "Welfare flags"
