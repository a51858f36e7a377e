"""The one CSV writer: every CSV Palabre hands out goes through `csv_writer` or `csv_text`.

A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab, a carriage
return, a line feed or a NUL before one) as a formula: `=HYPERLINK(...)` in a person's
name becomes a link that sends the sheet away. OWASP's advice ("CSV Injection") is to
make such a cell text with a leading `'`, and to quote every cell so that a `;` or a `,`
inside a value cannot start a new cell in a spreadsheet that splits on the other one
(French Excel splits on `;`). We also look past leading spaces, which some spreadsheets
drop before reading the cell, and at the full-width forms of the four signs.

Numbers (int, float, Decimal) are written as numbers, unquoted, so a sheet can add them
up; a negative number is a number, not a formula. Everything else is text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

# The first characters that make a cell a formula; U+FF1D/FF0B/FF0D/FF20 are the
# full-width = + - @ that some spreadsheets read as the ASCII ones.
FORMULA_STARTS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")

Cell = str | int | float | Decimal


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def safe_cell(value: object) -> Cell:
    """`value` as a cell: numbers as they are, anything else as text that cannot run."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    stripped = text.lstrip(" \u00a0")
    return "'" + text if stripped[:1] in FORMULA_STARTS else text


class CsvWriter:
    """csv.writer's `writerow`/`writerows`, each cell through `safe_cell`, text quoted."""

    def __init__(self, out: _Writable) -> None:
        # QUOTE_NONNUMERIC quotes every str and leaves the numbers bare.
        self._writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: _Writable) -> CsvWriter:
    """A writer into `out` (a StringIO, or an HttpResponse from lib.downloads.download)."""
    return CsvWriter(out)


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV as text: the header line, then the rows."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def unreadable_line() -> str:
    """What both imports say when csv's reader gives up on a line (its 128 KB field limit, or
    a quote left open): it reads nothing further either."""
    return _(
        "A field is longer than 128 KB, or a quote is left open: this line cannot be read, "
        "nor the ones after it."
    )
