"""The one CSV writer: every CSV Palabre hands out goes through `csv_writer` or `csv_text`.

A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab, a carriage
return, a line feed or a NUL before one) as a formula: `=HYPERLINK(...)` in a person's
name becomes a link that sends the sheet away. OWASP's advice ("CSV Injection") is to
make such a cell text with a leading `'`, and to quote every cell so that a `;` or a `,`
inside a value cannot start a new cell in a spreadsheet that splits on the other one
(French Excel splits on `;`). We also look past what some spreadsheets drop before reading
the cell (any space, a zero-width character, a byte order mark), and at the forms of the
four signs that read as them (full-width "＝", small "﹦", the minus sign "−").

Numbers (int, float, Decimal) are written as numbers, unquoted, so a sheet can add them
up; a negative number is a number, not a formula. Everything else is text.

A file opens cleanly in the reader's spreadsheet: in French, cells split on `;` and
decimals written with a comma (what a French Excel or LibreOffice expects); in English, `,`
and a point. Files start with a UTF-8 byte order mark (lib.downloads), without which Excel
reads "Léa" as "LÃ©a"; dates are written by `date_cell`, in the workspace's time zone.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Protocol

from django.utils import translation
from django.utils.translation import gettext as _

# What makes a cell a formula: a control character first, or one of four signs first
# after any spaces and invisible characters, in any form that normalises to it (NFKC:
# full-width "＝", small "﹦", superscript "⁺"), or the minus sign (which NFKC keeps).
CONTROL_STARTS = frozenset("\t\r\n\0")
FORMULA_SIGNS = frozenset("=+-@\u2212")

Cell = str | int | float | Decimal


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def safe_cell(value: object) -> Cell:
    """`value` as a cell: numbers as they are, anything else as text that cannot run."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    # A text whose apostrophes already stand before a sign gets one more: reading the file
    # back (cell_read) takes one off and finds it as it was.
    return "'" + text if _runs(text.lstrip("'")) else text


def _runs(text: str) -> bool:
    if text[:1] in CONTROL_STARTS:
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cf":  # Cf: zero-width, BOM
            continue
        return unicodedata.normalize("NFKC", char)[:1] in FORMULA_SIGNS
    return False


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal: str


FRENCH = CsvStyle(";", ",")
ENGLISH = CsvStyle(",", ".")


def style_for_reader() -> CsvStyle:
    """The spreadsheet conventions of the active language (the reader's)."""
    return FRENCH if (translation.get_language() or "en").startswith("fr") else ENGLISH


def date_cell(value: datetime | date, tz: tzinfo) -> str:
    """A date or a moment as spreadsheets read it: in `tz`, to the second, no offset."""
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()


class CsvWriter:
    """`writerow`/`writerows` as csv.writer's: each cell through `safe_cell`, text quoted,
    numbers bare in the style's decimals. Written by hand because the csv module can
    neither write a decimal comma unquoted nor quote text and leave such numbers bare."""

    def __init__(self, out: _Writable, style: CsvStyle) -> None:
        self._out = out
        self._style = style

    def writerow(self, row: Iterable[object]) -> None:
        cells = [self._cell(safe_cell(value)) for value in row]
        self._out.write(self._style.delimiter.join(cells) + "\r\n")

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

    def _cell(self, value: Cell) -> str:
        if isinstance(value, str):
            return '"' + value.replace('"', '""') + '"'
        if isinstance(value, int):
            return str(value)
        if not math.isfinite(value):  # nan, -inf, Decimal('-Infinity'): text that cannot run
            return self._cell(safe_cell(str(value)))
        digits = format(Decimal(str(value)), "f")  # 1e-05 -> 0.00001: no exponent
        return digits.replace(".", self._style.decimal)


def csv_writer(out: _Writable, style: CsvStyle | None = None) -> CsvWriter:
    """A writer into `out` (a StringIO, or an HttpResponse from lib.downloads.download), in
    the reader's style unless one is given."""
    return CsvWriter(out, style or style_for_reader())


