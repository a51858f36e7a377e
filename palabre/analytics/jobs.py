from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from palabre.analytics.collect import channel_daily_collect, post_stat_collect
from palabre.analytics.community import community_refresh_run
from palabre.analytics.models import ChannelDaily, CommunityRefresh, MonthlyReport, PostStat
from palabre.analytics.report import monthly_report_send
from palabre.channels.models import ChannelStatus
from palabre.worker.jobs import Job

ACTIVE = Q(channel__status=ChannelStatus.ACTIVE)

JOBS = [
    Job(name="analytics-post", model=PostStat, handle=post_stat_collect, due=ACTIVE),
    Job(
        name="analytics-daily",
        model=ChannelDaily,
        handle=channel_daily_collect,
        due=ACTIVE,
        max_attempts=1_000_000,  # a network down for a day must not stop the history
        backoff_max=timedelta(hours=2),
    ),
    Job(
        name="analytics-community",
        model=CommunityRefresh,
        handle=community_refresh_run,
        lease=timedelta(minutes=30),
    ),
    Job(
        name="analytics-report",
        model=MonthlyReport,
        handle=monthly_report_send,
        lease=timedelta(minutes=30),
    ),
]
