"""A delivery's outcome is written only by the worker holding it, and an attempt ends
within its time however slowly the receiver answers (found by an audit: a receiver
trickling its headers held an attempt for 300 s, past the job's two-minute lease; the
worker that took the delivery over delivered it, then the first one's late "failed" was
written over it, and every later event of its key waited for good)."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.webhooks import delivery as sending
from palabre.webhooks.jobs import JOBS
from palabre.webhooks.models import Delivery, DeliveryStatus
from palabre.webhooks.services import webhook_event_emit
from palabre.webhooks.tests.conftest import receiver  # noqa: F401 (fixture)
from palabre.webhooks.tests.helpers import run_worker_round, subscribe
from palabre.worker.jobs import claim, run_claimed

DELIVER = JOBS[0]


def test_a_late_failure_is_not_written_over_the_delivery_another_worker_made(
    cast,
    receiver,  # noqa: F811
    monkeypatch,
) -> None:
    subscribe(cast.workspace, cast.bob, receiver.url)
    for seq in (0, 1):
        webhook_event_emit(
            workspace=cast.workspace, event="post.published", key="post:1", data={"seq": seq}
        )
    [stale] = claim(DELIVER, worker_id="A", limit=20)
    original = sending.delivery_post
    calls: list[int] = []

    def slow(*, subscription, delivery):  # type: ignore[no-untyped-def]
        calls.append(delivery.pk)
        if len(calls) == 1:  # longer than any attempt may last: the test's way there
            Delivery.objects.filter(pk=delivery.pk).update(
                claimed_until=timezone.now() - timedelta(seconds=1)
            )
            [taken] = claim(DELIVER, worker_id="B", limit=20)
            run_claimed(DELIVER, taken)
            return sending.Answer(status=None, excerpt="", error=sending.TIMED_OUT)
        return original(subscription=subscription, delivery=delivery)

    monkeypatch.setattr(sending, "delivery_post", slow)
    run_claimed(DELIVER, stale)
    assert Delivery.objects.get(pk=stale.pk).status == DeliveryStatus.DELIVERED
    for _ in range(5):
        run_worker_round()
    assert [r.payload["data"]["seq"] for r in receiver.received] == [0, 1]


@pytest.fixture
def trickling() -> str:
    """A receiver that answers its status line and headers a byte at a time, each byte
    within the read timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000 + b"\r\nContent-Length: 2\r\n\r\nok"
        for byte in answer:
            if stop.is_set():
                break
            try:
                conn.send(bytes([byte]))
            except OSError:
                break
            time.sleep(0.2)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    stop.set()
    server.close()


def test_an_attempt_ends_within_its_time_however_slow_the_answer(
    cast, settings, trickling, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(sending, "ATTEMPT_SECONDS", 2.0)
    subscription, _ = subscribe(cast.workspace, cast.bob, trickling)
    webhook_event_emit(workspace=cast.workspace, event="post.published", key="post:1", data={})
    started = time.monotonic()
    answer = sending.delivery_post(subscription=subscription, delivery=Delivery.objects.get())
    assert answer.error and time.monotonic() - started < 10  # the headers alone take 200 s
