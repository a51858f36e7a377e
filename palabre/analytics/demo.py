"""The reports' part of the demo: a year of history on the bakery's channels, a reach
alert on Instagram, and the monthly report sent to the owner and the approver."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Min, OuterRef, Subquery

from palabre.accounts.models import User, Workspace
from palabre.analytics.collect import channel_day_record
from palabre.analytics.models import ChannelDay, MonthlyReport
from palabre.analytics.seed import Plan, history_seed
from palabre.channels.models import Channel
from palabre.inbox.models import Identity, Interaction
from palabre.networks.demo.models import DemoAccount

DEMO_PLAN = Plan(months=12, interactions=6_000, posts_per_week=2.0, open_days=0, seed=11)


def demo_analytics(workspace: Workspace, author: User, recipients: list[User]) -> None:
    channels = list(Channel.objects.filter(workspace=workspace).order_by("pk"))
    followers = dict(
        DemoAccount.objects.filter(channel__in=channels).values_list("channel_id", "followers")
    )
    history_seed(
        workspace=workspace, channels=channels, author=author, plan=DEMO_PLAN, followers=followers
    )
    _seen_when_they_wrote(workspace)
    _reach_drop(next(c for c in channels if c.network == "instagram"))
    report, _created = MonthlyReport.objects.get_or_create(workspace=workspace)
    report.recipients.set(recipients)


def _seen_when_they_wrote(workspace: Workspace) -> None:
    """Each account seen from its first interaction to its last, as ingesting them would
    have said (the seeded history dates every account over the whole year)."""
    theirs = Interaction.objects.filter(identity=OuterRef("pk")).values("identity")
    first = theirs.annotate(at=Min("created_at")).values("at")
    last = theirs.annotate(at=Max("created_at")).values("at")
    seen = Identity.objects.filter(workspace=workspace, interactions__isnull=False).distinct()
    Identity.objects.filter(pk__in=seen.values("pk")).update(
        first_seen=Subquery(first), last_seen=Subquery(last)
    )


def _reach_drop(channel: Channel) -> None:
    """The last three days at a third of their usual reach: the alert fires on the third."""
    today = channel.workspace.local_date()
    for back in (2, 1, 0):
        day = today - timedelta(days=back)
        usual = ChannelDay.objects.filter(channel=channel, day__lt=day).order_by("-day").first()
        followers = usual.followers if usual else 1000
        channel_day_record(
            channel=channel, day=day, followers=followers, following=None, reach=followers // 12
        )