def csv_text(
    header: Iterable[object], rows: Iterable[Iterable[object]], style: CsvStyle | None = None
) -> str:
    """A whole CSV as text: the header line, then the rows."""
    out = io.StringIO()
    writer = csv_writer(out, style)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def detect_delimiter(text: str) -> str:
    """The delimiter of a file people send: `;` (French spreadsheets), a tab, or `,`: the
    one its first (header) line holds most of (quoted parts aside)."""
    unquoted = text.split("\n", 1)[0].split('"')[::2]
    counts = {d: sum(part.count(d) for part in unquoted) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def cell_read(text: str) -> str:
    """A text cell read back from a file Palabre wrote: the apostrophe safe_cell put before
    a sign taken off, so that an exported file imports as it was written."""
    return text[1:] if text.startswith("'") and _runs(text.lstrip("'")) else text


def utf8_text(raw: bytes) -> str | None:
    """A file's text, its byte order mark dropped; None when it is not UTF-8 (a file saved
    as Windows-1252 or UTF-16 by an older spreadsheet, a workbook, an archive)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def not_utf8() -> str:
    """What both imports say of a file utf8_text() cannot read."""
    return _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")


@dataclass
class CsvRows:
    """A file read as both imports read it. Rows are numbered as a spreadsheet numbers
    them (the header is 1; a blank line counts, a cell over several lines is one row), so a
    problem's line is the row a person sees."""

    header: list[str]  # the names stripped and in lower case: "Publish_At " is publish_at
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # blank ones left out
    stopped_at: int | None = None  # the row csv's reader gave up on: nothing after is read
    # Rows with more cells than the header has names: a text holding the separator without
    # quotes ("Bonjour, à demain"), whose end would be lost.
    overflowing: list[int] = field(default_factory=list)

    @property
    def twice(self) -> list[str]:
        """The columns named more than once: only the last one's cells would be read."""
        return sorted({name for name in self.header if name and self.header.count(name) > 1})


def csv_rows(text: str, *, most: int) -> CsvRows:
    """The rows of `text` (a header line first), at most `most` + 1 of them: one more says
    the file is over the limit. Each cell goes through cell_read()."""
    # strict: a quote left open is an error, not the rest of the file read as one cell.
    # newline=None: lines ended by a carriage return alone (old Mac, some exports) are lines,
    # not one endless line said to be "a field over 128 KB".
    reader = csv.reader(
        io.StringIO(text, newline=None), delimiter=detect_delimiter(text), strict=True
    )
    try:
        header = [cell_read(name).strip().lower() for name in next(reader, [])]
    except csv.Error:  # the reader's own limit: a field over 128 KB
        return CsvRows(header=[], stopped_at=1)
    read = CsvRows(header=header)
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                if any(cell.strip() for cell in cells[len(header) :]):
                    read.overflowing.append(number)
                values = [cell_read(cell) for cell in cells] + [""] * len(header)
                read.rows.append((number, dict(zip(header, values, strict=False))))
                if len(read.rows) > most:
                    break
    except csv.Error:  # a quote left open, a field too long: the rows before it stand
        read.stopped_at = number + 1  # `number` is the last row read whole
    return read


def columns_twice(names: list[str]) -> str:
    """What both imports say of a header that names a column more than once."""
    return _("Columns named twice: %(names)s. Keep one of each.") % {"names": ", ".join(names)}


def overflowing_line() -> str:
    """What both imports say of a row with more cells than the header has names."""
    return _(
        "This line has more cells than the first line has columns: put a text that holds "
        "the separator between double quotes."
    )


def unreadable_line() -> str:
    """What both imports say when csv's reader gives up on a line (its 128 KB field limit, or
    a quote left open): it reads nothing further either."""
    return _(
        "A field is longer than 128 KB, or a quote is left open: this line cannot be read, "
        "nor the ones after it."
    )
