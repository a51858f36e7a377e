"""Bluesky's push channel: the repository event stream, one subscription per relay for every
channel a `palabre stream` process holds there (inbox/stream/).

In production the stream comes from a relay (PALABRE_BLUESKY_RELAY, bsky.network by
default), which carries every account's commits; `pds` there means each channel's own
service, which carries only its own accounts' commits: enough for a network whose people all
live on one PDS, as the local test network's do.

The subscription is the SDK's client (atproto_subscription: reconnection with backoff), its
socket opened through the outbound guard, resumed from the last sequence number read
(`cursor`). Frames are read by firehose.py; a match's author, known by DID only, is looked
up once (handle and name, through the channel's connector) and remembered.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from django.conf import settings

from palabre.lib import outbound
from palabre.networks.base import Author, ConnectorError, IncomingInteraction
from palabre.networks.bluesky.firehose import Event, StreamRefused, frame_read
from palabre.networks.bluesky.parse import moment

if TYPE_CHECKING:
    from palabre.channels.models import Channel
    from palabre.networks.bluesky.connector import BlueskyConnector

log = logging.getLogger("palabre.stream")

CURSOR_EVERY = 1.0  # seconds: how often the position is handed back to be saved
RESTART_DELAY = 2.0  # seconds after the server closed the stream, before subscribing again
CONNECT_TIMEOUT = 10
AUTHORS_KEPT = 10_000
# A position older than this is not resumed from: a relay keeps days of every account's
# commits, and reading them all would hold the stream back for hours. It starts from now;
# the channels' polls, made at once when it resubscribes, fill what lies between.
MAX_REPLAY = timedelta(hours=1)

Deliver = Callable[[int, list[IncomingInteraction]], None]


def relay_for(service: str) -> str:
    """Where a channel on `service` gets its stream from (settings.PALABRE_BLUESKY_RELAY)."""
    relay = settings.PALABRE_BLUESKY_RELAY
    return service.rstrip("/") if relay == "pds" else relay


def source_for(channel: Channel) -> str:
    return relay_for(str(channel.credentials.get("service") or ""))


def _websocket_base(url: str) -> str:
    parts = urlsplit(url)
    scheme = {"https": "wss", "http": "ws"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}/xrpc"


def guarded_socket(uri: str) -> socket.socket:
    """A TCP connection for a websocket URI, opened the way lib/outbound.py opens every
    other: a listed host as it resolves, any other to an address checked first."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    if parts.scheme not in ("ws", "wss"):
        raise outbound.OutboundRefused()
    addresses = [host] if outbound.host_is_listed(host) else outbound.resolve(host, port)
    error: OSError = outbound.OutboundRefused()
    for address in addresses:
        try:
            sock = socket.create_connection((address, port), timeout=CONNECT_TIMEOUT)
        except OSError as failed:
            error = failed
            continue
        sock.settimeout(None)
        return sock
    raise error


def _subscription_class() -> type[Any]:
    """The SDK's client, its connection guarded and resumed from the owner's position."""
    from atproto_firehose import FirehoseSubscribeReposClient
    from websockets.sync.client import connect

    class Subscription(FirehoseSubscribeReposClient):
        owner: BlueskyStream

        def _before_connect(self) -> None:
            self.owner.live(False)
            seq = self.owner.seq
            self.owner.resuming = seq is not None
            self.update_params({"cursor": seq} if seq is not None else {})

        def _get_client(self) -> Any:
            uri = self._websocket_uri
            client = connect(uri, sock=guarded_socket(uri), **self._get_connect_kwargs())
            self.owner.live(True)
            return client

        def _decode_frame(self, raw_frame: str | bytes) -> bytes | None:
            # Read by firehose.py: cheaper than the SDK's models for a relay's thousands.
            return raw_frame if isinstance(raw_frame, bytes) else None

    return Subscription


