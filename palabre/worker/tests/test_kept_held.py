"""A worker keeps the row it works on while it works on it: a handler longer than its
lease (a slow upload) is not taken over by another worker, which would send again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.channels.services import channel_create_demo
from palabre.networks.demo.models import DemoPost
from palabre.worker.jobs import Job, claim, run_claimed

pytestmark = pytest.mark.django_db(transaction=True)  # the renewing thread sees the rows

LEASE = timedelta(seconds=0.9)


def _post(cast) -> DemoPost:  # type: ignore[no-untyped-def]
    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    return DemoPost.objects.create(
        channel=channel, idempotency_key="k", text="t", next_attempt_at=timezone.now()
    )


def test_a_handler_longer_than_its_lease_keeps_its_row(cast) -> None:  # type: ignore[no-untyped-def]
    post = _post(cast)
    others: list[list[DemoPost]] = []

    def slow(row: DemoPost) -> None:
        for _ in range(3):  # three leases long, the other worker asking all along
            time.sleep(LEASE.total_seconds())
            others.append(claim(job, worker_id="B", limit=5))

    job = Job(name="slow", model=DemoPost, handle=slow, lease=LEASE)
    [row] = claim(job, worker_id="A", limit=5)
    run_claimed(job, row)
    assert others == [[], [], []]  # never taken while A worked
    post.refresh_from_db()
    assert (post.claimed_by, post.attempts, post.last_error) == ("", 1, "")


def test_a_row_taken_meanwhile_is_no_longer_renewed(cast) -> None:  # type: ignore[no-untyped-def]
    """A worker frozen past its lease (the renewals stopped too) finds the row taken: it
    renews nothing over the other worker's claim."""
    post = _post(cast)
    seen: list[str] = []

    def taken_over(row: DemoPost) -> None:
        DemoPost.objects.filter(pk=row.pk).update(
            claimed_by="B:other", claimed_until=timezone.now() + timedelta(hours=1)
        )
        time.sleep(LEASE.total_seconds())
        seen.append(DemoPost.objects.get(pk=row.pk).claimed_by)

    job = Job(name="taken", model=DemoPost, handle=taken_over, lease=LEASE)
    [row] = claim(job, worker_id="A", limit=5)
    run_claimed(job, row)
    post.refresh_from_db()
    assert seen == ["B:other"] and post.claimed_by == "B:other"
    assert post.claimed_until > timezone.now() + timedelta(minutes=50)  # B's own, untouched


def test_a_handler_stuck_past_the_longest_hold_lets_its_row_go(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKER_MAX_HOLD_SECONDS = 1
    _post(cast)
    others: list[list[DemoPost]] = []

    def stuck(row: DemoPost) -> None:
        for _ in range(4):
            time.sleep(LEASE.total_seconds())
            others.append(claim(job, worker_id="B", limit=5))

    job = Job(name="stuck", model=DemoPost, handle=stuck, lease=LEASE)
    [row] = claim(job, worker_id="A", limit=5)
    run_claimed(job, row)
    assert others[0] == [] and any(others[1:])  # kept a while, then let go


def test_a_renewal_survives_its_connection_being_cut(cast) -> None:  # type: ignore[no-untyped-def]
    """A connection idle between renewals cut by a proxy or a restart (a reviewer's
    finding: the renewals then failed for good, and another worker took the row)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL cuts another session's connection; SQLite has none")
    _post(cast)
    others: list[list[DemoPost]] = []

    def cut_then_slow(row: DemoPost) -> None:
        for _ in range(3):
            time.sleep(LEASE.total_seconds())
            with connection.cursor() as cursor:  # every other session of this database
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            others.append(claim(job, worker_id="B", limit=5))

    job = Job(name="cut", model=DemoPost, handle=cut_then_slow, lease=LEASE)
    [row] = claim(job, worker_id="A", limit=5)
    run_claimed(job, row)
    assert others == [[], [], []]


def test_inside_a_transaction_no_thread_waits_on_the_row(cast) -> None:  # type: ignore[no-untyped-def]
    """A test or the demo runs a handler inside its transaction: no renewing thread starts
    (it could not see the uncommitted claim, only wait on its lock)."""
    import threading

    from django.db import transaction

    _post(cast)
    threads: list[list[str]] = []

    def quick(row: DemoPost) -> None:
        threads.append([t.name for t in threading.enumerate()])

    job = Job(name="atomic", model=DemoPost, handle=quick, lease=LEASE)
    with transaction.atomic():
        [row] = claim(job, worker_id="A", limit=5)
        run_claimed(job, row)
    assert "palabre-lease" not in threads[0]
