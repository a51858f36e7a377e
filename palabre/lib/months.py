"""Calendar months as their first day: parsing "YYYY-MM", the next one and the one before."""

from __future__ import annotations

from datetime import date, datetime, timedelta

# Reports and calendars only make sense here; outside, date arithmetic would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(text: str) -> date | None:
    """The first day of "YYYY-MM", or None for anything else (or a year out of range)."""
    try:
        year, month = (int(part) for part in text.split("-"))
        found = date(year, month, 1)
    except ValueError:
        return None
    return found if FIRST_YEAR <= year <= LAST_YEAR else None


def first_of_month(value: date | datetime) -> date:
    return (value.date() if isinstance(value, datetime) else value).replace(day=1)


def month_after(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)
