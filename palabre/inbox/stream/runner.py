"""The `palabre stream` loop.

Every few seconds: renew our leases, take free ones, and arrange the subscriptions (one per
source: a Bluesky relay carries every channel held there; a Mastodon stream is one account's),
and listening's reading of the public stream when this process holds it (listening/stream.py).
In between: store what the subscriptions delivered, save their cursors, note whether each
is subscribed. Subscriptions run in their own threads and only read the network; every
database write happens here, in this one thread, in the order things arrived: an item is
stored before the cursor that passes it is saved, so a crash re-reads it (and ingestion keeps
it once) rather than skips it.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.db import IntegrityError, close_old_connections, connection
from django.utils import timezone

from palabre.channels.models import Channel
from palabre.inbox.ingest import interactions_store
from palabre.inbox.models import ChannelSync
from palabre.inbox.moderation import texts_classify
from palabre.inbox.stream.events import Events
from palabre.inbox.stream.leases import (
    stream_cursor_save,
    stream_leases_claim,
    stream_leases_release,
    stream_leases_renew,
    stream_live_set,
)
from palabre.listening import stream as listening
from palabre.networks.base import IncomingInteraction

log = logging.getLogger("palabre.stream")

# Connector → the module of its push channel (imported on first use: the SDKs stay out of
# the web process and the command line).
STREAMS = {
    "bluesky": "palabre.networks.bluesky.stream",
    "mastodon": "palabre.networks.mastodon.stream",
}
RENEW_EVERY = 5.0  # seconds; well within leases.LEASE
MOST_CHANNELS = 1000  # per process
# Read once at start: the second (the fast model is unsure of it) loads the second stage.
WARM_UP = ["Bonjour, vous êtes ouverts ?", "Vous êtes vraiment nuls ou quoi ?"]


def holder_id() -> str:
    """This process, as its leases name it (ChannelSync.stream_holder, 100 characters): a
    host's name may be longer (up to 253), its start is what a person reads."""
    return f"{socket.gethostname()[:70]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Source:
    stream: Any
    syncs: dict[int, int] = field(default_factory=dict)  # channel id → ChannelSync id


RETRY_AFTER = 5.0  # seconds after a failed step


