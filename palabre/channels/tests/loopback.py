"""Real servers on 127.0.0.1 for the outbound guard's tests: what they received is the proof
of what Palabre reached."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: str, location: str = "") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer, self.location = answer, location
        self.paths: list[str] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def _any(self) -> None:
        self.server.paths.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.server.answer == "redirect":
            self.send_response(307)
            self.send_header("Location", self.server.location + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.server.answer == "xrpc-refusal":
            body = json.dumps(
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            ).encode()
            self._send(401, "application/json", body)
        else:  # a web server that is not an API
            self._send(404, "text/html", b"<html><body>Not here</body></html>")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        answer(self, status, body, content_type)

    do_GET = do_POST = _any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def answer(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json",
) -> None:
    """A whole answer from a test server's handler: status, type, length, body."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def answer_json(handler: BaseHTTPRequestHandler, status: int, value: Any) -> None:
    answer(handler, status, json.dumps(value).encode())


@contextmanager
def serving(*servers: ThreadingHTTPServer) -> Iterator[None]:
    """Each server answering from its own thread while the block runs, closed after."""
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@contextmanager
def http_server(answer: str = "html", location: str = "") -> Iterator[Recorder]:
    server = Recorder(answer, location)
    with serving(server):
        yield server


@contextmanager
def silent_port() -> Iterator[int]:
    """Accepts connections (the kernel's backlog) and never answers: a timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
