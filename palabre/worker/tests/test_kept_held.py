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
