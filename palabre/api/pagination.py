"""Cursor pagination: a page, and an opaque cursor to the next one.

The cursor holds the last row's sort values, so a page never repeats or skips a row when
rows arrive between two calls (an offset would). Rows are ordered by one field and the id.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
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


def _unreadable() -> ApiError:
    return ApiError(422, "cursor_invalid", _("This cursor is not one this API gave: start again."))


def _decode(cursor: str, field: str) -> tuple[Any, int]:
    """The cursor's sort value and id, of the types the database compares them with: a
    forged cursor (a text for a date, a list, a number past 64 bits) is refused, not a 500."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise _unreadable() from None
    if not _whole(pk):
        raise _unreadable()
    if field.endswith("_at"):
        try:
            moment = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed, but no such day or hour
            moment = None
        try:
            moment = moment.astimezone(UTC) if moment and moment.tzinfo else None
        except OverflowError:  # year 1 at +14:00: before time began
            moment = None
        if moment is None:
            raise _unreadable()
        return moment, pk
    if not _whole(value):
        raise _unreadable()
    return value, pk


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63


def page(
    rows: models.QuerySet[M], *, field: str, descending: bool, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """A page of `rows` ordered by `field` then id, and the cursor to the next (None: last)."""
    sign = "-" if descending else ""
    rows = rows.order_by(f"{sign}{field}", f"{sign}pk")
    if cursor:
        value, pk = _decode(cursor, field)
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
