"""Time between two moments counted only within business hours, in a given time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def business_seconds(
    start: datetime, end: datetime, *, tz: ZoneInfo, opens: time, closes: time, days: str
) -> int:
    """Seconds of [start, end] that fall on a business day (`days` holds weekday digits,
    Monday 0) between `opens` and `closes`, local time. Clock changes are respected."""
    if end <= start or closes <= opens:
        return 0
    total = 0.0
    day: date = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        if str(day.weekday()) in days:
            open_at = datetime.combine(day, opens, tzinfo=tz)
            close_at = datetime.combine(day, closes, tzinfo=tz)
            overlap = min(end, close_at) - max(start, open_at)
            total += max(overlap.total_seconds(), 0)
        day += timedelta(days=1)
    return int(total)
