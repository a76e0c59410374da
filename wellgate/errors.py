"""The base of every app's refusal exception, so the web and the API report them alike."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Detail:
    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class Refused(Exception):
    """A domain refusal: stable codes with sentences; nothing was written."""

    status = 422

    def details(self) -> list[Detail]:
        raise NotImplementedError
