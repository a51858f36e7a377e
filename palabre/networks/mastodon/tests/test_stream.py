"""Mastodon's push channel against mastodon-mock: its streaming API on (a server of this
module's own, since the suite's runs with streaming off, as an instance may), and off.

No worker polls: what reaches the inbox came by the stream.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from palabre.channels.models import Channel
from palabre.inbox.ingest import channel_sync_ensure
from palabre.inbox.models import ChannelSync, Interaction
from palabre.inbox.stream.leases import stream_is_live
from palabre.inbox.stream.runner import Runner
from palabre.networks.base import InteractionKind
from tests.networks.harness import NetworkServer, eventually
from tests.networks.mastodon import mock_server, servers, tls

pytestmark = [pytest.mark.network]


@pytest.fixture(scope="module")
def streaming_server(
    mastodon_network: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NetworkServer]:
    """mastodon-mock with its streaming API on (server-sent events)."""
    pytest.importorskip("mastodon_mock")
    folder: Path = tmp_path_factory.mktemp("mastodon-mock-streaming")
    certificate = tls.make(folder / "tls")
    mastodon_network.add(certificate.ca)
    streaming = mock_server.CONFIG.replace(
        "[streaming]\nenabled = false", "[streaming]\nenabled = true"
    )
    assert streaming != mock_server.CONFIG
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mock_server, "CONFIG", streaming)
        mock = mock_server.start(folder, certificate)
    yield servers.mastodon_mock(mock)
    mock.stop()


def _run(runner: Runner, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=runner.run, kwargs={"stop": stop})
    thread.start()
    return thread


def test_replies_and_mentions_come_by_the_streaming_api(
    transactional_db: None, cast: Any, streaming_server: NetworkServer
) -> None:
    channel: Channel = streaming_server.connect(cast.workspace)
    channel_sync_ensure(channel)
    peer = streaming_server.peer
    stop = threading.Event()
    thread = _run(Runner(holder="mastodon-test"), stop)
    try:
        eventually(
            lambda: ChannelSync.objects.get(channel=channel).stream_live, timeout=60, every=0.05
        )
        sends = {
            InteractionKind.MENTION: lambda: peer.mention("Vous livrez le dimanche ?"),
            InteractionKind.MESSAGE: lambda: peer.message("Une question privée"),
        }
        for kind, send in sends.items():
            remote_id = send()
            accepted = time.monotonic()
            found = eventually(
                lambda r=remote_id: (
                    Interaction.objects.filter(channel=channel, remote_id=r)
                    .exclude(model_version="")
                    .first()
                ),
                timeout=5,
                every=0.05,
            )
            assert found.kind == kind.value
            assert time.monotonic() - accepted < 1.0
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not ChannelSync.objects.get(channel=channel).stream_live


def test_without_a_streaming_api_polling_keeps_its_pace(
    transactional_db: None, cast: Any, mastodon_mock_server: NetworkServer
) -> None:
    channel: Channel = mastodon_mock_server.connect(cast.workspace)
    channel_sync_ensure(channel)
    stop = threading.Event()
    runner = Runner(holder="mastodon-test")
    thread = _run(runner, stop)
    try:
        eventually(
            lambda: ChannelSync.objects.get(channel=channel).stream_holder, timeout=30, every=0.05
        )
        time.sleep(3)  # it asked the server, which has no streaming
        assert not stream_is_live(ChannelSync.objects.get(channel=channel))
    finally:
        stop.set()
        thread.join(timeout=30)
