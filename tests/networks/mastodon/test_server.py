"""Server detection against the two real servers: what each says of itself, where it says
it (/api/v2/instance, else /api/v1/instance, then nodeinfo), and the daily re-read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.analytics.collect import channel_daily_collect, channel_daily_ensure
from palabre.analytics.models import ChannelDay
from palabre.channels.connectors import connector_for
from palabre.channels.models import Channel
from palabre.channels.services import channel_server_refresh
from palabre.networks.mastodon import server
from tests.networks.harness import NetworkServer

pytestmark = pytest.mark.network


def test_each_server_is_described_from_its_own_documents(mastodon_server: NetworkServer) -> None:
    found = server.detect(mastodon_server.base_url)
    assert found is not None
    assert {k: found[k] for k in ("software", "version")} == mastodon_server.described_as
    assert found["domain"] == mastodon_server.base_url.removeprefix("https://")
    assert found["limits"] == {
        "characters": 500,
        "characters_reserved_per_url": 23,
        "media_attachments": 4,
        "poll_options": 4,
    }
    assert server.honours_idempotency(found) is mastodon_server.honours_idempotency


def test_an_older_server_is_read_from_v1_then_from_nodeinfo_alone(
    mastodon_mock_server: NetworkServer,
) -> None:
    """Before Mastodon 4.0 there is no /api/v2/instance; some servers answer neither."""
    faults = mastodon_mock_server.faults
    assert faults is not None
    try:
        faults.status("/api/v2/instance", 404)
        found = server.detect(mastodon_mock_server.base_url)
        assert found is not None and found["software"] == "mastodon"
        assert found["limits"]["characters"] == 500  # from v1's configuration

        faults.status("/api/v2/instance", 404)
        faults.status("/api/v1/instance", 404)
        found = server.detect(mastodon_mock_server.base_url)
        assert found is not None
        assert (found["software"], found["version"], found["limits"]) == ("mastodon", "4.6.0", {})
        assert server.max_chars(found) == server.DEFAULT_MAX_CHARS

        for path in ("/api/v2/instance", "/api/v1/instance", "/.well-known/nodeinfo"):
            faults.status(path, 503)
        assert server.detect(mastodon_mock_server.base_url) is None
    finally:
        faults.clear()


def test_the_daily_step_reads_the_server_again(mastodon_channel: Channel) -> None:
    """An upgrade (here: a server said to be an old Mastodon, found to be what it is) changes
    whether the publisher may retry with a key; the worker's connector follows."""
    real = dict(mastodon_channel.server)
    stale = datetime.now(UTC) - timedelta(days=2)
    pretended = {
        **real,
        "software": "mastodon",
        "version": "3.5.0",
        "checked_at": stale.isoformat(),
    }
    Channel.objects.filter(pk=mastodon_channel.pk).update(server=pretended, max_chars=400)
    channel = Channel.objects.get(pk=mastodon_channel.pk)
    assert connector_for(channel).idempotent is True

    daily = channel_daily_ensure(channel)
    channel_daily_collect(daily)
    channel = Channel.objects.get(pk=channel.pk)
    assert {k: channel.server[k] for k in ("software", "version")} == {
        k: real[k] for k in ("software", "version")
    }
    assert channel.max_chars == 500
    assert connector_for(channel).idempotent is (real["software"] == "mastodon")
    assert ChannelDay.objects.filter(channel=channel).exists()  # the day's figures too


def test_a_fresh_description_is_not_read_again(
    mastodon_channel: Channel, mastodon_server: NetworkServer
) -> None:
    if mastodon_server.faults is None:
        pytest.skip("only a fault injector shows that no request was made")
    mastodon_server.faults.status("/api/v2/instance", 503)
    assert channel_server_refresh(channel=mastodon_channel) is False
    # The fault still waits: nothing asked for the instance document.
    mock = mastodon_server.extra["mock"]
    assert [r["match"]["path"] for r in mock.call("GET", "/api/v1/_mock/faults")] == [
        "/api/v2/instance"
    ]
    assert channel_server_refresh(channel=mastodon_channel, force=True) is False  # v1 answered
