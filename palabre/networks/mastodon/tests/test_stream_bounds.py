"""A hostile or broken instance's streaming API cannot fill the stream process's memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from mastodon.errors import MastodonMalformedEventError

from palabre.networks.mastodon import stream

NOTIFICATION = (
    b'event: notification\ndata: {"id": "7", "type": "follow", "created_at": '
    b'"2026-12-01T10:00:00.000Z", "account": {"id": "1", "username": "lea", "acct": "lea", '
    b'"display_name": "L\\u00e9a", "url": "https://example.test/@lea"}}\n\n'
)


class _Events(BaseHTTPRequestHandler):
    endless = False

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(NOTIFICATION)
        if self.endless:  # one event that never ends: data lines, no blank line
            try:
                while True:
                    self.wfile.write(b"data: " + b"x" * 65_536 + b"\n")
            except OSError:
                return  # the reader hung up

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Events)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _listen(server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch, endless: bool) -> Any:
    monkeypatch.setattr(_Events, "endless", endless)
    monkeypatch.setattr(stream, "MAX_EVENT_BYTES", 200_000)  # the test reads less
    owner = stream.MastodonStream(
        source="test", cursor="", deliver=lambda *a: None, advance=print, live=print
    )
    seen: list[Any] = []
    monkeypatch.setattr(owner, "received", seen.append)
    listener = stream._listener_class()(owner)
    url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/streaming/user/notification"
    response = requests.get(url, stream=True, timeout=10)
    return listener, response, seen


def test_an_event_that_never_ends_is_cut_off(server, monkeypatch) -> None:
    listener, response, seen = _listen(server, monkeypatch, endless=True)
    with pytest.raises(MastodonMalformedEventError, match="over 200000 bytes"):
        listener.handle_stream(response)
    assert [n["id"] for n in seen] == ["7"]  # the events before it were read


def test_events_of_a_normal_size_are_read(server, monkeypatch) -> None:
    listener, response, seen = _listen(server, monkeypatch, endless=False)
    listener.handle_stream(response)  # the server closes after one event
    assert [n["type"] for n in seen] == ["follow"]
