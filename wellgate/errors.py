"""The one refusal type: rules and services raise it, the web and the API report it alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Detail:
    """One reason for a refusal: a stable code, a sentence, the field it concerns (if any)."""

    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class Refused(Exception):
    """A domain refusal: stable codes with sentences; nothing was written."""

    def __init__(self, details: Iterable[Detail], status: int = 422) -> None:
        self.details: list[Detail] = list(details)
        self.status = status
        super().__init__(" ".join(d.message for d in self.details))

    @classmethod
    def one(cls, code: str, message: str, field: str | None = None, status: int = 422) -> Refused:
        """A refusal with one reason."""
        return cls([Detail(code, message, field)], status)

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.details]
