"""Reading figures from the networks: post counts on a decaying schedule, account figures
daily, and the reach alert that watches the daily series."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

import numpy as np
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palabre.analytics.metrics import followers_by_channel
from palabre.analytics.models import ChannelDaily, ChannelDay, PostStat, ReachAlert
from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.models import Channel
from palabre.channels.services import channel_mark_needs_reconnect, channel_server_refresh
from palabre.networks.base import (
    AuthExpired,
    Capability,
    Connector,
    ConnectorError,
    RateLimited,
    Rejected,
)
from palabre.publishing.limits import channel_publishing_limit_refresh
from palabre.publishing.models import PostTarget
from palabre.publishing.notices import notice_send
from palabre.webhooks.emit import reach_alert_emit

log = logging.getLogger("palabre.analytics")

# Counts move fast in the first hours and hardly at all after a month.
COLLECT_AFTER = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
    timedelta(days=30),
)
URL = re.compile(r"https?://\S+", re.IGNORECASE)

# The reach alert: 3 days running under the 10th percentile of the 28 days before them.
ALERT_DAYS, BASELINE_DAYS, BASELINE_MIN = 3, 28, 21
REACH_LOW = gettext_noop(
    "Reach on %(channel)s has stayed unusually low for 3 days (%(reach)s on the last "
    "one, when 9 days in 10 of the 28 before were above %(threshold)s). The network may "
    "have changed how it shows posts."
)
# The words of the notices sent before 2026-12-07, still translated where they are read.
REACH_LOW_BEFORE = gettext_noop(
    "Reach on %(channel)s has stayed under its usual level for 3 days "
    "(%(reach)s against a 10th percentile of %(threshold)s over the 28 days "
    "before). The network may have changed how it shows posts."
)


def media_format(target: PostTarget) -> str:
    """video, document, image, thread, link or text: the shape a reader sees first."""
    variant = target.variant
    kinds = {m.kind for m in variant.media.all()}
    if "video" in kinds:
        return "video"
    if "document" in kinds:  # a LinkedIn PDF carousel
        return "document"
    if kinds:
        return "image"
    if variant.thread:
        return "thread"
    if URL.search(variant.text):
        return "link"
    return "text"


def followers_on(channel: Channel, day: date) -> int | None:
    return followers_by_channel(channel.workspace, day, (channel.pk,)).get(channel.pk)


def post_stat_ensure(*, target: PostTarget) -> PostStat:
    """The stat row of a post now live, with its features; first read an hour later."""
    target = PostTarget.objects.select_related("post", "variant", "channel__workspace").get(
        pk=target.pk
    )
    published = target.published_at or timezone.now()
    local = published.astimezone(target.channel.workspace.tzinfo)
    stat, _created = PostStat.objects.get_or_create(
        target=target,
        defaults={
            "workspace_id": target.post.workspace_id,
            "channel": target.channel,
            "published_at": published,
            "followers": followers_on(target.channel, local.date()),
            "weekday": local.weekday(),
            "hour": local.hour,
            "media_format": media_format(target),
            "length": len(target.variant.text),
            "category": target.post.category,
            "next_attempt_at": published + COLLECT_AFTER[0],
        },
    )
    return stat


def post_stat_collect(stat: PostStat) -> datetime | None:
    """The worker's step: read the post's counts, then say when to read them next."""
    channel = stat.channel
    connector = connector_for(channel)
    if not connector.supports(Capability.POST_METRICS):
        return None
    remote_id = stat.target.remote_id
    try:
        found = connector.post_metrics(remote_ids=[remote_id]).get(remote_id)
    except RateLimited as error:
        raise wait_out(error) from None
    except AuthExpired as error:
        channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        return timezone.now() + timedelta(days=1)
    except Rejected as error:  # deleted on the network: its last counts stay
        log.info("analytics: post %s no longer readable: %s", remote_id, error.reason)
        return None
    done = stat.collections + 1
    if found is not None:
        # None where the network does not say (saves, video views: shown as such, never as
        # 0). A figure no count can be leaves the last one in place.
        counts = {name: getattr(found, name) for name in COUNTS}
        PostStat.objects.filter(pk=stat.pk).update(
            **{name: n for name, n in counts.items() if n is None or _count(n) is not None},
            collections=done,
            collected_at=timezone.now(),
        )
    return _next_collection(stat.published_at, done)


COUNTS = (
    "likes",
    "reposts",
    "replies",
    "quotes",
    "impressions",
    "reach",
    "saves",
    "video_views",
    "clicks",
)
MAX_COUNT = 2**31 - 1  # PostgreSQL's integer, the counts' columns


def _count(value: int | None) -> int | None:
    """A count as a network gave it, or None when it can be none (negative, or beyond any
    column: believed, it failed the job at the database each time)."""
    return value if value is not None and 0 <= value <= MAX_COUNT else None


def _next_collection(published: datetime, done: int) -> datetime | None:
    now = timezone.now()
    for after in COLLECT_AFTER[done:]:
        if published + after > now:
            return published + after
    return None


def channel_daily_ensure(channel: Channel) -> ChannelDaily:
    daily, _created = ChannelDaily.objects.get_or_create(
        channel=channel, defaults={"next_attempt_at": timezone.now()}
    )
    return daily


def channel_daily_collect(daily: ChannelDaily) -> datetime | None:
    """The worker's step: today's followers (and reach, where given), then tomorrow."""
    channel = daily.channel
    # Once a day is also how often a channel's server is read again (an upgrade changes its
    # limits, and whether it honours idempotency keys): before the connector is made.
    channel_server_refresh(channel=channel)
    connector = connector_for(channel)
    _publishing_limit_refresh(channel, connector)
    if not connector.supports(Capability.ACCOUNT_METRICS):
        return None
    try:
        figures = connector.account_metrics()
    except RateLimited as error:
        raise wait_out(error) from None
    except AuthExpired as error:
        channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        return timezone.now() + timedelta(days=1)
    followers = _count(figures.followers)
    if followers is None:
        log.info("analytics: channel %s: %r followers is no count", channel.pk, figures.followers)
        return timezone.now() + timedelta(days=1)
    today = channel.workspace.local_date()
    channel_day_record(
        channel=channel,
        day=today,
        followers=followers,
        following=_count(figures.following),
        reach=_count(figures.reach),
    )
    return timezone.now() + timedelta(days=1)


def _publishing_limit_refresh(channel: Channel, connector: Connector) -> None:
    """The daily quota read again once a day even when nothing is published, so that the
    calendar's warnings know it (publishing/limits.py). Its failure stops nothing here: the
    account's figures are read next, and say whether the credentials still work."""
    try:
        channel_publishing_limit_refresh(channel=channel, connector=connector, force=True)
    except ConnectorError as error:
        log.info("analytics: publishing limit of channel %s not read: %s", channel.pk, error)


