from __future__ import annotations

from django.apps import AppConfig


class ExposureConfig(AppConfig):
    name = "wellgate.exposure"
    label = "exposure"
    verbose_name = "Exposure"
