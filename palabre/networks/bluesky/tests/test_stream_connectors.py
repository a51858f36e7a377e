"""The Bluesky stream's own state: its connectors follow the channels' saved credentials,
and a position too old is not resumed from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from palabre.channels.models import Channel
from palabre.networks.bluesky.stream import MAX_REPLAY, BlueskyStream
from palabre.networks.bluesky.tests import frames

pytestmark = pytest.mark.django_db


def _channel(cast: Any, did: str, session: str) -> Channel:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="bluesky", connector="bluesky", name=did
    )
    channel.save_credentials({"did": did, "service": "https://pds.example", "session": session})
    return channel


def test_a_connector_made_before_the_credentials_changed_is_not_used_again(cast) -> None:
    """A worker refreshed the session (or a person reconnected): the stream's connector,
    made with the old one, would go on with it and could save it back over the new."""
    stream = BlueskyStream(
        source="https://pds.example", cursor="", deliver=print, advance=print, live=print
    )
    channel = _channel(cast, "did:plc:lumiere", "first")
    stream.watch([channel])
    first = stream._connector(channel)
    stream.watch([Channel.objects.get(pk=channel.pk)])  # the runner reads its rows again
    assert stream._connector(channel) is first  # nothing changed: kept
    Channel.objects.get(pk=channel.pk).save_credentials(
        {"did": "did:plc:lumiere", "service": "https://pds.example", "session": "refreshed"}
    )
    fresh = Channel.objects.get(pk=channel.pk)
    stream.watch([fresh])
    again = stream._connector(fresh)
    assert again is not first
    assert again.channel.credentials["session"] == "refreshed"


class _Subscription:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def _resumed(ago: timedelta) -> tuple[BlueskyStream, _Subscription, list[str]]:
    """A stream subscribed again from position 41, whose first frame was sequenced `ago`."""
    saved: list[str] = []
    stream = BlueskyStream(
        source="https://relay.example", cursor="41", deliver=print, advance=saved.append, live=print
    )
    subscription = _Subscription()
    stream._client = subscription
    stream.resuming = True  # what subscribing from a position sets (_before_connect)
    at = (datetime.now(UTC) - ago).isoformat().replace("+00:00", "Z")
    stream._on_frame(frames.other(42, time=at))
    return stream, subscription, saved


def test_a_position_older_than_an_hour_is_dropped_and_the_stream_starts_from_now() -> None:
    """A relay keeps days of everyone's posts: after a long stop, reading them all would
    hold the stream back for hours, while the polls fill the gap in seconds."""
    stream, subscription, saved = _resumed(MAX_REPLAY + timedelta(minutes=5))
    assert subscription.stopped  # the next subscription starts from now
    assert stream.seq is None and saved == []
    stream._on_frame(frames.other(9000, time="2026-12-04T10:00:00.000Z"))  # not checked again
    assert stream.seq == 9000


def test_a_recent_position_is_resumed_from() -> None:
    stream, subscription, saved = _resumed(timedelta(minutes=10))
    assert not subscription.stopped
    assert stream.seq == 42
