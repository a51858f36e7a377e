"""Mastodon's push channel: the streaming API's notifications for one account
(`/api/v1/streaming/user/notification`, server-sent events), through Mastodon.py's
`stream_user_notifications` on the connector's guarded session.

Where the server offers it (its `/api/v1/streaming/health` answers OK: Mastodon,
mastodon-mock); elsewhere (Takahē has no streaming API) nothing is subscribed and polling
keeps its pace, the server asked again every STREAMLESS_RECHECK. The streaming API has no
cursor: after a disconnection, the poll made at once (inbox/stream/leases.py) and polling's
own cursor fill the gap. A notification is read by parse.py, as a polled one is.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from palabre.networks.base import ConnectorError, IncomingInteraction, PublicPost
from palabre.networks.mastodon import parse

if TYPE_CHECKING:
    from palabre.channels.models import Channel
    from palabre.networks.mastodon.connector import MastodonConnector

log = logging.getLogger("palabre.stream")

STREAMLESS_RECHECK = 600.0  # seconds
RECONNECT_WAIT = 5  # seconds, Mastodon.py's wait between reconnection attempts
CHECK_EVERY = 1.0  # seconds: how often the subscription's state is looked at
# Mastodon.py keeps an event's bytes until the blank line that ends it: an instance that
# never sends one would fill the memory. A notification with its post is a few KB.
MAX_EVENT_BYTES = 1 << 20

Deliver = Callable[[int, list[IncomingInteraction]], None]


def source_for(channel: Channel) -> str:
    """One subscription per account; new credentials make a new one."""
    instance = str(channel.credentials.get("instance") or "")
    made_from = hashlib.sha256(channel.credentials_encrypted.encode()).hexdigest()[:12]
    return f"{instance}#{channel.pk}#{made_from}"


def _listener_class() -> type[Any]:
    from mastodon import StreamListener

    class Listener(StreamListener):
        def __init__(self, owner: MastodonStream) -> None:
            self.owner = owner

        def on_notification(self, notification: Any) -> None:
            self.owner.received(notification)

        def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:
            pass  # an event newer than Mastodon.py: not ours

        def on_abort(self, err: Exception) -> None:
            log.info("mastodon stream: %s", err)

        def handle_stream(self, response: Any) -> None:
            super().handle_stream(_Bounded(response, self))

    return Listener


class _Bounded:
    """The streaming response as Mastodon.py reads it, ended (the connection dropped, made
    again after RECONNECT_WAIT) at an event longer than MAX_EVENT_BYTES."""

    def __init__(self, response: Any, listener: Any) -> None:
        self.response, self.listener = response, listener

    def iter_content(self, chunk_size: int = 1) -> Any:
        from mastodon.errors import MastodonMalformedEventError

        since, tail = 0, b""  # bytes since the last blank line; the last byte read
        for chunk in self.response.iter_content(chunk_size=chunk_size):
            read = tail + chunk
            end = read.rfind(b"\n\n")
            since = len(read) - end - 2 if end >= 0 else since + len(chunk)
            if since > MAX_EVENT_BYTES:
                self.response.close()
                error = MastodonMalformedEventError(f"an event over {MAX_EVENT_BYTES} bytes")
                self.listener.on_abort(error)
                raise error
            tail = read[-1:]
            yield chunk


class MastodonStream:
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
        self.deliver, self.advance, self.live = deliver, advance, live
        self._channel: Channel | None = None
        self._connector: MastodonConnector | None = None
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, channels: list[Channel]) -> None:
        self._channel = channels[0] if channels else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"stream {self.source}", daemon=True)
        self._thread.start()

    @property
    def stopping(self) -> bool:
        return self._stopped.is_set()

    def halt(self) -> None:
        """Tell the subscription to end, without waiting for it (stop() waits)."""
        self._stopped.set()

    def stop(self, timeout: float = 10) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def received(self, notification: Any) -> None:
        item = parse.notification(notification)
        if item is None or self._channel is None or self._connector is None:
            return
        try:
            item = self._connector.in_conversation(item)
        except ConnectorError:
            pass  # a private message's thread unread: by its parent only, as a poll would
        self.deliver(self._channel.pk, [item])

    def _run(self) -> None:
        try:
            while not self._stopped.is_set():
                handle = self._subscribe()
                if handle is None:
                    self._stopped.wait(STREAMLESS_RECHECK)
                    continue
                self._follow(handle)
                handle.close()
        finally:
            self.live(False)
            from django.db import connection

            connection.close()  # a connector may read or save its channel from this thread

    def _subscribe(self) -> Any:
        if self._channel is None:
            return None
        self._connector = self._channel.get_connector()  # type: ignore[assignment]
        assert self._connector is not None
        try:
            api = self._connector.api()
            if not api.stream_healthy():
                return None
            return api.stream_user_notifications(
                _listener_class()(self),
                run_async=True,
                reconnect_async=True,
                reconnect_async_wait_sec=RECONNECT_WAIT,
            )
        except Exception as error:  # noqa: BLE001 (no streaming there, or not now)
            log.info("mastodon stream %s unavailable: %s", self.source, error)
            return None

    def _follow(self, handle: Any) -> None:
        """Report whether the subscription receives, until stopped or ended."""
        receiving = None
        while not self._stopped.is_set() and handle.is_alive():
            now = bool(handle.is_receiving())
            if now != receiving:
                receiving = now
                self.live(now)
            self._stopped.wait(CHECK_EVERY)
        self.live(False)


Stream = MastodonStream


CONNECT_WAIT = 30.0  # seconds for a hashtag stream to be received, or taken as refused


class TagStream(MastodonStream):
    """Listening's subscription to one hashtag on one instance: its public statuses as they
    come (GET /api/v1/streaming/hashtag?tag=, through one of its channels' connectors),
    each read as a search reads it (parse.public_post: public ones only) and handed to
    `hear`. Where the server offers no streaming, or refuses this stream, nothing is
    subscribed (polling reads the hashtag timeline), said once, and asked again every
    STREAMLESS_RECHECK."""

    def __init__(
        self,
        *,
        source: str,
        tag: str,
        hear: Callable[[PublicPost], None],
        live: Callable[[bool], None] = lambda _live: None,
    ) -> None:
        super().__init__(
            source=source,
            cursor="",
            deliver=lambda _channel_id, _items: None,
            advance=lambda _cursor: None,
            live=live,
        )
        self.tag, self.hear = tag, hear
        self._said = False  # that this stream is not offered: once

    def received(self, notification: Any) -> None:
        pass  # a hashtag stream sends statuses only

    def updated(self, status: Any) -> None:
        if self._channel is None:
            return
        post = parse.public_post(status, domain=_domain(self._channel))
        if post is not None:
            self.hear(post)

    def _subscribe(self) -> Any:
        if self._channel is None:
            return None
        self._connector = self._channel.get_connector()  # type: ignore[assignment]
        assert self._connector is not None
        try:
            api = self._connector.api()
            if not api.stream_healthy():
                raise ConnectorError("no streaming API")
            with warnings.catch_warnings():
                # Mastodon.py warns where the hashtag timeline needs a login: the channel's.
                warnings.simplefilter("ignore")
                return api.stream_hashtag(
                    self.tag,
                    _tag_listener_class()(self),
                    run_async=True,
                    reconnect_async=True,
                    reconnect_async_wait_sec=RECONNECT_WAIT,
                )
        except Exception as error:  # noqa: BLE001 (no streaming there, or not now)
            self._say_once(str(error))
            return None

    def _follow(self, handle: Any) -> None:
        """As the user stream does, once subscribed. Mastodon.py tries a refused stream
        again every RECONNECT_WAIT, silently (its health check may answer OK where the
        stream itself is off: mastodon-mock's): one not received within CONNECT_WAIT is
        taken as not offered."""
        deadline = time.monotonic() + CONNECT_WAIT
        while not handle.is_receiving():
            if self._stopped.is_set():
                return
            if time.monotonic() > deadline:
                handle.close()
                self._say_once(f"no answer in {CONNECT_WAIT:.0f} s")
                self._stopped.wait(STREAMLESS_RECHECK)
                return
            self._stopped.wait(CHECK_EVERY / 4)
        self._said = False  # streamed now: a later refusal is said again
        super()._follow(handle)

    def _say_once(self, reason: str) -> None:
        if not self._said:
            log.info("mastodon #%s on %s not streamed: %s", self.tag, self.source, reason)
            self._said = True


def _tag_listener_class() -> type[Any]:
    class TagListener(_listener_class()):  # type: ignore[misc]
        def on_update(self, status: Any) -> None:
            self.owner.updated(status)

    return TagListener


def _domain(channel: Channel) -> str:
    """The instance's own domain, which its local accounts' acct leaves out (as the
    connector's search_posts reads it)."""
    return (
        str(channel.server.get("domain") or "")
        or urlsplit(str(channel.credentials.get("instance") or "")).netloc
    )
