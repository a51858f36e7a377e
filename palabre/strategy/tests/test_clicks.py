"""People's clicks written in batches by web servers: with their request's time, at most a
second later, and what is left at a clean stop."""

from __future__ import annotations

import http.client
import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import InterfaceError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palabre.strategy import clicks
from palabre.strategy.links import link_create
from palabre.strategy.models import Click
from palabre.strategy.tests.conftest import BROWSER
from palabre.worker.tests.processes import worker_env


@pytest.mark.django_db
def test_clicks_wait_and_are_written_in_one_insert_with_their_request_times(
    client: Client, link, batching
) -> None:
    windows = []
    for _ in range(3):
        before = timezone.now()
        assert client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 302
        windows.append((before, timezone.now()))
        time.sleep(0.01)
    assert not Click.objects.exists()  # not yet written
    flushed_at = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        assert clicks.clicks_flush() == 3
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    times = sorted(Click.objects.filter(link=link).values_list("at", flat=True))
    for at, (before, after) in zip(times, windows, strict=True):
        assert before <= at <= after < flushed_at
    assert clicks.clicks_flush() == 0  # written once


@pytest.mark.django_db
def test_a_clean_stop_writes_what_is_left(client: Client, link, batching) -> None:
    for _ in range(4):
        client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    clicks.clicks_stop()  # what atexit calls
    assert Click.objects.filter(link=link).count() == 4


@pytest.mark.django_db
def test_a_closed_connection_keeps_the_batch_for_the_next_try(
    client: Client, link, batching, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection the database closed raises InterfaceError, which is no DatabaseError:
    the batch waits all the same."""
    for _ in range(3):
        client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    write = clicks._write

    def closed(batch: list[object]) -> int:
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(clicks, "_write", closed)
    with pytest.raises(InterfaceError):
        clicks.clicks_flush()
    monkeypatch.setattr(clicks, "_write", write)
    assert clicks.clicks_flush() == 3
    assert Click.objects.filter(link=link).count() == 3


@pytest.mark.django_db
def test_clicks_kept_while_the_writer_is_stuck_stay_under_the_cap(
    client: Client, link, batching, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.setattr(clicks, "MAX_PENDING", 10)
    with caplog.at_level(logging.ERROR, logger="palabre.strategy.clicks"):
        for _ in range(25):  # no flush meanwhile: the writer waits on a database that hangs
            client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
        assert caplog.records == []  # not one line per click, under the lock
        clicks._report_dropped()  # what the writer does each second
    assert [r.getMessage() for r in caplog.records] == [
        "16 clicks dropped: the database has been away too long"
    ]
    assert clicks.clicks_flush() == 9  # the newest, down to 90 % of the cap at each overflow


@pytest.mark.django_db(transaction=True)
def test_the_background_writer_writes_within_a_second(
    client: Client, link, batching, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clicks, "FLUSH_SECONDS", 1.0)
    sent = time.monotonic()
    for _ in range(5):
        client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    while Click.objects.count() < 5 and time.monotonic() - sent < 10:
        time.sleep(0.05)
    assert Click.objects.count() == 5
    assert time.monotonic() - sent < 3  # a second, and a busy machine's slack


@pytest.mark.django_db(transaction=True)
def test_clicks_on_a_link_deleted_meanwhile_are_dropped_not_the_batch(cast, batching) -> None:
    kept, gone = (
        link_create(workspace=cast.workspace, actor=cast.erin, destination=f"https://{n}.example/")
        for n in "ab"
    )
    for link in (kept, gone, kept):
        clicks.click_record(link_id=link.pk, at=timezone.now())
    gone.delete()
    assert clicks.clicks_flush() == 2
    assert list(Click.objects.values_list("link_id", flat=True)) == [kept.pk, kept.pk]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_stopped_by_sigterm_loses_no_click(link, tmp_path: Path) -> None:
    """As `palabre start` runs it and stops it: the clicks still in memory are written."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "palabre.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "2"],
        env=worker_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port)
        before = timezone.now()
        for _ in range(20):
            assert _get(port, f"/l/{link.code}") == 302
        after = timezone.now()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
    times = list(Click.objects.filter(link=link).values_list("at", flat=True))
    assert len(times) == 20, (tmp_path / "gunicorn.log").read_text()[-2000:]
    assert all(before <= at <= after for at in times)


def _wait_for_port(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER})
        return conn.getresponse().status
    finally:
        conn.close()
