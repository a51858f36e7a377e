"""Real worker processes racing for the same rows: each row is handled exactly once."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from django.db import connection
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.services import channel_create_demo
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.worker.housekeeping import set_aside_housekeeping
from palabre.worker.tests.processes import WORKER, worker_env


def _seed(n: int) -> None:
    workspace = Workspace.objects.create(name="Race", slug="race")
    channel = channel_create_demo(workspace=workspace, network="x", name="X")
    now = timezone.now()
    DemoPost.objects.bulk_create(
        DemoPost(channel=channel, idempotency_key=f"k{i}", text="t", next_attempt_at=now)
        for i in range(n)
    )
    # Only the posts race here: the channel's inbox polls and the workspace's housekeeping
    # (due at creation, then every few seconds) would add rows to the counts.
    set_aside_housekeeping()


def _race(workers: int, timeout: float = 240) -> list[subprocess.CompletedProcess[str]]:
    cmd = [*WORKER, "--until-idle"]
    procs = [
        subprocess.Popen(
            cmd, env=worker_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(workers)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def _assert_each_row_handled_exactly_once(n: int, results) -> None:
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    assert DemoPost.objects.count() == n
    assert DemoPost.objects.exclude(attempts=1).count() == 0
    assert DemoActivity.objects.count() == n  # one simulated like per handling
    per_worker = [int(r.stdout.split()[1]) for r in results]
    assert sum(per_worker) == n


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_on_postgres_handle_1000_rows_exactly_once() -> None:
    _seed(1000)
    _assert_each_row_handled_exactly_once(1000, _race(4))


@pytest.mark.django_db(transaction=True)
def test_four_workers_on_sqlite_handle_rows_exactly_once() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite claim path; PostgreSQL has its own test")
    _seed(300)
    _assert_each_row_handled_exactly_once(300, _race(4))


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_row_in_hand_and_exits() -> None:
    _seed(50)
    env = worker_env() | {"PALABRE_DEMO_LATENCY_SECONDS": "0.2"}
    proc = subprocess.Popen(
        WORKER, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while DemoPost.objects.filter(attempts=1).count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    handled = next(int(word) for word in out.split() if word.isdigit())  # in any language
    assert 2 <= handled < 50
    # Nothing left half-done or held: every row was either handled once or given back.
    assert DemoPost.objects.filter(attempts=1).count() == handled
    assert DemoPost.objects.exclude(claimed_by="").count() == 0
    assert DemoActivity.objects.count() == handled