def channel_day_record(
    *, channel: Channel, day: date, followers: int, following: int | None, reach: int | None
) -> ChannelDay:
    row, _created = ChannelDay.objects.update_or_create(
        channel=channel,
        day=day,
        defaults={"followers": followers, "following": following, "reach": reach},
    )
    if reach is not None:
        reach_alert_check(channel=channel, day=day)
    return row


def reach_threshold(values: list[int]) -> float | None:
    """The 10th percentile of the baseline, or None when too few days are known."""
    if len(values) < BASELINE_MIN:
        return None
    return float(np.percentile(values, 10))


def reach_alert_check(*, channel: Channel, day: date) -> ReachAlert | None:
    """Raise the alert on the third low day in a row; one alert per low spell."""
    start = day - timedelta(days=ALERT_DAYS + BASELINE_DAYS - 1)
    series = dict(
        ChannelDay.objects.filter(
            channel=channel, day__gte=start, day__lte=day, reach__isnull=False
        ).values_list("day", "reach")
    )
    recent = [series.get(day - timedelta(days=n)) for n in range(ALERT_DAYS)]
    baseline = [
        v for d, v in series.items() if v is not None and d <= day - timedelta(days=ALERT_DAYS)
    ]
    threshold = reach_threshold(baseline)
    if threshold is None or any(v is None or v >= threshold for v in recent):
        return None
    if ReachAlert.objects.filter(
        channel=channel, day__gte=day - timedelta(days=ALERT_DAYS)
    ).exists():
        return None  # the same spell, already told
    alert = ReachAlert.objects.create(
        channel=channel, day=day, reach=recent[0] or 0, threshold=threshold
    )
    _tell_managers(alert)
    reach_alert_emit(alert=alert)
    return alert


def _tell_managers(alert: ReachAlert) -> None:
    channel = alert.channel
    workspace = channel.workspace
    link = reverse("reports", args=[workspace.slug]) + f"?channel={channel.pk}"
    params = {"channel": channel.name, "reach": alert.reach, "threshold": round(alert.threshold)}
    for user in workspace.managers():
        notice_send(workspace=workspace, user=user, message=REACH_LOW, params=params, url=link)
