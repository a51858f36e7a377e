"""An upload over PALABRE_MAX_UPLOAD_MB stops being kept as soon as it passes the limit.

Django would otherwise write the whole body to a temporary file before anyone looks at
its size. This handler, first in FILE_UPLOAD_HANDLERS, counts the bytes actually received
(the client's Content-Length is only a claim) and, past the limit, passes nothing more to
the handlers that keep the file: the form then receives an `UploadOverLimit`, empty, and
the media library refuses it with its usual message.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class UploadOverLimit(UploadedFile):
    """What is left of an upload refused for its size: its name and the bytes counted."""

    over_limit = True

    def __init__(self, *, name: str, size: int, content_type: str) -> None:
        super().__init__(io.BytesIO(), name, content_type, size)


class UploadLimitHandler(FileUploadHandler):
    """The limit is the request's, all its files together: a file each under the limit,
    a hundred times over, was 30 GB of temporary files (parsed before the login and the
    CSRF check look at the request)."""

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.limit = settings.PALABRE_MAX_UPLOAD_MB * 1_000_000
        self.in_request = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.in_request += len(raw_data)
        return raw_data if self._within() else None

    def _within(self) -> bool:
        return self.received <= self.limit and self.in_request <= self.limit

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self._within():
            return None  # the next handler hands over the file it kept
        return UploadOverLimit(
            name=self.file_name or "", size=self.received, content_type=self.content_type or ""
        )
