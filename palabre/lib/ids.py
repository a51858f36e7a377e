"""A row's id as sent by a browser (a form field, a query string)."""

from __future__ import annotations

MAX_ID_DIGITS = 18  # a bigger number fits no database column (bigint holds 19 digits)


def parse_id(text: str) -> int | None:
    """The id, or None: ASCII digits only ("²".isdigit() is true, and int() refuses it),
    at most 18 of them."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None
