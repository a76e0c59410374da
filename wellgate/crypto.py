"""Encryption at rest for free-text welfare notes.

``WELLGATE_DATA_KEY`` holds one or more Fernet keys, comma-separated: the first encrypts, every
one decrypts. To rotate: put a new key first, run ``wellgate rotate_key`` (re-encrypts every
note with it), then drop the old key.
"""

from __future__ import annotations

import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@functools.cache
def _fernet(keys: str) -> MultiFernet:
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ValueError("WELLGATE_DATA_KEY is empty")
    return MultiFernet([Fernet(k.encode()) for k in parts])


def fernet() -> MultiFernet:
    return _fernet(settings.WELLGATE_DATA_KEY)


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption existed
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("A note cannot be decrypted: is its key in WELLGATE_DATA_KEY?") from exc


def rotate(stored: str) -> str:
    """The same note, encrypted with the first (newest) key."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted; reads and writes plain text."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None or value == "" else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if value is None or value == "" else encrypt(value)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) that holds encrypted text."""
    from django.apps import apps

    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, EncryptedTextField)
    ]
