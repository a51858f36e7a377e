"""The stream's connectors follow the channel's saved credentials."""

from __future__ import annotations

from typing import Any

import pytest

from palabre.channels.models import Channel
from palabre.networks.bluesky.stream import BlueskyStream

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
