"""Listening through the real local Bluesky network's event stream: `palabre stream`'s
runner, in a thread of the test, subscribed to the PDS (PALABRE_BLUESKY_RELAY=pds).

Nothing polls the search endpoint unless the test runs its step: what is heard came by the
stream. The database is the real one (transactional): the runner writes from its own thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client

from palabre.accounts.models import User
from palabre.channels.models import Channel
from palabre.inbox.stream.runner import Runner
from palabre.listening.models import Heard, Search, SearchPoll, StreamLease
from palabre.listening.polling import search_poll_run, search_polls_arrange
from palabre.listening.services import search_save
from palabre.networks.bluesky.connector import BlueskyConnector
from tests.networks.harness import eventually

pytestmark = [pytest.mark.network]


@pytest.fixture(autouse=True)
def _subscribed_to_the_pds(settings: Any) -> None:
    settings.PALABRE_BLUESKY_RELAY = "pds"


@pytest.fixture
def search(transactional_db: None, bluesky_channel: Channel) -> Search:
    """A search of workspace "lumiere" (which has the Bluesky channel), on a word of its
    own: the network lives for the whole run, other tests' posts stay on it."""
    word = f"fougasse{time.time_ns() % 10**9}"
    return search_save(
        search=Search(
            workspace=bluesky_channel.workspace, name="Fougasse", role="topic", terms=word
        ),
        seen=None,
    )


def _lease() -> StreamLease | None:
    return StreamLease.objects.filter(network="bluesky").first()


@contextmanager
def listening(holder: str) -> Iterator[Runner]:
    """A runner in a thread, subscribed, until the block ends (a clean stop)."""
    stop, runner = threading.Event(), Runner(holder=holder)
    thread = threading.Thread(target=runner.run, kwargs={"stop": stop})
    thread.start()
    try:
        eventually(lambda: (lease := _lease()) is not None and lease.live, timeout=60, every=0.1)
        yield runner
    finally:
        stop.set()
        thread.join(timeout=30)


def test_a_post_with_a_saved_term_is_heard_through_the_stream(
    search: Search, bluesky_peer: Any
) -> None:
    with listening("listen-first"):
        assert _lease() is not None and _lease().holder == "listen-first"  # type: ignore[union-attr]
        other = str(bluesky_peer.send_post("Il pleut sur Lyon ce matin.").uri)
        uri = str(bluesky_peer.send_post(f"Une {search.terms} tiède, rien de mieux !").uri)
        sent = time.monotonic()
        heard = eventually(lambda: Heard.objects.filter(remote_id=uri).first(), every=0.02)
        delay = time.monotonic() - sent
    assert heard is not None
    assert heard.via == "stream" and heard.workspace_id == search.workspace_id
    assert list(heard.searches.all()) == [search]
    assert heard.author_handle == bluesky_peer.me.handle  # looked up through the channel
    assert heard.author_id == bluesky_peer.me.did
    assert not Heard.objects.filter(remote_id=other).exists()
    assert delay < 5, delay
    lease = _lease()
    assert lease is not None and lease.holder == "" and not lease.live  # given back
    assert any(position.isdigit() for position in lease.cursors.values())
    # And a person sees it on the Listening page (the analyst, who only reads).
    reader = Client()
    reader.force_login(User.objects.get(email="nina@example.com"))
    page = reader.get(f"/w/{search.workspace.slug}/listening/").content.decode()
    assert f"{search.terms} tiède" in page and f"@{bluesky_peer.me.handle}" in page


def test_a_second_process_does_not_listen_while_the_first_holds_the_lease(
    search: Search, bluesky_peer: Any
) -> None:
    with listening("listen-first"):
        second = Runner(holder="listen-second")
        second.arrange()
        try:
            assert not second.listening.held and second.listening.subscriptions == {}
            assert _lease().holder == "listen-first"  # type: ignore[union-attr]
            uri = str(bluesky_peer.send_post(f"{search.terms} pour tout le monde").uri)
            eventually(lambda: Heard.objects.filter(remote_id=uri).exists(), every=0.05)
        finally:
            second.shutdown()
        assert _lease().holder == "listen-first"  # type: ignore[union-attr]
    assert Heard.objects.filter(remote_id=uri).count() == 1


def test_once_the_stream_stops_the_search_endpoint_finds_the_rest_and_nothing_twice(
    search: Search, bluesky_channel: Channel, bluesky_peer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    word = search.terms
    with listening("listen-first"):
        streamed = str(bluesky_peer.send_post(f"Qui a goûté la {word} du marché ?").uri)
        eventually(lambda: Heard.objects.filter(remote_id=streamed).exists(), every=0.05)
    missed = [str(bluesky_peer.send_post(f"Encore une {word}, {i}").uri) for i in range(2)]
    answered: set[str] = set()  # what the search endpoint returned
    search_posts = BlueskyConnector.search_posts

    def spied(self: BlueskyConnector, **asked: Any) -> Any:
        posts = search_posts(self, **asked)
        answered.update(p.remote_id for p in posts)
        return posts

    monkeypatch.setattr(BlueskyConnector, "search_posts", spied)
    search_polls_arrange(workspace=search.workspace)

    def searched_all() -> bool:  # the AppView indexes a post a moment after the PDS has it
        search_poll_run(SearchPoll.objects.get(channel=bluesky_channel))
        return {streamed, *missed} <= answered

    eventually(searched_all, timeout=30, every=0.5)
    rows = Heard.objects.filter(workspace=search.workspace)
    assert rows.count() == 3  # nothing twice
    assert dict(rows.values_list("remote_id", "via")) == {
        streamed: "stream",
        missed[0]: "search",
        missed[1]: "search",
    }
