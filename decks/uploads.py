"""Refuse over-size uploads while they stream in, not after they are stored."""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# Room for the multipart envelope and the small form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


class UploadSizeLimitHandler(FileUploadHandler):
    """Skips (reads past without storing) any file larger than IMPORT_MAX_BYTES.

    It stands first in FILE_UPLOAD_HANDLERS; the view asks `upload_too_large(request)`.
    Skipping rather than aborting lets the rest of the form (the CSRF token) still parse.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_large = False
        self.received = 0
        self.request_length = 0

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        # (input_data, META, content_length, boundary, encoding)
        self.request_length = int(args[2]) if len(args) > 2 else 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_length > settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        self.too_large = True
        raise SkipFile


def upload_too_large(request: HttpRequest) -> bool:
    """Whether the request carried, or announced, a file over IMPORT_MAX_BYTES."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD:
        return True
    return any(
        isinstance(handler, UploadSizeLimitHandler) and handler.too_large
        for handler in request.upload_handlers
    )
