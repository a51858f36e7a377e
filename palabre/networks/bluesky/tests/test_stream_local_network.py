"""The push channel against the real local Bluesky network: `palabre stream`'s runner, in a
thread of the test, subscribed to the PDS's event stream (PALABRE_BLUESKY_RELAY=pds).

No worker polls unless the test runs its step: what reaches the inbox came by the stream.
The database is the real one (transactional): the runner writes from its own thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from atproto import client_utils, models

from palabre.channels.models import Channel
from palabre.inbox.ingest import channel_sync_ensure
from palabre.inbox.jobs import JOBS
from palabre.inbox.models import ChannelSync, Interaction
from palabre.inbox.stream import leases
from palabre.inbox.stream.runner import Runner
from palabre.networks.base import InteractionKind, OutgoingPost
from palabre.networks.bluesky import connector as bluesky
from palabre.worker.loop import run_round
from tests.networks.harness import eventually

pytestmark = [pytest.mark.network]
POLL = next(job for job in JOBS if job.name == "inbox-poll")


@pytest.fixture(autouse=True)
def _subscribed_to_the_pds(settings: Any) -> None:
    settings.PALABRE_BLUESKY_RELAY = "pds"


@pytest.fixture
def channel(transactional_db: None, bluesky_channel: Channel) -> Channel:
    channel_sync_ensure(bluesky_channel)
    return bluesky_channel


def _sync(channel: Channel) -> ChannelSync:
    return ChannelSync.objects.get(channel=channel)


@contextmanager
def streaming(channel: Channel, holder: str) -> Iterator[Runner]:
    """A runner in a thread, until the block ends (a clean stop: leases given back)."""
    stop, runner = threading.Event(), Runner(holder=holder)
    thread = threading.Thread(target=runner.run, kwargs={"stop": stop})
    thread.start()
    try:
        eventually(lambda: _sync(channel).stream_live, timeout=60, every=0.1)  # subscribed
        yield runner
    finally:
        stop.set()
        thread.join(timeout=30)


def _published(channel: Channel, peer: Any) -> models.ComAtprotoRepoStrongRef.Main:
    post = channel.get_connector().publish(
        OutgoingPost(
            text="Des questions ?",
            idempotency_key=f"s-{time.time_ns()}",
            created_at=datetime.now(UTC),
        )
    )
    repo, collection, rkey = bluesky.split_uri(post.remote_id)
    record = peer.com.atproto.repo.get_record(
        params={"repo": repo, "collection": collection, "rkey": rkey}
    )
    return models.ComAtprotoRepoStrongRef.Main(uri=record.uri, cid=record.cid)


def _reply(peer: Any, ref: models.ComAtprotoRepoStrongRef.Main, text: str) -> str:
    reply_to = models.AppBskyFeedPost.ReplyRef(root=ref, parent=ref)
    return str(peer.send_post(text, reply_to=reply_to).uri)


def _classified(channel: Channel, uri: str) -> bool:
    rows = Interaction.objects.filter(channel=channel, remote_id=uri).exclude(model_version="")
    return rows.exists()


def test_replies_mentions_and_quotes_reach_the_inbox_within_a_second(
    channel: Channel, bluesky_peer: Any, bluesky_network: Any
) -> None:
    ref = _published(channel, bluesky_peer)
    brand = bluesky_network.accounts[0]
    with streaming(channel, "test-stream"):
        delays, uris = {}, {}
        mention = (
            client_utils.TextBuilder().text("Bonjour ").mention(f"@{brand['handle']}", brand["did"])
        )
        sends = {
            InteractionKind.COMMENT: lambda: _reply(
                bluesky_peer, ref, "Vous ouvrez à quelle heure ?"
            ),
            InteractionKind.MENTION: lambda: str(bluesky_peer.send_post(mention).uri),
            InteractionKind.QUOTE: lambda: str(
                bluesky_peer.send_post(
                    "Regardez ça", embed=models.AppBskyEmbedRecord.Main(record=ref)
                ).uri
            ),
        }
        for kind, send in sends.items():
            uri = send()
            accepted = time.monotonic()
            eventually(lambda uri=uri: _classified(channel, uri), timeout=5, every=0.02)
            delays[kind], uris[kind] = time.monotonic() - accepted, uri
    for kind, uri in uris.items():
        row = Interaction.objects.select_related("identity").get(channel=channel, remote_id=uri)
        assert row.kind == kind.value
        assert row.identity is not None and row.identity.handle == bluesky_peer.me.handle
    assert Interaction.objects.get(remote_id=uris[InteractionKind.COMMENT]).in_reply_to == ref.uri
    assert max(delays.values()) < 1.0, delays


def test_it_resumes_from_its_cursor_after_a_disconnection(
    channel: Channel, bluesky_peer: Any
) -> None:
    ref = _published(channel, bluesky_peer)
    with streaming(channel, "first"):
        before = _reply(bluesky_peer, ref, "Avant la coupure")
        eventually(lambda: _classified(channel, before), timeout=5, every=0.02)
    cursor = _sync(channel).stream_cursor
    assert cursor.isdigit()
    missed = [_reply(bluesky_peer, ref, f"Pendant la coupure {i}") for i in range(3)]
    with streaming(channel, "second"):
        # Not polled: only the stream read again from the cursor can bring these.
        # the replies sent while the stream was down
        eventually(lambda: all(_classified(channel, uri) for uri in missed), timeout=10, every=0.02)
    stored = Interaction.objects.filter(channel=channel, remote_id__in=[before, *missed])
    assert stored.count() == 4
    assert int(_sync(channel).stream_cursor) > int(cursor)


def test_polling_fills_the_gap_when_the_stream_stops_mid_run(
    channel: Channel, bluesky_peer: Any
) -> None:
    ref = _published(channel, bluesky_peer)
    with streaming(channel, "stream"):
        streamed = [_reply(bluesky_peer, ref, f"En direct {i}") for i in range(3)]
        eventually(lambda: all(_classified(channel, u) for u in streamed), timeout=5, every=0.02)
    # Stopped: its channel is due for a poll now, which the worker takes.
    assert _sync(channel).next_attempt_at <= datetime.now(UTC)
    polled = [_reply(bluesky_peer, ref, f"Après l'arrêt {i}") for i in range(3)]
    stop = threading.Event()

    def worker_found_all() -> bool:
        run_round([POLL], stop=stop, ident="test-worker", batch=5)
        return all(_classified(channel, u) for u in polled)

    eventually(worker_found_all, timeout=30, every=0.5)  # polling filled the gap
    ours = Interaction.objects.filter(channel=channel, remote_id__in=streamed + polled)
    assert ours.count() == 6  # each once: the stream's were not stored again by the poll
    assert _sync(channel).last_error == ""


def test_a_lease_left_by_a_dead_process_is_taken_over(
    channel: Channel, bluesky_peer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leases, "LEASE", timedelta(seconds=2))
    dead = Runner(holder="dead")
    dead.arrange()  # holds the channel, subscribes…
    for source in dead.sources.values():
        source.stream.stop()  # …and dies: its lease stays until it runs out
    assert _sync(channel).stream_holder == "dead"
    ref = _published(channel, bluesky_peer)
    with streaming(channel, "heir"):
        assert _sync(channel).stream_holder == "heir"
        uri = _reply(bluesky_peer, ref, "Quelqu'un ?")
        eventually(lambda: _classified(channel, uri), timeout=5, every=0.02)
    assert dead.held and leases.stream_leases_renew(holder="dead", ids=dead.held) == set()


def test_one_account_connected_in_two_workspaces_reaches_both_inboxes(
    channel: Channel, bluesky_peer: Any, cast: Any
) -> None:
    """An agency and its client may both connect the brand's account: one subscription,
    each channel its reply."""
    twin = Channel.objects.create(
        workspace=cast.other_workspace,
        network="bluesky",
        connector="bluesky",
        name="La même",
        credentials_encrypted=channel.credentials_encrypted,
    )
    channel_sync_ensure(twin)
    ref = _published(channel, bluesky_peer)
    with streaming(channel, "test-stream-twins"):
        eventually(lambda: _sync(twin).stream_live, timeout=30, every=0.1)
        uri = _reply(bluesky_peer, ref, "Et le pain aux noix, c'est quel jour ?")
        eventually(lambda: _classified(channel, uri) and _classified(twin, uri), timeout=10)
    assert Interaction.objects.filter(remote_id=uri).count() == 2
