"""Every guarded client asks for answers as they are and refuses a compressed one instead
of inflating it: 50 KB of deflate from a server someone named was 50 MB in memory (an
attacker's review of the Bluesky identity check, true of every connector)."""

from __future__ import annotations

import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import requests

from palabre.channels.tests.loopback import serving
from palabre.lib import outbound

BOMB = zlib.compress(b" " * 50_000_000)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    asked: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.asked.append(self.headers.get("Accept-Encoding", ""))
        plain = self.path == "/plain"
        body = b'{"ok": true}' if plain else BOMB
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if not plain:  # sent compressed whatever was asked, as a hostile server does
            self.send_header("Content-Encoding", "deflate")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def _serving() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.asked = []
    with serving(server):
        yield server


@contextmanager
def _at_most(limit: int) -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        assert tracemalloc.get_traced_memory()[1] < limit
    finally:
        tracemalloc.stop()


@pytest.fixture(autouse=True)
def _loopback(settings) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]


def test_httpx_refuses_a_compressed_answer_and_takes_a_plain_one() -> None:
    with _serving() as server, httpx.Client(**outbound.httpx_options()) as client:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert client.get(f"{base}/plain").json() == {"ok": True}
        with _at_most(20_000_000), pytest.raises(httpx.DecodingError):
            client.get(f"{base}/bomb").content  # noqa: B018
    assert server.asked == ["identity", "identity"]


def test_requests_refuses_a_compressed_answer_and_takes_a_plain_one() -> None:
    with _serving() as server, outbound.guard_session(requests.Session()) as session:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert session.get(f"{base}/plain", timeout=10).json() == {"ok": True}
        with _at_most(20_000_000), pytest.raises(requests.exceptions.ContentDecodingError):
            session.get(f"{base}/bomb", timeout=10).content  # noqa: B018
    assert server.asked == ["identity", "identity"]
