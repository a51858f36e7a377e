"""Reply posted on the local Bluesky network → classified in the inbox: seconds, p95; and
how many event-stream frames a second one core reads.

1. `palabre stream` and `palabre worker` run (the stream subscribed to the PDS's event
   stream, PALABRE_BLUESKY_RELAY=pds); another account replies 40 times under a post Palabre
   published, one reply every 0.7 s, while a third posts about other things ten times a
   second (a network in use: a relay carries thousands of events a second):
   `ingest_to_inbox_p95_s`. The same on a network with no other traffic:
   `ingest_to_inbox_p95_s_idle_network` (the reference PDS reads its own event log with a
   backoff growing to 1 s while nothing happens, so there the PDS, not Palabre, sets it).
2. The same with the worker alone, polling every 2 s: `ingest_to_inbox_p95_s_polling`.
3. Meanwhile every frame of the PDS's event stream is recorded (var dir, firehose.frames);
   some unrelated traffic is added (posts, likes, follows: most of what a relay carries
   concerns no channel), then the frames are replayed through the decoder
   (networks/bluesky/firehose.py) on one pinned core: `firehose_events_per_s`.

The delay is from the network accepting the reply to the inbox row being stored, classified.
Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPLIES = 40
UNRELATED = 150  # posts, likes and follows each, added to the recording
REPLAY_SECONDS = 5.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    # The local network answers on localhost, refused by the outbound guard unless listed
    # (here and in the processes this starts); the stream reads its PDS's event stream.
    os.environ.setdefault("PALABRE_OUTBOUND_ALLOWED_HOSTS", "localhost")
    os.environ["PALABRE_BLUESKY_RELAY"] = "pds"
    django.setup()
    from django.core.management import call_command

    from tests.bluesky import localnet

    call_command("migrate", verbosity=0)
    network = localnet.start()
    try:
        results = _measure(network)
    finally:
        network.stop()
    for result in results:
        print(json.dumps(result))


def _measure(network: Any) -> list[dict[str, object]]:
    from django.conf import settings

    bench = _Bench(network)
    frames = Path(settings.VAR_DIR) / "firehose.frames"
    recorder = _Recorder(network.pds, frames)
    recorder.start()
    try:
        with _Chatter(network):
            streamed = bench.delays(processes=["stream", "worker"])
            streamed_floor = bench.floor(recorder)
        idle = bench.delays(processes=["stream", "worker"])
        idle_floor = bench.floor(recorder)
        polled = bench.delays(processes=["worker"])
        bench.unrelated_traffic()
        time.sleep(1)
    finally:
        recorder.stop()
    return [
        {"name": "ingest_to_inbox_p95_s", "value": _p95(streamed), "unit": "s"},
        {"name": "firehose_arrival_p95_s", "value": _p95(streamed_floor), "unit": "s"},
        {"name": "ingest_to_inbox_p95_s_idle_network", "value": _p95(idle), "unit": "s"},
        {"name": "firehose_arrival_p95_s_idle_network", "value": _p95(idle_floor), "unit": "s"},
        {"name": "ingest_to_inbox_p95_s_polling", "value": _p95(polled), "unit": "s"},
        {"name": "firehose_events_per_s", "value": _replay(frames, bench.did), "unit": "events/s"},
    ]


def _p95(delays: list[float]) -> float:
    delays = sorted(delays)
    return round(delays[min(len(delays) - 1, round(0.95 * len(delays)))], 2)


class _Bench:
    def __init__(self, network: Any) -> None:
        from atproto import Client, models

        from palabre.accounts.models import Workspace
        from palabre.channels.models import Channel
        from palabre.networks.base import OutgoingPost
        from palabre.networks.bluesky import connector as bluesky

        ours, theirs = network.accounts[0], network.accounts[1]
        workspace, _ = Workspace.objects.get_or_create(
            slug="bench-inbox", defaults={"name": "Bench"}
        )
        self.channel = Channel.objects.create(
            workspace=workspace, network="bluesky", connector="bluesky", name="Bench"
        )
        self.channel.save_credentials(
            bluesky.connect(
                service=network.pds, handle=ours["handle"], app_password=ours["appPassword"]
            )
        )
        self.did = str(ours["did"])
        post = self.channel.get_connector().publish(
            OutgoingPost(
                text="Des questions ?",
                idempotency_key=f"bench-{time.time_ns()}",
                created_at=datetime.now(UTC),
            )
        )
        self.claire = Client(base_url=network.pds)
        self.claire.login(theirs["handle"], theirs["password"], fetch_bsky_profile=False)
        self.claire.me = models.AppBskyActorDefs.ProfileViewDetailed(
            did=theirs["did"], handle=theirs["handle"]
        )
        while not self.claire.get_posts([post.remote_id]).posts:  # the AppView knows our post
            time.sleep(0.2)
        repo, collection, rkey = bluesky.split_uri(post.remote_id)
        parent = self.claire.com.atproto.repo.get_record(
            params={"repo": repo, "collection": collection, "rkey": rkey}
        )
        self.post = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
        self.reply_ref = models.AppBskyFeedPost.ReplyRef(root=self.post, parent=self.post)
        self.posted: dict[str, datetime] = {}  # the last streamed phase's replies

    def floor(self, recorder: _Recorder) -> list[float]:
        """The last streamed phase's replies as a bare subscriber of the PDS saw them: the
        delay no consumer can beat."""
        return [(recorder.arrivals[uri] - at).total_seconds() for uri, at in self.posted.items()]

    def delays(self, *, processes: list[str]) -> list[float]:
        """Replies sent while these `palabre` processes run: each one's delay to the inbox."""
        from palabre.inbox.models import ChannelSync, Interaction

        running = [
            subprocess.Popen(
                [sys.executable, "-m", "palabre", name],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name in processes
        ]
        try:
            time.sleep(5)  # the worker is up and has polled once
            if "stream" in processes:
                deadline = time.monotonic() + 60
                while not ChannelSync.objects.filter(channel=self.channel, stream_live=True):
                    if time.monotonic() > deadline:
                        raise RuntimeError("the stream did not subscribe")
                    time.sleep(0.2)
            posted: dict[str, datetime] = {}
            if "stream" in processes:
                self.posted = posted
            for i in range(REPLIES):
                sent = self.claire.send_post(
                    f"Question {i} : vous êtes ouverts demain ?", reply_to=self.reply_ref
                )
                posted[sent.uri] = datetime.now(UTC)
                time.sleep(0.7)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                found = Interaction.objects.filter(channel=self.channel, remote_id__in=posted)
                if found.exclude(model_version="").count() == REPLIES:
                    break
                time.sleep(0.5)
            rows = list(Interaction.objects.filter(channel=self.channel, remote_id__in=posted))
        finally:
            for process in running:
                process.send_signal(signal.SIGTERM)
            for process in running:
                process.wait(timeout=60)
        if len(rows) != REPLIES:
            raise RuntimeError(f"only {len(rows)} of {REPLIES} replies reached the inbox")
        return [(r.received_at - posted[r.remote_id]).total_seconds() for r in rows]

    def unrelated_traffic(self) -> None:
        """What most of a relay's traffic is: posts, likes and follows about others."""
        for i in range(UNRELATED):
            sent = self.claire.send_post(f"Rien à voir {i} : il fait beau aujourd'hui.")
            self.claire.like(sent.uri, sent.cid)
        self.claire.follow(self.did)


class _Chatter:
    """A third account posting about other things every 0.1 s, in a thread, while in use."""

    def __init__(self, network: Any) -> None:
        from atproto import Client, models

        name = f"chatter{time.time_ns() % 10**8}"
        client = Client(base_url=network.pds)
        created = client.com.atproto.server.create_account(
            models.ComAtprotoServerCreateAccount.Data(
                handle=f"{name}.test",
                email=f"{name}@example.test",
                password="chatter-pass",  # noqa: S106 (a throwaway account)
            )
        )
        client.login(f"{name}.test", "chatter-pass", fetch_bsky_profile=False)  # noqa: S106
        client.me = models.AppBskyActorDefs.ProfileViewDetailed(
            did=created.did, handle=created.handle
        )
        self.client = client
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Chatter:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        n = 0
        while not self.stopped.wait(0.1):
            self.client.send_post(f"Autre chose {n} : le marché de ce matin.")
            n += 1


class _Recorder:
    """Every frame of the PDS's event stream, from its first, into a file (length, bytes)."""

    def __init__(self, pds: str, path: Path) -> None:
        self.url = pds.replace("http", "ws", 1) + "/xrpc/com.atproto.sync.subscribeRepos?cursor=0"
        self.path = path
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.arrivals: dict[str, datetime] = {}  # each created record's address: when seen

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        from websockets.sync.client import connect

        with connect(self.url, max_size=5 * 1024 * 1024) as ws, self.path.open("wb") as out:
            while not self.stopped.is_set():
                try:
                    frame = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                if isinstance(frame, bytes):
                    self._arrived(frame, datetime.now(UTC))
                    out.write(struct.pack(">I", len(frame)) + frame)

    def _arrived(self, frame: bytes, when: datetime) -> None:
        from atproto_core.cbor import decode_dag_multi

        body = decode_dag_multi(frame)[-1]
        for op in body.get("ops") or ():
            self.arrivals[f"at://{body.get('repo')}/{op.get('path')}"] = when


def _frames(path: Path) -> list[bytes]:
    data, found, at = path.read_bytes(), [], 0
    while at + 4 <= len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        found.append(data[at + 4 : at + 4 + size])
        at += 4 + size
    return found


def _replay(path: Path, did: str) -> int:
    """Frames read per second by the decoder, on one core, watching the bench's channel."""
    from palabre.networks.bluesky.firehose import StreamRefused, frame_read

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    frames, watched = _frames(path), frozenset({did})
    if len(frames) < 100:
        raise RuntimeError(f"only {len(frames)} frames recorded")
    matched = events = 0
    started = time.perf_counter()
    while time.perf_counter() - started < REPLAY_SECONDS:
        for frame in frames:
            try:
                matched += len(frame_read(frame, watched).matches)
            except StreamRefused:
                pass
            events += 1
    rate = events / (time.perf_counter() - started)
    if matched == 0:
        raise RuntimeError("the replay found none of the replies")
    return round(rate)


if __name__ == "__main__":
    sys.exit(main())