class BlueskyStream:
    """One subscription to `source`, for the channels the runner says to watch."""

    def __init__(
        self,
        *,
        source: str,
        cursor: str,
        deliver: Deliver,
        advance: Callable[[str], None],
        live: Callable[[bool], None],
    ) -> None:
        self.source = source
        self.seq: int | None = int(cursor) if cursor.isdigit() else None
        self.deliver, self.advance, self.live = deliver, advance, live
        self._watched: dict[str, list[Channel]] = {}  # by account (DID)
        # Each channel's connector, with the credentials it was made from (_fresh_connectors).
        self._connectors: dict[int, tuple[str, BlueskyConnector]] = {}
        self._authors: dict[str, Author] = {}
        self._stopped = threading.Event()
        self._client: Any = None
        self._thread: threading.Thread | None = None
        self._saved_at = 0.0
        self._saved_seq: int | None = self.seq
        self.resuming = False  # until the first frame after subscribing from a position

    def watch(self, channels: list[Channel]) -> None:
        """The channels to deliver to (read afresh by the runner every few seconds). One
        account may be a channel of several workspaces: each gets its replies."""
        watched: dict[str, list[Channel]] = {}
        for channel in channels:
            did = str(channel.credentials.get("did") or "")
            if did.startswith("did:"):
                watched.setdefault(did, []).append(channel)
        self._watched = watched
        self._fresh_connectors(channels)

    def _fresh_connectors(self, channels: list[Channel]) -> None:
        """Forget a connector whose channel's credentials changed since it was made (a
        worker refreshed the session, a person reconnected): kept, it would go on with the
        old session and could save it back over the new one."""
        saved = {c.pk: c.credentials_encrypted for c in channels}
        self._connectors = {
            pk: (made_from, connector)
            for pk, (made_from, connector) in self._connectors.items()
            if saved.get(pk) == made_from
        }

    def start(self) -> None:
        # A daemon: the SDK's wait before reconnecting cannot be interrupted.
        self._thread = threading.Thread(target=self._run, name=f"stream {self.source}", daemon=True)
        self._thread.start()

    @property
    def stopping(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        self._stopped.set()
        if self._client is not None:
            self._client.stop()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._hand_back_position(force=True)

    def _run(self) -> None:
        try:
            self._warm_up()
            while not self._stopped.is_set():
                client = _subscription_class()(base_uri=_websocket_base(self.source))
                client.owner, self._client = self, client
                try:
                    client.start(self._on_frame, self._on_error)
                except Exception as error:  # noqa: BLE001 (logged; subscribed again)
                    log.warning("bluesky stream %s: %s", self.source, error)
                self.live(False)
                self._stopped.wait(RESTART_DELAY)
        finally:
            from django.db import connection

            connection.close()  # a refreshed session may have been saved from this thread

    def _warm_up(self) -> None:
        """Log in and load the decoder before the first reply comes: otherwise its delay."""
        import libipld  # noqa: F401
        from atproto_core import cbor  # noqa: F401

        for channel in [c for channels in self._watched.values() for c in channels]:
            try:
                self._connector(channel).client()
            except ConnectorError as error:
                log.warning("bluesky stream: channel %s not logged in: %s", channel.pk, error)

    def _on_frame(self, data: bytes) -> None:
        event = frame_read(data, frozenset(self._watched))
        if self.resuming and event.seq is not None:
            self.resuming = False
            if self._too_old(event):
                return
        for match in event.matches:
            for channel in self._watched.get(match.account, ()):
                item = match.interaction
                self.deliver(channel.pk, [replace(item, author=self._author(channel, item))])
        if event.seq is not None:
            self.seq = event.seq
        self._hand_back_position(force=bool(event.matches))

    def _too_old(self, event: Event) -> bool:
        """Whether the position resumed from lies over MAX_REPLAY back: then the position is
        dropped and this subscription ended; the next one starts from now."""
        if not event.time or moment(event.time) >= datetime.now(UTC) - MAX_REPLAY:
            return False
        log.warning(
            "bluesky stream %s: position %s is from %s: starting from now, polls fill the gap",
            self.source,
            self.seq,
            event.time,
        )
        self.seq = self._saved_seq = None
        if self._client is not None:
            self._client.stop()  # start() returns; _run subscribes again, from now
        return True

    def _on_error(self, error: BaseException) -> None:
        if isinstance(error, StreamRefused) and error.error == "FutureCursor":
            # The server's history is shorter than the cursor (a new local network, a relay
            # reset): start from now, polling fills what lies between.
            log.warning("bluesky stream %s: cursor %s unknown there", self.source, self.seq)
            self.seq = None
            return
        log.warning("bluesky stream %s: %s", self.source, error)

    def _hand_back_position(self, *, force: bool) -> None:
        now = time.monotonic()
        if self.seq is None or self.seq == self._saved_seq:
            return
        if force or now - self._saved_at >= CURSOR_EVERY:
            self._saved_at, self._saved_seq = now, self.seq
            self.advance(str(self.seq))

    def _author(self, channel: Channel, item: IncomingInteraction) -> Author:
        did = item.author.remote_id
        if did not in self._authors:
            if len(self._authors) > AUTHORS_KEPT:
                self._authors.clear()
            try:
                found = self._connector(channel).authors([did])
            except Exception as error:  # noqa: BLE001 (whatever failed, the reply is kept)
                log.warning("bluesky stream: profile of %s unread: %s", did, error)
                return item.author  # its DID stands for its handle until a poll reads it
            self._authors.update(found)
        return self._authors.get(did, item.author)

    def _connector(self, channel: Channel) -> BlueskyConnector:
        made = self._connectors.get(channel.pk)  # replaced whole by watch(), in another thread
        if made is None:
            made = (
                channel.credentials_encrypted,
                cast("BlueskyConnector", channel.get_connector()),
            )
            self._connectors[channel.pk] = made
        return made[1]


Stream = BlueskyStream
