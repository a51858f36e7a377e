"""Return per network: time and money in, people, clicks and conversions out.

Assumptions, stated on the page beside the figures:
- time costs the strategy's hourly cost, whoever spent it;
- a conversion belongs to the network of its tracked link, or to the network it was
  imported with; one without either is "not attributed" and counts for no network;
- engaged people: distinct people who interacted with us on that network in the period
  (follows, abuse and spam aside), the same rule as the community funnel;
- return on investment = (conversion value − cost) ÷ cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from palabre.accounts.models import Workspace
from palabre.analytics.community import counted_interactions
from palabre.channels.models import Channel
from palabre.inbox.models import Interaction
from palabre.networks.kinds import NETWORKS
from palabre.strategy.models import AdSpend, Click, Conversion, Strategy
from palabre.strategy.timesheet import minutes_by_network, weekly_budgets

FEW_CONVERSIONS = 5  # under this, a return on investment is told as too early to judge
ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class NetworkReturn:
    network: str
    label: str
    planned: bool
    minutes: int
    budget_minutes: int  # per week, over the period's weeks
    time_cost: Decimal
    ad_spend: Decimal
    engaged: int
    clicks: int
    conversions: int
    revenue: Decimal

    @property
    def cost(self) -> Decimal:
        return self.time_cost + self.ad_spend

    def _per(self, count: int) -> Decimal | None:
        return (self.cost / count).quantize(CENT) if count and self.cost else None

    @property
    def per_engaged(self) -> Decimal | None:
        return self._per(self.engaged)

    @property
    def per_click(self) -> Decimal | None:
        return self._per(self.clicks)

    @property
    def per_conversion(self) -> Decimal | None:
        return self._per(self.conversions)

    @property
    def roi_percent(self) -> int | None:
        if not self.cost:
            return None
        return round((self.revenue - self.cost) / self.cost * 100)

    @property
    def judged_roi_percent(self) -> int | None:
        """The return the page prints: none on fewer conversions than FEW_CONVERSIONS (the
        page said "too few to judge" beside a return of −100 % or 943 %)."""
        return self.roi_percent if self.conversions >= FEW_CONVERSIONS else None

    @property
    def verdict(self) -> str:
        """A code the page turns into a sentence (see _verdict.html)."""
        if not self.cost:
            return "no_cost"
        if self.conversions:
            if self.conversions < FEW_CONVERSIONS:
                return "too_few"
            return "pays" if self.revenue >= self.cost else "costs_more"
        if self.engaged or self.clicks:
            return "community_only"
        return "nothing"


@dataclass(frozen=True)
class Returns:
    rows: list[NetworkReturn]
    hourly_cost: Decimal
    currency: str
    unattributed_conversions: int
    unattributed_revenue: Decimal


def network_returns(
    *, workspace: Workspace, strategy: Strategy, start: datetime, end: datetime
) -> Returns:
    hourly = strategy.hourly_cost
    minutes = minutes_by_network(workspace, start, end)
    tz = workspace.tzinfo
    last_day = (end - timedelta(microseconds=1)).astimezone(tz).date()
    spend = dict(
        AdSpend.objects.filter(
            workspace=workspace, spent_on__range=(start.astimezone(tz).date(), last_day)
        )
        .values_list("network")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    engaged = dict(
        Interaction.objects.filter(counted_interactions(workspace, start), created_at__lt=end)
        .values_list("identity__network")
        .annotate(n=Count("identity__contact_id", distinct=True))
        .order_by()
    )
    clicks = dict(
        Click.objects.filter(link__workspace=workspace, at__gte=start, at__lt=end)
        .values_list("link__network")
        .annotate(n=Count("id"))
        .order_by()
    )
    conversions = {
        network: (n, value or ZERO)
        for network, n, value in Conversion.objects.filter(
            workspace=workspace, occurred_at__gte=start, occurred_at__lt=end
        )
        .values_list("network")
        .annotate(n=Count("id"), value=Sum("value"))
        .order_by()
        .values_list("network", "n", "value")
    }
    budgets = weekly_budgets(workspace)
    used = set(Channel.objects.filter(workspace=workspace).values_list("network", flat=True))
    keys = set(budgets) | used | set(minutes) | set(spend) | {k for k in conversions if k}
    weeks = Decimal((end - start).total_seconds()) / Decimal(7 * 86400)
    rows = []
    for key in sorted(keys & set(NETWORKS), key=lambda k: (k not in budgets, k)):
        spent = minutes.get(key, 0)
        n, value = conversions.get(key, (0, ZERO))
        rows.append(
            NetworkReturn(
                network=key,
                label=str(NETWORKS[key].label),
                planned=key in budgets,
                minutes=spent,
                budget_minutes=round(budgets.get(key, 0) * weeks),
                time_cost=(Decimal(spent) / 60 * hourly).quantize(CENT),
                ad_spend=spend.get(key) or ZERO,
                engaged=engaged.get(key, 0),
                clicks=clicks.get(key, 0),
                conversions=n,
                revenue=value,
            )
        )
    lost_n, lost_value = conversions.get("", (0, ZERO))
    return Returns(rows, hourly, strategy.currency, lost_n, lost_value)
