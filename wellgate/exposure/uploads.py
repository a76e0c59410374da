"""Uploads of case exports: straight to a temporary file, never held in memory, and stopped
as soon as they pass the size limit (so a huge file cannot fill the disk either)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Every uploaded file goes to a ``TemporaryUploadedFile`` (whatever its size), and the
    upload stops at ``WELLGATE_MAX_UPLOAD_BYTES``; ``request.upload_too_large`` then says so."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> Any:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def stream_uploads_to_disk(request: HttpRequest) -> None:
    """Use the capped handler for this request; call before anything reads ``request.POST``."""
    request.upload_handlers = [  # type: ignore[misc]
        CappedTemporaryFileUploadHandler(request, settings.WELLGATE_MAX_UPLOAD_BYTES)
    ]


def too_large_message() -> str:
    limit = settings.WELLGATE_MAX_UPLOAD_BYTES
    return (
        f"The file is larger than the {limit:,}-byte limit for an import. Export a smaller "
        "case, or ask an administrator to raise WELLGATE_MAX_UPLOAD_BYTES."
    )
