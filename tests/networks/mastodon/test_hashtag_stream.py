"""Listening's hashtag stream against mastodon-mock with its streaming API on (it offers
GET /api/v1/streaming/hashtag?tag=, as Mastodon does), and against the same server with
streaming off, where nothing is subscribed and polling alone reads the hashtag.

Takahē, the other loopback server, has no streaming API at all: the second case is its
case too (shared/servers/takahe/README.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from palabre.inbox.stream.events import Events
from palabre.listening import mastodon_stream, stream
from palabre.listening.models import Heard, Search
from palabre.listening.services import search_save
from palabre.networks.mastodon import stream as tag_stream
from palabre.networks.mastodon.stream import TagStream
from tests.networks.harness import NetworkServer
from tests.networks.mastodon import mock_server, servers, tls
from tests.networks.mastodon.fixtures import CaBundle

pytestmark = pytest.mark.network

WAIT = 20.0  # seconds: the subscription made, a post come through


@pytest.fixture(scope="module")
def streaming_mock(
    mastodon_network: CaBundle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NetworkServer]:
    """A mastodon-mock of its own, its streaming API on (the shared one has it off)."""
    pytest.importorskip("mastodon_mock")
    folder = tmp_path_factory.mktemp("mastodon-mock-streaming")
    certificate = tls.make(folder / "tls")
    mastodon_network.add(certificate.ca)
    config = mock_server.CONFIG.replace(
        "[streaming]\nenabled = false", "[streaming]\nenabled = true"
    )
    assert config != mock_server.CONFIG
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mock_server, "CONFIG", config)
        mock = mock_server.start(folder, certificate)
    yield servers.mastodon_mock(mock)
    mock.stop()


class Watched(TagStream):
    """A TagStream that says when it receives (the listening itself needs not know)."""

    receiving = threading.Event()

    def __init__(self, **options: Any) -> None:
        super().__init__(**options, live=lambda live: live and Watched.receiving.set())


def _search(cast: Any) -> Search:
    search = Search(
        workspace=cast.workspace,
        name="Levain",
        role="topic",
        terms="#levain",
        networks=["mastodon"],
    )
    return search_save(search=search, seen=None)


def _next(events: Events) -> tuple[Any, ...]:
    return events.get(timeout=WAIT)


def test_a_public_status_with_the_hashtag_is_heard_as_it_is_posted(
    mastodon_network: CaBundle,
    streaming_mock: NetworkServer,
    cast: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mastodon_stream.HashtagListening, "subscription_class", Watched)
    Watched.receiving.clear()
    streaming_mock.connect(cast.workspace)
    search = _search(cast)
    events = Events()
    listening = stream.Listening(holder="a", events=events)
    try:
        listening.arrange()
        assert listening.hashtags.held and len(listening.hashtags.subscriptions) == 1
        assert Watched.receiving.wait(WAIT), "the hashtag stream was not subscribed"
        peer = streaming_mock.peer
        assert isinstance(peer, servers.MastodonPeer)
        peer.api.status_post("Pas pour tout le monde #levain", visibility="unlisted")
        posted = peer.post("Du pain au #levain ce matin")
        event = _next(events)
        assert event[1] == mastodon_stream.TAGGED and event[3].remote_id == posted
        listening.handle(event)  # as the runner's thread does
    finally:
        listening.release()
    heard = Heard.objects.get()
    host = streaming_mock.base_url.split("//")[1].split(":")[0]
    assert (heard.remote_id, heard.source, heard.via) == (posted, host, "stream")
    assert heard.text == "Du pain au #levain ce matin"
    assert list(heard.searches.all()) == [search]
    assert events.empty()  # the unlisted status was not handed over


def test_where_the_server_refuses_the_stream_nothing_is_subscribed_said_once(
    mastodon_network: CaBundle,
    mastodon_mock_server: NetworkServer,
    cast: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tag_stream, "CONNECT_WAIT", 2.0)  # its 404 comes at once
    mastodon_mock_server.connect(cast.workspace)
    _search(cast)
    events = Events()
    listening = stream.Listening(holder="a", events=events)
    caplog.set_level(logging.INFO, logger="palabre.stream")
    try:
        listening.arrange()
        [subscription] = listening.hashtags.subscriptions.values()
        deadline = time.monotonic() + WAIT
        while "not streamed" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.1)
        listening.arrange()  # arranged again: the same subscription, waiting
        assert list(listening.hashtags.subscriptions.values()) == [subscription]
    finally:
        listening.release()
    assert caplog.text.count("not streamed") == 1
    assert events.empty() and not Heard.objects.exists()
