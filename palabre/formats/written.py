"""A date written in the reader's language, from one of the format names in __init__.py.

French writes the first day of a month as an ordinal: "1er décembre", "ven. 1er déc.",
never "1 décembre"; every other day, and English, as Django writes them."""

from __future__ import annotations

from datetime import date

from django.utils import dateformat, formats, translation


def date_text(value: date, name: str = "DATE_FORMAT") -> str:
    """`value` (a date or an aware datetime already in the reader's zone) as the format
    `name` writes it in the active language."""
    written = formats.get_format(name)
    if value.day == 1 and (translation.get_language() or "").startswith("fr"):
        written = _ordinal_first(written)
    return dateformat.format(value, written)


def _ordinal_first(written: str) -> str:
    """The format with "er" after each day of the month ("j"), as escaped literals."""
    out, escaped = [], False
    for char in written:
        out.append(char)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j":
            out.append(r"\e\r")
    return "".join(out)
