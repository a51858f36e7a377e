"""Claiming due rows and recording what happened on them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.channels.services import channel_create_demo
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.worker import loop
from palabre.worker.jobs import Job, RetryAt, claim, run_claimed


@pytest.fixture
def channel(cast):
    return channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")


def _posts(channel, n: int, *, due_in: timedelta = timedelta(0)) -> list[DemoPost]:
    at = timezone.now() + due_in
    return [
        DemoPost.objects.create(
            channel=channel,
            idempotency_key=f"k{i}-{due_in.total_seconds()}",
            text="t",
            next_attempt_at=at,
        )
        for i in range(n)
    ]


def _job(handle) -> Job:
    return Job(name="test", model=DemoPost, handle=handle, backoff_base=timedelta(seconds=10))


def test_it_claims_only_due_rows(channel) -> None:
    due = _posts(channel, 3)
    DemoPost.objects.create(
        channel=channel,
        idempotency_key="later",
        text="t",
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    DemoPost.objects.create(channel=channel, idempotency_key="never", text="t")
    claimed = claim(_job(lambda row: None), worker_id="w1", limit=10)
    assert {row.pk for row in claimed} == {p.pk for p in due}


def test_a_claimed_row_is_not_claimed_again_until_its_lease_expires(channel) -> None:
    _posts(channel, 2)
    job = _job(lambda row: None)
    assert len(claim(job, worker_id="w1", limit=10)) == 2
    assert claim(job, worker_id="w2", limit=10) == []
    DemoPost.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert len(claim(job, worker_id="w2", limit=10)) == 2


def test_it_respects_the_batch_limit(channel) -> None:
    _posts(channel, 5)
    assert len(claim(_job(lambda row: None), worker_id="w1", limit=2)) == 2


def test_success_records_the_attempt_and_the_next_time(channel) -> None:
    [post] = _posts(channel, 1)
    later = timezone.now() + timedelta(minutes=5)
    job = _job(lambda row: later)
    [row] = claim(job, worker_id="w1", limit=1)
    run_claimed(job, row)
    post.refresh_from_db()
    assert (post.attempts, post.next_attempt_at, post.last_error) == (1, later, "")
    assert (post.claimed_by, post.claimed_until) == ("", None)


def test_failure_records_the_error_and_backs_off(channel) -> None:
    [post] = _posts(channel, 1)

    def boom(row):
        raise ValueError("network said no")

    job = _job(boom)
    before = timezone.now()
    run_claimed(job, claim(job, worker_id="w1", limit=1)[0])
    post.refresh_from_db()
    assert post.attempts == 1
    assert post.last_error == "ValueError: network said no"
    # First retry: 10 s ± 20% jitter.
    assert before + timedelta(seconds=7) < post.next_attempt_at < before + timedelta(seconds=13)


def test_it_gives_up_after_max_attempts(channel) -> None:
    [post] = _posts(channel, 1)
    DemoPost.objects.filter(pk=post.pk).update(attempts=7)

    def boom(row):
        raise RuntimeError("still failing")

    job = _job(boom)
    run_claimed(job, claim(job, worker_id="w1", limit=1)[0])
    post.refresh_from_db()
    assert (post.attempts, post.next_attempt_at) == (8, None)
    assert "still failing" in post.last_error


def test_retry_at_waits_without_counting_as_error(channel) -> None:
    [post] = _posts(channel, 1)
    when = timezone.now() + timedelta(seconds=90)

    def wait(row):
        raise RetryAt(when, "rate limited")

    job = _job(wait)
    run_claimed(job, claim(job, worker_id="w1", limit=1)[0])
    post.refresh_from_db()
    assert (post.next_attempt_at, post.last_error) == (when, "rate limited")


def test_the_loop_runs_the_demo_audience_until_idle(channel) -> None:
    from palabre.worker.housekeeping import set_aside_housekeeping

    posts = _posts(channel, 4)
    # Only the demo audience here: the inbox's and analytics' steps are tested in their apps.
    set_aside_housekeeping()
    stats = loop.run(stop=threading.Event(), until_idle=True)
    assert stats.handled == 4
    for post in posts:
        assert DemoActivity.objects.filter(post=post, kind="like").count() == 1


def test_a_stopped_loop_gives_back_rows_it_did_not_start(channel) -> None:
    _posts(channel, 3)
    stop = threading.Event()
    seen = []

    def handle(row):
        seen.append(row.pk)
        stop.set()  # SIGTERM arrives while the first row is in hand

    handled = loop.run_round([_job(handle)], stop=stop, ident="w1", batch=10)
    assert handled == 1 and len(seen) == 1
    assert DemoPost.objects.exclude(claimed_by="").count() == 0
    assert DemoPost.objects.filter(attempts=1).count() == 1


def test_an_idle_worker_sleeps_only_until_the_next_due_row(channel, settings) -> None:
    settings.WORKER_POLL_SECONDS = 5
    job = _job(lambda row: None)
    assert loop._idle_wait([job]) == 5  # nothing scheduled: the poll interval
    _posts(channel, 1, due_in=timedelta(seconds=2))
    assert 1.5 < loop._idle_wait([job]) <= 2
    _posts(channel, 1, due_in=timedelta(seconds=-1))
    assert loop._idle_wait([job]) == 0


@pytest.mark.django_db
def test_the_worker_command_lowers_its_cpu_priority_so_pages_go_first(
    settings, monkeypatch
) -> None:
    """`palabre worker` yields the CPU to the web processes on a shared machine by the
    niceness PALABRE_WORKER_NICE sets (0 leaves it as it is)."""
    from django.core.management import call_command

    asked: list[int] = []
    monkeypatch.setattr("os.nice", asked.append)  # the test process keeps its priority
    settings.PALABRE_WORKER_NICE = 7
    call_command("worker", until_idle=True)
    settings.PALABRE_WORKER_NICE = 0
    call_command("worker", until_idle=True)
    assert asked == [7, 0]


def test_the_backoff_of_a_job_that_ran_for_months_stays_at_its_cap() -> None:
    """An inbox poll counts every run among its attempts: past 45, an uncapped exponent
    overflowed timedelta inside the worker's error handling."""
    from datetime import timedelta

    from palabre.worker.jobs import Job, backoff

    job = Job(name="poll", model=object, handle=lambda row: None, max_attempts=1_000_000)  # type: ignore[arg-type]
    for attempts in (1, 45, 50, 10_000):
        assert timedelta(0) < backoff(job, attempts) <= job.backoff_max * 1.2
