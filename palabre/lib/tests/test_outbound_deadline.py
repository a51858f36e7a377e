"""A server that trickles its answer a byte at a time, each within the read timeout, is
cut off ANSWER_SECONDS after the request went (an attacker's review of the Bluesky
identity check: it held a request for as long as the server liked)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from palabre.lib import outbound


@contextmanager
def _trickling(pause: float) -> Iterator[int]:
    """Answers every request with headers a byte at a time, `pause` seconds apart."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                if stop.is_set():
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(pause)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()


@pytest.fixture(autouse=True)
def _loopback(settings) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]


def test_a_trickled_answer_is_cut_off_at_the_deadline(monkeypatch) -> None:
    monkeypatch.setattr(outbound, "ANSWER_SECONDS", 1.5)
    with (
        _trickling(pause=0.2) as port,
        httpx.Client(timeout=5, **outbound.httpx_options()) as client,
    ):
        began = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"http://127.0.0.1:{port}/")
        took = time.monotonic() - began
    assert 1.4 < took < 4  # each byte came in time; the whole did not


def test_an_answer_within_the_deadline_is_read(monkeypatch) -> None:
    from palabre.lib.tests.test_outbound_compressed import _serving

    monkeypatch.setattr(outbound, "ANSWER_SECONDS", 1.5)
    with _serving() as server, httpx.Client(**outbound.httpx_options()) as client:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for _ in range(3):  # on one kept-alive connection: each request has its own time
            assert client.get(f"{base}/plain").json() == {"ok": True}
            time.sleep(0.6)


def test_an_https_answer_is_read_through_the_deadline_too(monkeypatch, tmp_path) -> None:
    """The deadline wraps the connection before TLS is set up on it: HTTPS (every real
    network) goes through its start_tls."""
    import ssl
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from palabre.channels.tests.loopback import serving
    from tests.networks.mastodon import tls

    paths = tls.make(tmp_path)
    trusted = ssl.create_default_context(cafile=str(paths.ca))
    monkeypatch.setattr(outbound.httpx, "create_ssl_context", lambda *a, **k: trusted)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths.certificate, paths.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    wrapped = outbound._Deadlined.start_tls
    started: list[object] = []

    def start_tls(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(self)
        return wrapped(self, *args, **kwargs)

    monkeypatch.setattr(outbound._Deadlined, "start_tls", start_tls)
    with serving(server), httpx.Client(**outbound.httpx_options()) as client:
        answer = client.get(f"https://127.0.0.1:{server.server_address[1]}/")
    assert answer.text == "ok" and len(started) == 1


def test_a_tls_handshake_never_answered_is_cut_off_at_the_deadline(monkeypatch) -> None:
    """The server takes the connection and never answers the client's hello: each read of
    the handshake has the whole timeout (30 s here), only the deadline ends it."""
    monkeypatch.setattr(outbound, "ANSWER_SECONDS", 1.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    with listener, httpx.Client(timeout=30, **outbound.httpx_options()) as client:
        began = time.monotonic()
        with pytest.raises(httpx.HTTPError):
            client.get(f"https://127.0.0.1:{listener.getsockname()[1]}/")
        took = time.monotonic() - began
    assert 1.4 < took < 5