class Runner:
    def __init__(self, *, holder: str | None = None, limit: int = MOST_CHANNELS) -> None:
        self.holder = holder or holder_id()
        self.limit = limit
        self.events = Events()
        self.sources: dict[str, Source] = {}
        self.held: set[int] = set()
        self._warm: set[int] = set()
        # Listening's one reader of the public stream, when this process holds it.
        self.listening = listening.Listening(holder=self.holder, events=self.events)

    def run(self, *, stop: threading.Event) -> None:
        log.info("stream %s started", self.holder)
        renew_at = 0.0
        try:
            while not stop.is_set():
                try:
                    if time.monotonic() >= renew_at:
                        if not connection.in_atomic_block:
                            close_old_connections()
                        self.arrange()
                        renew_at = time.monotonic() + RENEW_EVERY
                    self.drain(timeout=0.2, until=renew_at)
                except Exception:
                    # Whatever one channel, one event or a passing database error raises,
                    # the process stays up (under `palabre start`, its exit would stop the
                    # web server and the worker too): polling covers what is lost meanwhile.
                    log.exception("stream %s: step failed; again in %s s", self.holder, RETRY_AFTER)
                    renew_at = 0.0
                    stop.wait(RETRY_AFTER)
        finally:
            self.shutdown()
            connection.close()  # this thread's own (a test runs the loop in a thread)
        log.info("stream %s stopped", self.holder)

    def arrange(self) -> None:
        """Renew, claim, and make the subscriptions match the channels held."""
        stream_leases_renew(holder=self.holder, ids=self.held)
        held = stream_leases_claim(holder=self.holder, connectors=STREAMS, limit=self.limit)
        taken = set(held) - self.held
        if taken:  # whatever came while no stream held them: polled now
            ChannelSync.objects.filter(pk__in=taken).update(next_attempt_at=timezone.now())
        self.held = set(held)
        syncs = ChannelSync.objects.filter(pk__in=held).select_related(
            "channel", "channel__workspace"
        )
        groups: dict[str, list[ChannelSync]] = defaultdict(list)
        for sync in syncs:
            module = import_module(STREAMS[sync.channel.connector])
            groups[f"{sync.channel.connector} {module.source_for(sync.channel)}"].append(sync)
        for key in set(self.sources) - set(groups):
            self.sources.pop(key).stream.stop()
        for key, group in groups.items():
            self._subscribe(key, group)
        self.listening.arrange()

    def _subscribe(self, key: str, group: list[ChannelSync]) -> None:
        channels = [s.channel for s in group]
        for channel in channels:
            self._warm_up(channel)
        source = self.sources.get(key)
        if source is None:
            connector, address = key.split(" ", 1)
            outlet = self.events.outlet()
            stream = import_module(STREAMS[connector]).Stream(
                source=address,
                cursor=_oldest([s.stream_cursor for s in group]),
                deliver=lambda channel_id, items: outlet.put(("deliver", channel_id, items)),
                advance=lambda cursor: outlet.put(("advance", key, cursor)),
                live=lambda live: outlet.put(("live", key, live)),
            )
            outlet.ends_when(lambda: stream.stopping)
            source = self.sources[key] = Source(stream)
            stream.watch(channels)
            stream.start()
        source.syncs = {s.channel_id: s.pk for s in group}
        source.stream.watch(channels)

    def _warm_up(self, channel: Channel) -> None:
        """Load the workspace's classifier before the first reply comes: a second or more
        the first time, which would otherwise be that reply's delay."""
        if channel.workspace_id not in self._warm:
            texts_classify(workspace=channel.workspace, texts=WARM_UP)
            self._warm.add(channel.workspace_id)

    def drain(self, *, timeout: float, until: float | None = None) -> None:
        """Handle what the subscriptions sent, waiting up to `timeout` for the first; the
        rest waits in the queue once `until` (time.monotonic()) is reached, so that a flood
        of replies does not keep the leases from being renewed in time."""
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._handle(event)
            if until is not None and time.monotonic() >= until:
                return
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return

    def _handle(self, event: tuple[Any, ...]) -> None:
        kind = event[0]
        if kind == listening.EVENT:
            self.listening.handle(event)
            return
        if kind == "deliver":
            _store(event[1], event[2])
            return
        source = self.sources.get(event[1])
        if source is None:
            return  # a subscription stopped since
        ids = list(source.syncs.values())
        if kind == "advance":
            stream_cursor_save(holder=self.holder, ids=ids, cursor=event[2])
        else:
            stream_live_set(holder=self.holder, ids=ids, live=event[2])

    def shutdown(self) -> None:
        """Stop every subscription, store what they had delivered, give the leases back."""
        self.events.closing.set()  # none of them waits for room: nobody makes it meanwhile
        for source in self.sources.values():
            source.stream.stop()
        self.listening.stop()
        self.drain(timeout=0)
        self.sources.clear()
        self.listening.release()
        stream_leases_release(holder=self.holder, ids=self.held)
        self.held = set()


def _oldest(cursors: list[str]) -> str:
    """Where a new subscription resumes: the furthest behind of its channels."""
    numbers = [int(c) for c in cursors if c.isdigit()]
    if numbers:
        return str(min(numbers))
    return next((c for c in cursors if c), "")


def _store(channel_id: int, items: list[IncomingInteraction]) -> None:
    channel = Channel.objects.select_related("workspace").filter(pk=channel_id).first()
    if channel is None:
        return  # removed meanwhile
    try:
        interactions_store(channel=channel, items=items)
    except IntegrityError:
        # The poller stored one of these between our read and our write: read again.
        interactions_store(channel=channel, items=items)
