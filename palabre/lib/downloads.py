"""A response the browser saves as a file rather than shows."""

from __future__ import annotations

from django.http import HttpResponse

CSV = "text/csv; charset=utf-8"
# Without it Excel reads a UTF-8 file in the machine's old code page ("Léa" as "LÃ©a");
# every other spreadsheet, and Palabre's own imports, skip it.
BYTE_ORDER_MARK = "\ufeff"


def download(filename: str, content: bytes | str = b"", *, content_type: str = CSV) -> HttpResponse:
    """`content` now, or written into the response afterwards (lib.csvsafe.csv_writer can take it)."""
    response = HttpResponse(content_type=content_type)
    if content_type == CSV:
        response.write(BYTE_ORDER_MARK)
    response.write(content)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
