"""Monthly totals of the inbox, recomputed for the recent months every hour."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics.metrics import NOT_TO_ANSWER
from palabre.analytics.models import MonthStat
from palabre.inbox.models import CONVERSATION_KINDS, Interaction
from palabre.lib.months import first_of_month


def month_stats_refresh(*, workspace: Workspace, since: date) -> int:
    """Recount every month from `since` (a first day); returns the rows written."""
    tz = workspace.tzinfo
    start = datetime.combine(since.replace(day=1), datetime.min.time(), tzinfo=tz)
    rows = (
        Interaction.objects.filter(
            workspace=workspace, kind__in=CONVERSATION_KINDS, created_at__gte=start, erased=False
        )
        .exclude(category__in=NOT_TO_ANSWER)
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("channel_id", "month")
        .annotate(n=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    now = timezone.now()
    fresh = [
        MonthStat(
            workspace=workspace,
            channel_id=row["channel_id"],
            month=first_of_month(row["month"]),
            inbound=row["n"],
            answered=row["answered"],
            updated_at=now,
        )
        for row in rows
    ]
    with transaction.atomic():
        MonthStat.objects.filter(workspace=workspace, month__gte=start.date()).delete()
        MonthStat.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)
