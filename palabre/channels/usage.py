"""Counting the requests made to a network per channel and month (X bills each one)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from palabre.channels.models import ApiUsage


def this_month() -> date:
    return timezone.now().date().replace(day=1)


def usage_record(
    *, channel_id: int, kind: str, count: int = 1, requests: int | None = None
) -> None:
    """Add `count` units of `kind` (what the network bills: a request, or a post read) and
    `requests` requests (`count` when not given) to the channel's month. A row lock keeps two
    workers' counts from overwriting each other."""
    month = this_month()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                usage, _created = ApiUsage.objects.select_for_update().get_or_create(
                    channel_id=channel_id, month=month
                )
                usage.requests += count if requests is None else requests
                usage.by_kind[kind] = usage.by_kind.get(kind, 0) + count
                usage.save(update_fields=["requests", "by_kind"])
                return
        except IntegrityError:  # another worker created the month's row first
            continue
