"""Words for exposure values in templates."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from wellgate.exposure import rules
from wellgate.exposure.forms import COUNT_LABELS

register = template.Library()

KIND_WORDS = {"image": "images", "video": "video", "audio": "audio", "other": "other files"}


@register.filter
def media_words(kinds: Iterable[str]) -> str:
    """``["image", "video_muted"]`` as "images, muted video"."""
    return ", ".join(rules.MEDIA_LABELS.get(k, KIND_WORDS.get(k, k)) for k in kinds) or "none"


@register.filter
def kind_words(kinds: Iterable[str]) -> str:
    """Grading-tool media kinds (image, video, audio, other) as words."""
    return ", ".join(KIND_WORDS.get(k, k) for k in kinds) or "none"


@register.filter
def category_label(key: str) -> str:
    return COUNT_LABELS.get(key, key)


@register.filter
def hours(minutes: int) -> str:
    """``135`` as "2 h 15 min"."""
    h, m = divmod(int(minutes or 0), 60)
    if not h:
        return f"{m} min"
    return f"{h} h {m:02d} min" if m else f"{h} h"
