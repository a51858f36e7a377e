"""CSV cells that spreadsheets will not run."""

from __future__ import annotations


def safe_cell(value: object) -> str:
    # A cell starting with = + - @ (or a tab or carriage return before one) is run as a
    # formula by spreadsheets: keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
