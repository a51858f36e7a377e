"""Listening's reading of the event stream: the frames read, the searches matched, the one
lease of the instance, and what the runner's thread stores (no network: the subscription
is not started)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from palabre.channels.models import Channel
from palabre.inbox.stream.events import Events
from palabre.listening import stream
from palabre.listening.definitions import terms_read
from palabre.listening.leases import (
    listening_cursor_save,
    listening_cursors,
    listening_is_live,
    listening_lease_hold,
    listening_lease_release,
    listening_live_set,
)
from palabre.listening.matcher import Matcher, Query
from palabre.listening.models import Heard, Search, StreamLease
from palabre.listening.services import search_save
from palabre.networks.bluesky.firehose import StreamRefused, frame_posts
from palabre.networks.bluesky.tests import frames

FAN = "did:plc:fan"
NET = "bluesky"


def _posts_frame(seq: int = 7) -> bytes:
    return frames.commit(
        seq,
        FAN,
        {
            "app.bsky.feed.post/3kone": frames.post("Du pain au levain à Lyon ?", langs=["fr"]),
            "app.bsky.feed.like/3klike": {"$type": "app.bsky.feed.like"},
            "app.bsky.feed.post/3ktwo": frames.post("Rien à voir"),
        },
    )


# Frames


def test_every_post_a_commit_creates_is_read_whoever_wrote_it() -> None:
    event, posts = frame_posts(_posts_frame())
    assert event.seq == 7 and event.time == "2026-12-04T10:00:00.000Z"
    assert [(p.uri, p.author, p.text, p.langs) for p in posts] == [
        (f"at://{FAN}/app.bsky.feed.post/3kone", FAN, "Du pain au levain à Lyon ?", ("fr",)),
        (f"at://{FAN}/app.bsky.feed.post/3ktwo", FAN, "Rien à voir", ()),
    ]
    assert posts[0].created_at.isoformat() == "2026-12-04T10:00:00+00:00"  # the server's time


def test_other_frames_only_move_the_position_and_refusals_are_raised() -> None:
    event, posts = frame_posts(frames.other(11))
    assert event.seq == 11 and posts == []
    with pytest.raises(StreamRefused) as refused:
        frame_posts(frames.error("ConsumerTooSlow"))
    assert refused.value.error == "ConsumerTooSlow"


def test_a_malformed_commit_or_record_is_skipped_not_fatal() -> None:
    import libipld

    body = {
        "seq": 3,
        "repo": FAN,
        "blocks": b"garbage",
        "ops": [{"action": "create", "path": "app.bsky.feed.post/3k", "cid": b"\x01"}],
    }
    data = libipld.encode_dag_cbor({"op": 1, "t": "#commit"}) + libipld.encode_dag_cbor(body)
    assert frame_posts(data)[0].seq == 3 and frame_posts(data)[1] == []
    odd = frames.commit(4, FAN, {"app.bsky.feed.post/3k": frames.post("x") | {"text": 12}})
    [post] = frame_posts(odd)[1]
    assert post.text == ""


# Matching


def _ignore(*_args: Any) -> None:
    pass


def _query(search_id: int, typed: str) -> Query:
    return Query(search_id=search_id, terms=terms_read(typed, required=True))


def test_matches_are_grouped_by_workspace_their_author_a_did_without_a_channel() -> None:
    subscription = stream.PostsStream(
        source="wss://relay", cursor="", hear=_ignore, advance=_ignore, live=_ignore
    )
    matcher = Matcher([_query(1, "levain"), _query(2, "pain au levain"), _query(3, "Lyon")])
    subscription.searches = (matcher, {1: 10, 2: 10, 3: 20})
    heard = subscription.heard(frame_posts(_posts_frame())[1])
    assert set(heard) == {10, 20}
    [found] = heard[10]
    assert sorted(found.search_ids) == [1, 2]
    post = found.post
    assert post.remote_id == f"at://{FAN}/app.bsky.feed.post/3kone"
    assert post.url == f"https://bsky.app/profile/{FAN}/post/3kone"
    assert (post.author.remote_id, post.author.handle, post.langs) == (FAN, FAN, ("fr",))
    assert [f.search_ids for f in heard[20]] == [(3,)]


# The lease


def test_one_process_holds_the_lease_until_it_lets_go_or_stalls(db: None) -> None:
    assert listening_lease_hold(holder="a", network=NET)
    assert not listening_lease_hold(holder="b", network=NET)
    assert listening_lease_hold(holder="a", network=NET)  # renewed
    # "a" stalls past its lease: "b" takes it, and "a" learns it lost it.
    StreamLease.objects.filter(network=NET).update(until=timezone.now() - timedelta(seconds=1))
    assert listening_lease_hold(holder="b", network=NET)
    assert not listening_lease_hold(holder="a", network=NET)
    listening_lease_release(holder="a", network=NET)  # not its own: nothing happens
    assert StreamLease.objects.get(network=NET).holder == "b"
    listening_lease_release(holder="b", network=NET)
    assert listening_lease_hold(holder="a", network=NET)
    assert StreamLease.objects.count() == 1


def test_only_the_holder_writes_the_position_and_liveness(db: None) -> None:
    listening_lease_hold(holder="a", network=NET)
    listening_cursor_save(holder="a", network=NET, source="ws://pds", cursor="42")
    listening_cursor_save(holder="b", network=NET, source="ws://pds", cursor="99")
    listening_live_set(holder="a", network=NET, live=True)
    assert listening_is_live(NET)
    listening_live_set(holder="b", network=NET, live=False)
    assert listening_is_live(NET)
    listening_lease_release(holder="a", network=NET)
    assert not listening_is_live(NET)
    # The next holder resumes where "a" was.
    listening_lease_hold(holder="b", network=NET)
    assert listening_cursors(holder="b", network=NET) == {"ws://pds": "42"}


# The runner's part


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[stream.PostsStream]:
    """Subscriptions made but never started (no network); the ones made, in order."""
    settings.PALABRE_BLUESKY_RELAY = "wss://relay.example"
    made: list[stream.PostsStream] = []
    monkeypatch.setattr(stream.PostsStream, "start", lambda self: made.append(self))
    monkeypatch.setattr(stream.PostsStream, "stop", lambda self: None)
    return made


def _search(cast: Any, name: str, terms: str, **fields: Any) -> Search:
    return search_save(
        search=Search(workspace=cast.workspace, name=name, role="topic", terms=terms, **fields),
        seen=None,
    )


def test_no_search_no_lease_then_one_process_listens(cast: Any, quiet: list[Any]) -> None:
    first = stream.Listening(holder="a", events=Events())
    second = stream.Listening(holder="b", events=Events())
    first.arrange()
    assert not first.held and not StreamLease.objects.filter(holder="a").exists()
    _search(cast, "Levain", "levain", networks=["mastodon"])
    first.arrange()
    assert not first.held  # nothing to hear on Bluesky
    _search(cast, "Pain", "pain au levain")
    first.arrange()
    second.arrange()
    assert first.held and not second.held
    assert [s.source for s in quiet] == ["wss://relay.example"]
    assert len(first.searches[0]) == 2 and second.subscriptions == {}
    first.release()
    second.arrange()
    assert second.held and StreamLease.objects.get(network=NET).holder == "b"


def test_the_matcher_is_built_again_when_a_search_changes(cast: Any, quiet: list[Any]) -> None:
    search = _search(cast, "Pain", "pain au levain")
    listening = stream.Listening(holder="a", events=Events())
    listening.arrange()
    matcher = listening.searches[0]
    listening.arrange()
    assert listening.searches[0] is matcher  # nothing changed: the same
    search.terms = "baguette"
    search_save(search=search, seen=search.version)
    listening.arrange()
    assert listening.searches[0] is not matcher
    assert quiet[0].searches is listening.searches
    assert quiet[0].searches[0].match("Une baguette", network=NET) == [search.pk]


def test_with_pds_each_channels_service_is_a_source(
    cast: Any, quiet: list[Any], settings: Any
) -> None:
    settings.PALABRE_BLUESKY_RELAY = "pds"
    _search(cast, "Pain", "pain")
    listening = stream.Listening(holder="a", events=Events())
    listening.arrange()
    assert not listening.held  # no channel, no service to read
    channel = Channel.objects.create(
        workspace=cast.workspace, network=NET, connector="bluesky", name="Lumière"
    )
    channel.save_credentials({"service": "http://localhost:2583/", "did": "did:plc:brand"})
    listening.arrange()
    assert listening.held and set(listening.subscriptions) == {"http://localhost:2583"}


def test_heard_is_stored_before_the_position_past_it_is_saved(cast: Any, quiet: list[Any]) -> None:
    search = _search(cast, "Pain", "pain au levain")
    events = Events()
    listening = stream.Listening(holder="a", events=events)
    listening.arrange()
    [subscription] = quiet
    subscription._on_frame(_posts_frame(seq=41))
    subscription._hand_back_position(force=True)
    kinds = []
    while not events.empty():
        event = events.get()
        kinds.append(event[1])
        listening.handle(event)
    assert kinds == ["heard", "advance"]
    heard = Heard.objects.get()
    assert (heard.workspace, heard.via, heard.author_handle) == (cast.workspace, "stream", FAN)
    assert list(heard.searches.all()) == [search]
    assert listening_cursors(holder="a", network=NET) == {"wss://relay.example": "41"}
    # Read again after a crash: kept once.
    subscription._on_frame(_posts_frame(seq=41))
    listening.handle(events.get())
    assert Heard.objects.count() == 1
