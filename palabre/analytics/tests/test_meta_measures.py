"""Saves and video views (Facebook's and Instagram's insights) collected and shown only where
a network gives them; the reach alert on channels whose network gives reach, and silent on
those that give none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.analytics.collect import channel_daily_collect, post_stat_collect
from palabre.analytics.metrics import Scope
from palabre.analytics.models import ChannelDaily, ChannelDay, PostStat, ReachAlert
from palabre.analytics.tables import channels_table, posts_table
from palabre.channels import connectors
from palabre.channels.models import Channel
from palabre.inbox.tests.helpers import published
from palabre.lib.tests.csvfiles import csv_rows
from palabre.networks.base import AccountMetrics, PostMetrics
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.registry import CONNECTORS

pytestmark = pytest.mark.django_db


class Measured(DemoConnector):
    """A network that says what the test tells it to."""

    key = "measured"
    post_figures = PostMetrics()
    account_figures = AccountMetrics(followers=1000)

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        return dict.fromkeys(remote_ids, Measured.post_figures)

    def account_metrics(self) -> AccountMetrics:
        return Measured.account_figures


@pytest.fixture
def measured(monkeypatch):
    monkeypatch.setitem(CONNECTORS, Measured.key, f"{__name__}.Measured")
    Measured.post_figures, Measured.account_figures = PostMetrics(), AccountMetrics(1000)


def _stat(cast, network: str = "instagram", connector: str = "demo") -> PostStat:
    target = published(cast.workspace, cast.bob, network=network)
    Channel.objects.filter(pk=target.channel_id).update(connector=connector)
    connectors.forget_all()  # the worker's connector was made for the demo network
    return PostStat.objects.select_related("channel", "target").get(target=target)


def test_saves_and_video_views_are_collected_where_the_network_gives_them(cast, measured) -> None:
    stat = _stat(cast, connector="measured")
    Measured.post_figures = PostMetrics(likes=4, reach=300, saves=12, video_views=845)
    post_stat_collect(stat)
    stat.refresh_from_db()
    assert (stat.likes, stat.reach, stat.saves, stat.video_views) == (4, 300, 12, 845)


def test_a_network_that_gives_none_leaves_them_unknown_not_zero(cast) -> None:
    stat = _stat(cast, network="bluesky")  # the demo network gives no saves
    post_stat_collect(stat)
    stat.refresh_from_db()
    assert stat.collections == 1 and (stat.saves, stat.video_views) == (None, None)


def _scope(cast) -> Scope:
    now = timezone.now()
    return Scope(cast.workspace, now - timedelta(days=30), now + timedelta(days=1))


def test_the_reports_show_saves_and_video_views_and_a_dash_where_unknown(cast) -> None:
    instagram = _stat(cast, network="instagram")
    bluesky = _stat(cast, network="bluesky")
    PostStat.objects.filter(pk=instagram.pk).update(saves=12, video_views=1500, likes=9)
    PostStat.objects.filter(pk=bluesky.pk).update(saves=None, video_views=None, likes=1)
    with translation.override("en"):
        table = posts_table(_scope(cast))
        keys = [c.key for c in table.columns]
        rows = table.displayed()
    assert keys.index("saves") == keys.index("impressions") + 1
    by_channel = {row[1][1]: {c.key: text for c, text, _d in row} for row in rows}
    assert by_channel[instagram.channel.name]["saves"] == "12"
    assert by_channel[instagram.channel.name]["video_views"] == "1,500"
    assert by_channel[bluesky.channel.name]["saves"] == "–"  # not 0
    assert by_channel[bluesky.channel.name]["video_views"] == "–"
    header, *lines = csv_rows(table.csv(tz=cast.workspace.tzinfo))
    saves, views = header.index("Saves"), header.index("Video views")
    assert sorted((line[saves], line[views]) for line in lines) == [("", ""), ("12", "1500")]


def test_the_channels_table_sums_only_what_was_given(cast) -> None:
    first = _stat(cast, network="instagram")
    PostStat.objects.filter(pk=first.pk).update(saves=5, video_views=None)
    bluesky = _stat(cast, network="bluesky")
    with translation.override("en"):
        rows = channels_table(_scope(cast)).displayed()
    cells = {row[0][1]: {c.key: text for c, text, _d in row} for row in rows}
    assert cells[first.channel.name]["saves"] == "5"
    assert cells[first.channel.name]["video_views"] == "–"
    assert cells[bluesky.channel.name]["saves"] == "–"


def test_the_reports_page_keeps_the_wide_columns_for_the_csv(client: Client, cast) -> None:
    stat = _stat(cast, network="instagram")
    PostStat.objects.filter(pk=stat.pk).update(saves=33, video_views=4321)
    cast.nina.language = "en"
    cast.nina.save(update_fields=["language"])
    client.force_login(cast.nina)  # the analyst
    page = client.get("/w/lumiere/reports/").content.decode()
    # The page fits the screen: saves and video views are in the CSV, and it says so.
    assert ">4,321</td>" not in page and "more columns in the CSV." in page
    header, *lines = csv_rows(
        client.get("/w/lumiere/reports/posts.csv").content.decode("utf-8-sig")
    )
    assert "Saves" in header and "Video views" in header
    assert [(line[header.index("Saves")], line[header.index("Video views")]) for line in lines] == [
        ("33", "4321")
    ]
    definitions = client.get("/w/lumiere/reports/definitions/").content.decode()
    assert "People who kept the post" in definitions  # what the figure means


# --- The reach alert on real channels -------------------------------------------------------


def _baseline(channel: Channel, *, days: int = 28, reach: int | None = 100) -> None:
    today = channel.workspace.local_date()
    for back in range(days + 2, 2, -1):
        ChannelDay.objects.update_or_create(
            channel=channel,
            day=today - timedelta(days=back),
            defaults={"followers": 1000, "reach": None if reach is None else reach + back % 7},
        )


def _daily(channel: Channel) -> None:
    channel_daily_collect(ChannelDaily.objects.get(channel=channel))


def test_the_reach_alert_fires_through_the_daily_step_of_a_network_giving_reach(
    cast, measured
) -> None:
    channel = _stat(cast, connector="measured").channel
    _baseline(channel)
    today = channel.workspace.local_date()
    for back in (2, 1):
        ChannelDay.objects.create(
            channel=channel, day=today - timedelta(days=back), followers=1000, reach=20
        )
    Measured.account_figures = AccountMetrics(followers=1000, reach=20)
    _daily(channel)
    [alert] = ReachAlert.objects.filter(channel=channel)
    assert (alert.day, alert.reach) == (today, 20)


def test_no_alert_on_a_network_that_gives_no_reach(cast, measured) -> None:
    channel = _stat(cast, connector="measured").channel
    _baseline(channel)  # reach known once (another connection, an older API)…
    Measured.account_figures = AccountMetrics(followers=1000, reach=None)
    today = channel.workspace.local_date()
    for back in (2, 1):
        ChannelDay.objects.create(
            channel=channel, day=today - timedelta(days=back), followers=1000, reach=None
        )
    _daily(channel)  # …and none for three days: unknown, not low
    assert ChannelDay.objects.get(channel=channel, day=today).reach is None
    assert not ReachAlert.objects.exists()


def test_no_alert_when_one_of_the_three_days_is_unknown(cast, measured) -> None:
    channel = _stat(cast, connector="measured").channel
    _baseline(channel)
    today = channel.workspace.local_date()
    ChannelDay.objects.create(
        channel=channel, day=today - timedelta(days=2), followers=1000, reach=20
    )
    ChannelDay.objects.create(
        channel=channel, day=today - timedelta(days=1), followers=1000, reach=None
    )
    Measured.account_figures = AccountMetrics(followers=1000, reach=20)
    _daily(channel)
    assert not ReachAlert.objects.exists()


def test_no_alert_without_a_baseline_of_known_reach(cast, measured) -> None:
    channel = _stat(cast, connector="measured").channel
    _baseline(channel, reach=None)  # 28 days the network gave no reach
    today = channel.workspace.local_date()
    for back in (2, 1):
        ChannelDay.objects.create(
            channel=channel, day=today - timedelta(days=back), followers=1000, reach=1
        )
    Measured.account_figures = AccountMetrics(followers=1000, reach=1)
    _daily(channel)
    assert not ReachAlert.objects.exists()


# --- Figures no count can be -------------------------------------------------------------

BEYOND = 2**31  # one more than PostgreSQL's integer, the counts' columns, holds


def test_figures_no_count_can_be_leave_the_last_counts_in_place(cast, measured) -> None:
    """A network answering -7 or 10^30 failed the job at the database (a check constraint,
    an integer out of range), every time: the counts it gave in range are recorded, the
    others stay as they were."""
    stat = _stat(cast, connector="measured")
    Measured.post_figures = PostMetrics(likes=4, replies=2, reach=300, saves=12)
    post_stat_collect(stat)
    stat.refresh_from_db()  # as the worker reads it, each time
    Measured.post_figures = PostMetrics(
        likes=10**30, replies=-3, reposts=5, reach=-7, saves=BEYOND, video_views=845
    )
    post_stat_collect(stat)
    stat.refresh_from_db()
    assert (stat.likes, stat.replies, stat.reposts) == (4, 2, 5)
    assert (stat.reach, stat.saves, stat.video_views) == (300, 12, 845)
    assert stat.collections == 2


@pytest.mark.parametrize("followers", [-5, BEYOND, 10**40])
def test_a_follower_count_no_count_can_be_records_no_day(cast, measured, followers) -> None:
    stat = _stat(cast, connector="measured")
    daily = ChannelDaily.objects.get(channel=stat.channel)
    Measured.account_figures = AccountMetrics(followers=followers, following=-1, reach=BEYOND)
    next_at = channel_daily_collect(daily)
    assert next_at is not None  # tomorrow, as on any day
    assert not ChannelDay.objects.filter(channel=stat.channel).exists()
    Measured.account_figures = AccountMetrics(followers=1200, following=-1, reach=BEYOND)
    channel_daily_collect(daily)
    [day] = ChannelDay.objects.filter(channel=stat.channel)
    assert (day.followers, day.following, day.reach) == (1200, None, None)


def test_clicks_are_collected_and_shown_where_the_network_gives_them(cast, measured) -> None:
    linkedin = _stat(cast, network="linkedin", connector="measured")
    Measured.post_figures = PostMetrics(likes=3, impressions=900, clicks=41)
    post_stat_collect(linkedin)
    bluesky = _stat(cast, network="bluesky")
    post_stat_collect(bluesky)
    with translation.override("en"):
        rows = posts_table(_scope(cast)).displayed()
    by_channel = {row[1][1]: {c.key: text for c, text, _d in row} for row in rows}
    assert by_channel[linkedin.channel.name]["clicks"] == "41"
    assert by_channel[bluesky.channel.name]["clicks"] == "–"  # unknown, not 0
