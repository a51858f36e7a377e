"""What X channels cost this month, the workspace's cap stopping the inbox's polls (with one
notice), and the poll interval each channel may choose."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import User
from palabre.channels.models import Channel, XCapNotice
from palabre.channels.usage import usage_record
from palabre.channels.x_cost import (
    channel_x_month,
    poll_estimate,
    workspace_x_month,
    x_poll_over_cap,
    x_prices,
)
from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll, poll_interval
from palabre.networks.base import Capability, InteractionPage
from palabre.publishing.models import Notice

CHANNELS = "/w/lumiere/settings/channels/"


def _x(workspace: Any, account: str = "1") -> Channel:
    return Channel.objects.create(
        workspace=workspace, network="x", connector="x", name=f"X {account}", account_id=account
    )


@pytest.fixture
def owner(client: Client, cast: Any) -> Client:
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


def test_the_month_is_priced_from_the_table(cast: Any) -> None:
    channel, other = _x(cast.workspace), _x(cast.workspace, "2")
    usage_record(channel_id=channel.pk, kind="post_read", count=100)  # 100 × $0.005
    usage_record(channel_id=channel.pk, kind="post_create", count=2)  # 2 × $0.015
    usage_record(channel_id=other.pk, kind="something_new")  # unpriced: the default, $0.015
    assert channel_x_month(channel).requests == 102
    assert channel_x_month(channel).usd == Decimal("0.53")
    assert workspace_x_month(cast.workspace).usd == Decimal("0.545")
    assert workspace_x_month(cast.other_workspace).usd == 0


def test_the_instance_overrides_prices(cast: Any, settings: Any) -> None:
    settings.PALABRE_X_PRICES = '{"post_read": 0.001, "default": 1}'
    channel = _x(cast.workspace)
    usage_record(channel_id=channel.pk, kind="post_read", count=1000)
    usage_record(channel_id=channel.pk, kind="unknown_kind")
    assert channel_x_month(channel).usd == Decimal("2.000")
    assert x_prices()["post_create"] == Decimal("0.015")  # the rest stays


@pytest.mark.parametrize(
    "raw", ["[1, 2]", "{not json", '{"post_read": -1}', '{"a": "NaN"}', '{"a": 1e999999999}']
)
def test_a_malformed_price_table_keeps_the_defaults(raw: str, settings: Any) -> None:
    settings.PALABRE_X_PRICES = raw
    assert x_prices()["post_read"] == Decimal("0.005")


def test_polling_stops_before_the_cap_and_the_owners_are_told_once(cast: Any) -> None:
    channel, second = _x(cast.workspace), _x(cast.workspace, "2")
    cast.workspace.x_monthly_cap_usd = Decimal("1.00")
    cast.workspace.save()
    usage_record(channel_id=channel.pk, kind="post_read", count=140)  # $0.70
    assert not x_poll_over_cap(channel)  # $0.70 + a full page ($0.25) stays under $1
    usage_record(channel_id=second.pk, kind="post_read", count=20)  # $0.80 for the workspace
    assert x_poll_over_cap(channel) and x_poll_over_cap(second)
    notices = Notice.objects.filter(workspace=cast.workspace)
    owners = {n.user for n in notices}
    assert cast.alice in owners and len(notices) == len(owners)  # once each, not per channel
    assert "L’interrogation de X est suspendue" in notices[0].text  # the owners read French
    assert "0.80" in notices[0].text
    assert XCapNotice.objects.count() == 1
    # Another workspace's X channel is not held by this one's cap.
    assert not x_poll_over_cap(_x(cast.other_workspace, "3"))
    # A raised cap lets the polls go on.
    cast.workspace.x_monthly_cap_usd = Decimal("5")
    cast.workspace.save()
    assert not x_poll_over_cap(Channel.objects.get(pk=channel.pk))


def test_no_cap_never_stops(cast: Any) -> None:
    channel = _x(cast.workspace)
    usage_record(channel_id=channel.pk, kind="post_read", count=100_000)
    assert not x_poll_over_cap(channel)


def test_the_inbox_poll_skips_an_x_channel_at_the_cap(cast: Any) -> None:
    channel = _x(cast.workspace)
    cast.workspace.x_monthly_cap_usd = poll_estimate()  # nothing spent, one poll would reach it
    cast.workspace.save()
    usage_record(channel_id=channel.pk, kind="post_read")
    connector = mock.Mock(capabilities=Capability.FETCH_MENTIONS)
    connector.fetch_interactions.return_value = InteractionPage(items=(), next_cursor=None)
    sync = channel_sync_ensure(channel)
    with mock.patch("palabre.inbox.ingest.connector_for", return_value=connector):
        due = channel_sync_poll(sync)
        assert connector.fetch_interactions.call_count == 0  # no request to X
        assert due is not None and due > timezone.now() + timedelta(minutes=29)
        cast.workspace.x_monthly_cap_usd = None
        cast.workspace.save()
        channel_sync_poll(channel_sync_ensure(Channel.objects.get(pk=channel.pk)))
        assert connector.fetch_interactions.call_count == 1


def test_x_polls_every_30_minutes_unless_the_channel_says(cast: Any) -> None:
    channel = _x(cast.workspace)
    assert poll_interval(channel) == timedelta(minutes=30)
    channel.poll_minutes = 120
    assert poll_interval(channel) == timedelta(minutes=120)


def test_the_channel_screen_shows_the_month_and_sets_the_interval(owner: Client, cast: Any) -> None:
    channel = _x(cast.workspace)
    usage_record(channel_id=channel.pk, kind="post_read", count=40)
    page = html.unescape(owner.get(CHANNELS).content.decode())
    assert "40 requests to X this month, about $0.20" in page
    assert "X this month for this workspace: 40 requests, about $0.20." in page
    assert "No monthly cap" in page
    assert "every 30 minutes (default)" in page
    answer = owner.post(f"{CHANNELS}{channel.pk}/poll/", {"poll_minutes": "90"})
    assert answer["Location"] == CHANNELS
    assert Channel.objects.get(pk=channel.pk).poll_minutes == 90
    owner.post(f"{CHANNELS}{channel.pk}/poll/", {"poll_minutes": ""})  # back to the default
    assert Channel.objects.get(pk=channel.pk).poll_minutes is None
    owner.post(f"{CHANNELS}{channel.pk}/poll/", {"poll_minutes": "0"})
    assert Channel.objects.get(pk=channel.pk).poll_minutes is None  # refused


def test_an_outsider_cannot_set_the_interval(client: Client, cast: Any) -> None:
    channel = _x(cast.workspace)
    client.force_login(cast.charlie)
    assert client.post(f"{CHANNELS}{channel.pk}/poll/", {"poll_minutes": "5"}).status_code == 404


def test_the_owner_sets_the_cap_in_workspace_settings(owner: Client, cast: Any) -> None:
    form = {"name": "Lumière", "timezone": "Europe/Paris", "crosspost_percent": "90"}
    owner.post("/w/lumiere/settings/", {**form, "x_monthly_cap_usd": "25.50"})
    cast.workspace.refresh_from_db()
    assert cast.workspace.x_monthly_cap_usd == Decimal("25.50")
    owner.post("/w/lumiere/settings/", {**form, "x_monthly_cap_usd": ""})
    cast.workspace.refresh_from_db()
    assert cast.workspace.x_monthly_cap_usd is None


def test_a_shorter_interval_brings_the_next_poll_forward(cast: Any) -> None:
    from palabre.channels.services import channel_set_poll_minutes
    from palabre.inbox.models import ChannelSync

    channel = _x(cast.workspace)
    polled = timezone.now() - timedelta(minutes=5)
    sync = ChannelSync.objects.get(channel=channel)  # made with the channel
    sync.last_polled_at, sync.next_attempt_at = polled, polled + timedelta(minutes=30)
    sync.save()
    channel_set_poll_minutes(channel=channel, poll_minutes=10)
    sync.refresh_from_db()
    assert sync.next_attempt_at == polled + timedelta(minutes=10)  # not 25 minutes from now
    channel_set_poll_minutes(channel=channel, poll_minutes=120)  # longer: the plan stays
    sync.refresh_from_db()
    assert sync.next_attempt_at == polled + timedelta(minutes=10)
