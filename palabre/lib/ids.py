"""A row's id as sent by a browser (a form field, a query string)."""

from __future__ import annotations

from typing import Any

from django import forms

MAX_ID_DIGITS = 18  # a bigger number fits no database column (bigint holds 19 digits)


def parse_id(text: str) -> int | None:
    """The id, or None: ASCII digits only ("²".isdigit() is true, and int() refuses it),
    at most 18 of them."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None


class IdsField(forms.ModelMultipleChoiceField):
    """Rows picked by id: a value that is no id any column can hold is refused as a wrong
    choice before it reaches the database (SQLite overflows on it)."""

    def clean(self, value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if any(parse_id(str(v)) is None for v in values):
            raise forms.ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": next(v for v in values if parse_id(str(v)) is None)},
            )
        return super().clean(value)
