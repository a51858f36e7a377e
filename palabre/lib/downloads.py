"""A response the browser saves as a file rather than shows."""

from __future__ import annotations

from django.http import HttpResponse

CSV = "text/csv; charset=utf-8"


def download(filename: str, content: bytes | str = b"", *, content_type: str = CSV) -> HttpResponse:
    """`content` now, or written into the response afterwards (lib.csvsafe.csv_writer can take it)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
