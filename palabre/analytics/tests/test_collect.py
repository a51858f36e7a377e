"""Collection jobs: post counts on a decaying schedule, daily followers, the reach alert."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from palabre.analytics.collect import (
    COLLECT_AFTER,
    channel_daily_collect,
    channel_day_record,
    post_stat_collect,
    reach_alert_check,
)
from palabre.analytics.models import ChannelDaily, ChannelDay, PostStat, ReachAlert
from palabre.inbox.tests.helpers import comment, published
from palabre.networks.demo.models import DemoAccount
from palabre.publishing.models import Notice

pytestmark = pytest.mark.django_db


def test_a_published_post_gets_its_counts_read_on_a_decaying_schedule(cast) -> None:
    target = published(cast.workspace, cast.bob, network="instagram")
    stat = PostStat.objects.get(target=target)
    assert stat.next_attempt_at == target.published_at + COLLECT_AFTER[0]
    assert (stat.media_format, stat.category, stat.length) == (
        "image",  # an Instagram post holds a photo at least
        "helpful",
        len(target.variant.text),
    )
    comment(target, "Superbe !")
    comment(target, "J'aime", kind="like", handle="@leo")
    next_at = post_stat_collect(stat)
    stat.refresh_from_db()
    assert (stat.replies, stat.likes, stat.collections) == (1, 1, 1)
    assert stat.reach is not None and stat.impressions is not None  # the demo network says
    assert next_at == target.published_at + COLLECT_AFTER[1]
    stat.published_at -= timedelta(days=40)  # a month later: nothing more to read
    PostStat.objects.filter(pk=stat.pk).update(published_at=stat.published_at)
    assert post_stat_collect(stat) is None


@pytest.mark.parametrize(("network", "reach"), [("mastodon", None), ("facebook", 107)])
def test_followers_are_read_daily(cast, network: str, reach: int | None) -> None:
    """With the day's reach where the network tells it (Facebook does, Mastodon does not)."""
    target = published(cast.workspace, cast.bob, network=network)
    DemoAccount.objects.update_or_create(channel=target.channel, defaults={"followers": 321})
    daily = ChannelDaily.objects.get(channel=target.channel)
    next_at = channel_daily_collect(daily)
    [day] = ChannelDay.objects.filter(channel=target.channel)
    assert (day.followers, day.reach) == (321, reach)
    assert next_at is not None and next_at > timezone.now() + timedelta(hours=23)
    channel_daily_collect(daily)  # twice the same day: one row, updated
    assert ChannelDay.objects.filter(channel=target.channel).count() == 1


def _series(channel, start: date, values: list[int]) -> None:
    for n, value in enumerate(values):
        ChannelDay.objects.create(
            channel=channel, day=start + timedelta(days=n), followers=1000, reach=value
        )


def test_reach_alert_after_three_low_days(cast) -> None:
    channel = published(cast.workspace, cast.bob).channel
    start = date(2026, 5, 1)
    _series(channel, start, list(range(100, 128)))  # 28 days; p10 = 102.7
    low = start + timedelta(days=28)
    channel_day_record(channel=channel, day=low, followers=1000, following=None, reach=50)
    channel_day_record(
        channel=channel, day=low + timedelta(days=1), followers=1000, following=None, reach=50
    )
    assert not ReachAlert.objects.exists()  # two days are not three
    third = low + timedelta(days=2)
    channel_day_record(channel=channel, day=third, followers=1000, following=None, reach=102)
    [alert] = ReachAlert.objects.all()
    assert (alert.day, alert.reach) == (third, 102)
    assert alert.threshold == pytest.approx(102.7)
    told = set(
        Notice.objects.filter(url__contains="/reports/").values_list("user__email", flat=True)
    )
    assert told == {"alice@example.com", "bob@example.com"}  # owner and manager
    assert len(mail.outbox) == 2
    channel_day_record(
        channel=channel, day=third + timedelta(days=1), followers=1000, following=None, reach=40
    )
    assert ReachAlert.objects.count() == 1  # the same low spell: told once


def test_no_alert_without_a_baseline_or_at_the_usual_level(cast) -> None:
    channel = published(cast.workspace, cast.bob).channel
    start = date(2026, 5, 1)
    _series(channel, start, [100] * 10 + [10, 10, 10])  # 10 days of baseline only
    assert reach_alert_check(channel=channel, day=start + timedelta(days=12)) is None
    _series(channel, start + timedelta(days=13), [100] * 28 + [103, 104, 105])
    assert reach_alert_check(channel=channel, day=start + timedelta(days=43)) is None
