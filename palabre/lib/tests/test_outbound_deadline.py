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
