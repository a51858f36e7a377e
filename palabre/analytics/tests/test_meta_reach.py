"""The reach alert on real channels: a Facebook Page's and an Instagram account's daily
reach, read from their insights on the Graph API double by the daily step, after four weeks
of ordinary days and two low ones, raises the alert on the third low day."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from palabre.analytics.collect import channel_daily_collect, channel_daily_ensure
from palabre.analytics.models import ChannelDay, ReachAlert
from palabre.channels.models import Channel
from tests.networks.meta import channels
from tests.networks.meta.double import MetaDouble

pytestmark = pytest.mark.django_db


def _history(channel: Channel, *, low: int) -> None:
    today = channel.workspace.local_date()
    for n in range(3, 31):  # the baseline: four weeks of ordinary days
        ChannelDay.objects.create(
            channel=channel, day=today - timedelta(days=n), followers=900, reach=1000 + n
        )
    for n in (1, 2):  # two low days already
        ChannelDay.objects.create(
            channel=channel, day=today - timedelta(days=n), followers=900, reach=low
        )


def _collect(channel: Channel) -> ChannelDay:
    channel_daily_collect(channel_daily_ensure(channel))
    return ChannelDay.objects.get(channel=channel, day=channel.workspace.local_date())


def _last_days() -> list[str]:
    now = time.time()
    return [time.strftime("%Y-%m-%d", time.gmtime(now - n * 86400)) for n in range(4)]


def test_a_facebook_pages_third_low_day_raises_the_alert(
    meta_double: MetaDouble, cast: Any
) -> None:
    connected = channels.facebook(meta_double, cast.workspace)
    assert connected.page is not None
    _history(connected.channel, low=120)
    for day in _last_days():
        connected.page.reach_by_day[day] = 95
    today = _collect(connected.channel)
    assert (today.followers, today.reach) == (1200, 95)
    [alert] = ReachAlert.objects.filter(channel=connected.channel)
    assert alert.reach == 95 and alert.threshold > 95


def test_an_instagram_accounts_ordinary_day_raises_nothing(
    meta_double: MetaDouble, cast: Any
) -> None:
    connected = channels.instagram(meta_double, cast.workspace)
    assert connected.ig is not None
    _history(connected.channel, low=120)
    connected.ig.follower_count_by_day["reach"] = 1040
    today = _collect(connected.channel)
    assert (today.followers, today.reach) == (800, 1040)
    assert not ReachAlert.objects.exists()
    connected.ig.follower_count_by_day["reach"] = 80  # the next reading: a third low day
    assert _collect(connected.channel).reach == 80
    assert ReachAlert.objects.filter(channel=connected.channel).count() == 1


def test_a_day_the_network_gives_no_reach_records_the_followers_only(
    meta_double: MetaDouble, cast: Any
) -> None:
    connected = channels.facebook(meta_double, cast.workspace)
    meta_double.fail(f"/{meta_double.version}/*/insights", code=100, times=1)
    today = _collect(connected.channel)
    assert (today.followers, today.reach) == (1200, None)
    assert not ReachAlert.objects.exists()
