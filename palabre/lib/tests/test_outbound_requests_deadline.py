"""The requests side of the guard (Mastodon.py) has the httpx side's deadline: a server that
answers a byte at a time, each within the read timeout, or never finishes its TLS handshake,
is cut off ANSWER_SECONDS after the request began; a body read at once is bounded; an event
stream (stream=True) has that long for its headers only, then reads for as long as it lasts."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from palabre.channels.tests.loopback import answer, serving
from palabre.lib import outbound
from tests.networks.mastodon import tls


@pytest.fixture(autouse=True)
def _loopback(settings, monkeypatch) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(outbound, "ANSWER_SECONDS", 1.5)


def _session() -> requests.Session:
    return outbound.guard_session(requests.Session())


@contextmanager
def _raw_server(answer: Callable[[socket.socket], None]) -> Iterator[int]:
    """One connection at a time, answered by `answer` from its own thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                try:
                    answer(connection)
                except OSError:
                    pass

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


def _trickle(data: bytes, pause: float) -> Callable[[socket.socket], None]:
    def answer(connection: socket.socket) -> None:
        connection.recv(65536)
        for byte in data:
            connection.sendall(bytes([byte]))
            time.sleep(pause)

    return answer


def _took(call: Callable[[], Any], error: type[BaseException]) -> float:
    began = time.monotonic()
    with pytest.raises(error):
        call()
    return time.monotonic() - began


def test_trickled_headers_are_cut_off_at_the_deadline() -> None:
    headers = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000
    with _raw_server(_trickle(headers, 0.2)) as port:
        took = _took(lambda: _session().get(f"http://127.0.0.1:{port}/", timeout=5), OSError)
    assert 1.4 < took < 4  # each byte came in time; the whole did not


def test_a_trickled_body_is_cut_off_at_the_deadline() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"

    def answer(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(head)
        _trickle(b"[" * 1000, 0.2)(_Sent(connection))

    with _raw_server(answer) as port:
        took = _took(lambda: _session().get(f"http://127.0.0.1:{port}/", timeout=5), OSError)
    assert 1.4 < took < 4


class _Sent:
    """A connection whose request was read already (for _trickle's first recv)."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection

    def recv(self, size: int) -> bytes:
        return b""

    def sendall(self, data: bytes) -> None:
        self._connection.sendall(data)


def test_a_tls_handshake_never_answered_is_cut_off_too(tmp_path: Path) -> None:
    """The server takes the connection and never answers the client's hello: with a read
    timeout of 30 s, only the deadline ends it."""
    paths = tls.make(tmp_path)

    def silent(connection: socket.socket) -> None:
        connection.recv(65536)
        time.sleep(10)

    with _raw_server(silent) as port:
        get = lambda: _session().get(  # noqa: E731
            f"https://127.0.0.1:{port}/", timeout=30, verify=str(paths.ca)
        )
        took = _took(get, OSError)
    assert 1.4 < took < 5


def test_a_body_over_the_limit_is_not_read(monkeypatch) -> None:
    monkeypatch.setattr(outbound, "ANSWER_BYTES", 1000)
    with _http() as base, pytest.raises(OSError):
        _session().get(f"{base}/large", timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept alive
    server: _Server

    def do_GET(self) -> None:
        if self.path == "/stream":  # an event stream: headers, then a line every 0.4 s
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for n in range(6):
                self.wfile.write(f"data: {n}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.4)
            self.close_connection = True
            return
        answer(self, 200, b"x" * 5000 if self.path == "/large" else b'{"ok": true}')

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def _http(tls_paths: tls.ServerCertificate | None = None) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Handler)
    scheme = "http"
    if tls_paths:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_paths.certificate, tls_paths.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    with serving(server):
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    _http.connections = server.connections  # type: ignore[attr-defined]


def test_answers_on_time_are_read_on_one_kept_alive_connection(tmp_path: Path) -> None:
    """Each request has its own time; a body read whole gives its connection back."""
    paths = tls.make(tmp_path)
    for served in (None, paths):
        session = _session()
        with _http(served) as base:
            for _ in range(3):
                answer = session.get(f"{base}/plain", timeout=5, verify=str(paths.ca))
                assert answer.json() == {"ok": True}
                time.sleep(0.6)  # 1.8 s in all: past the deadline of the first request
        assert _http.connections == 1  # type: ignore[attr-defined]


def test_an_event_stream_reads_past_the_deadline() -> None:
    with _http() as base, _session().get(f"{base}/stream", stream=True, timeout=5) as answer:
        lines = [line for line in answer.iter_lines() if line]
    assert lines == [f"data: {n}".encode() for n in range(6)]  # 2.4 s of it


def test_an_upload_has_time_for_its_size(monkeypatch) -> None:
    """A video sent to a slow server is not cut off for its size: sending has the deadline
    and as long again for each UPLOAD_RATE bytes (the answer then has the deadline)."""
    monkeypatch.setattr(outbound, "UPLOAD_RATE", 8_000_000)
    body = b"v" * 32_000_000  # more than both ends' buffers hold: sending waits for the server

    def late_reader(connection: socket.socket) -> None:
        time.sleep(2.5)  # past the deadline (1.5 s), within the upload's (1.5 s × 5)
        left = len(body)
        received = b""
        while b"\r\n\r\n" not in received:
            received += connection.recv(65536)
        left -= len(received.split(b"\r\n\r\n", 1)[1])
        while left > 0:
            left -= len(connection.recv(min(left, 1 << 20)))
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    with _raw_server(late_reader) as port:
        began = time.monotonic()
        answer = _session().post(f"http://127.0.0.1:{port}/", data=body, timeout=5)
        took = time.monotonic() - began
    assert answer.text == "ok" and took > 2.4


def test_a_deadline_block_bounds_all_its_requests_together(monkeypatch) -> None:
    """server.detect's documents share one deadline: the block's, not each request's."""
    monkeypatch.setattr(outbound, "ANSWER_SECONDS", 100)
    headers = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000
    with _raw_server(_trickle(headers, 0.2)) as port, outbound.deadline(1.5):
        took = _took(lambda: _session().get(f"http://127.0.0.1:{port}/", timeout=5), OSError)
    assert 1.4 < took < 4


def test_an_event_stream_refused_with_an_endless_body_is_not_read() -> None:
    """Mastodon.py's session remembers an error's text: not an event stream's, which would
    read for as long as the server sends."""
    from palabre.networks.mastodon.errors import RememberingSession

    head = b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\n\r\n"
    with _raw_server(_trickle(head + b"x" * 10_000, 0.001)) as port:
        session = outbound.guard_session(RememberingSession())
        began = time.monotonic()
        answer = session.get(f"http://127.0.0.1:{port}/stream", stream=True, timeout=5)
        took = time.monotonic() - began
        answer.close()
    assert session.last_status == 500 and session.last_text == ""
    assert took < 1.4  # its headers, not its body


def test_a_redirect_of_an_event_stream_is_read_on_time() -> None:
    """requests reads a redirect's body before following it, stream or not."""
    head = b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 100000\r\n\r\n"
    with _raw_server(_trickle(head + b"x" * 1000, 0.01)) as port:
        get = lambda: _session().get(  # noqa: E731
            f"http://127.0.0.1:{port}/stream", stream=True, timeout=5
        )
        took = _took(get, OSError)
    assert 1.4 < took < 4
