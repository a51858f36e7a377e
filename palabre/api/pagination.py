"""Cursor pagination: a page, and an opaque cursor to the next one.

The cursor holds the last row's sort values, so a page never repeats or skips a row when
rows arrive between two calls (an offset would). Rows are ordered by one field and the id.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from palabre.api.errors import ApiError

M = TypeVar("M", bound=models.Model)
LARGEST = 200


def _encode(value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ApiError(
            422, "cursor_invalid", _("This cursor is not one this API gave: start again.")
        ) from None
    return value, pk


def page(
    rows: models.QuerySet[M], *, field: str, descending: bool, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """A page of `rows` ordered by `field` then id, and the cursor to the next (None: last)."""
    sign = "-" if descending else ""
    rows = rows.order_by(f"{sign}{field}", f"{sign}pk")
    if cursor:
        value, pk = _decode(cursor)
        if field.endswith("_at") and isinstance(value, str):
            value = parse_datetime(value)
        if value is None and field.endswith("_at"):
            raise ApiError(
                422, "cursor_invalid", _("This cursor is not one this API gave: start again.")
            )
        beyond = "lt" if descending else "gt"
        rows = rows.filter(
            Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"pk__{beyond}": pk})
        )
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    if not more or not found:
        return found, None
    last = found[-1]
    return found, _encode(getattr(last, field), last.pk)
