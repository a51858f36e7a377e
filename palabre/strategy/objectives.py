"""Objectives against the measured figures: each metric read where the reports read it,
over the last 30 days (community members: as they stand now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics.community import funnel_counts
from palabre.analytics.metrics import Scope, channel_rows, response
from palabre.strategy.models import Click, Conversion, Metric, Objective

WINDOW_DAYS = 30
LOWER_IS_BETTER = {Metric.MEDIAN_RESPONSE}


def current_value(*, workspace: Workspace, metric: str, now: datetime) -> float | None:
    """The metric's value now, in the objective's unit; None when nothing measures it yet."""
    start = now - timedelta(days=WINDOW_DAYS)
    scope = Scope(workspace, start, now, rolling_days=WINDOW_DAYS)
    if metric == Metric.RESPONSE_RATE:
        rate = response(scope).rate.value
        return None if rate is None else rate * 100
    if metric == Metric.MEDIAN_RESPONSE:
        median = response(scope).median_seconds
        return None if median is None else median / 60
    if metric == Metric.MEMBERS:
        return funnel_counts(workspace)["members"]
    if metric == Metric.ENGAGEMENT_RATE:
        rows = channel_rows(scope)
        followers = sum(row.followers_sum for row in rows)
        engaged = sum(row.followers_engagements for row in rows)
        return engaged / followers * 100 if followers else None
    if metric == Metric.CLICKS:
        return Click.objects.filter(link__workspace=workspace, at__gte=start, at__lt=now).count()
    if metric == Metric.CONVERSIONS:
        return Conversion.objects.filter(
            workspace=workspace, occurred_at__gte=start, occurred_at__lt=now
        ).count()
    raise ValueError(metric)


@dataclass(frozen=True)
class Progress:
    objective: Objective
    current: float | None
    today: date

    @property
    def shown(self) -> float | None:
        """The value as the page shows it: one decimal under 10, none above."""
        if self.current is None:
            return None
        return round(self.current, 1) if abs(self.current) < 10 else round(self.current)

    @property
    def fraction(self) -> float:
        """0 to 1, how far along; for a time to bring down, target ÷ current."""
        target, current = float(self.objective.target), self.current
        if current is None:
            return 0.0
        if self.objective.metric in LOWER_IS_BETTER:
            return 1.0 if current <= target else (target / current if current else 0.0)
        return min(current / target, 1.0) if target > 0 else 1.0

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def reached(self) -> bool:
        return self.current is not None and self.fraction >= 1.0

    @property
    def overdue(self) -> bool:
        return not self.reached and self.objective.deadline < self.today

    @property
    def days_left(self) -> int:
        return (self.objective.deadline - self.today).days


def objectives_progress(*, workspace: Workspace) -> list[Progress]:
    now = timezone.now()
    today = workspace.local_date(now)
    values: dict[str, float | None] = {}
    found = []
    for objective in Objective.objects.filter(workspace=workspace):
        if objective.metric not in values:
            values[objective.metric] = current_value(
                workspace=workspace, metric=objective.metric, now=now
            )
        found.append(Progress(objective, values[objective.metric], today))
    return found
