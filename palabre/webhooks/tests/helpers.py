"""A real HTTP receiver on loopback, a simulated clock, and the worker's step for webhooks."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from palabre.webhooks.events import EVENT_NAMES
from palabre.webhooks.jobs import JOBS
from palabre.webhooks.models import Subscription
from palabre.webhooks.services import subscription_create
from palabre.worker import loop


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What a team's tool is: it records what arrives and answers `status` with `answer`.
    `stop()` takes it off the network (connections are refused); `start()` brings it back on
    the same port."""

    port: int = 0
    status: int = 200
    answer: bytes = b'{"ok":true}'
    received: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(Received(headers, body))
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def run_worker_round() -> int:
    """One round of `palabre worker`, webhooks' step only: how many deliveries it handled."""
    return loop.run_round(JOBS, stop=threading.Event(), ident="test", batch=20)


def subscribe(
    workspace: Any, actor: Any, url: str, events: list[str] | None = None
) -> tuple[Subscription, str]:
    """A subscription to `events` (every event by default) and its secret."""
    return subscription_create(
        workspace=workspace, actor=actor, url=url, events=events or sorted(EVENT_NAMES)
    )
