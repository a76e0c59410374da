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


class SingleRefusal(Refused):
    """A refusal with one reason: a stable code, a sentence, the field it concerns."""

    def __init__(
        self, code: str, message: str, field: str | None = None, status: int = 422
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status

    def details(self) -> list[Detail]:
        return [Detail(self.code, self.message, self.field)]
