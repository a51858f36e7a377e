"""Reading back the CSV files Palabre hands out, as a spreadsheet does."""

from __future__ import annotations

import csv
import io

from palabre.lib.csvsafe import detect_delimiter


def csv_rows(content: str | bytes) -> list[list[str]]:
    """The cells of a file Palabre wrote: without its byte order mark, split on the
    delimiter of the reader's language (`;` in French, `,` in English)."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    text = text.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=detect_delimiter(text)))


def csv_dicts(content: str | bytes) -> list[dict[str, str]]:
    header, *rows = csv_rows(content)
    return [dict(zip(header, row, strict=True)) for row in rows]
