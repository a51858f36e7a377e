"""The one worker loop: every job step, round and round, until told to stop."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from palabre.worker.jobs import Job, all_jobs, claim, next_due, release, run_claimed

log = logging.getLogger("palabre.worker")


@dataclass
class Stats:
    handled: int = 0
    rounds: int = 0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_round(jobs: list[Job], *, stop: threading.Event, ident: str, batch: int) -> int:
    """One pass over every step; returns how many rows were handled."""
    handled = 0
    for job in jobs:
        rows = claim(job, worker_id=ident, limit=batch)
        for index, row in enumerate(rows):
            if stop.is_set():
                release(job, rows[index:])
                return handled
            run_claimed(job, row)
            handled += 1
    return handled


def _idle_wait(jobs: list[Job]) -> float:
    """Sleep until the next row falls due, at most WORKER_POLL_SECONDS: a post due at 9:00:00
    should leave at 9:00:00, not a poll interval later."""
    poll = settings.WORKER_POLL_SECONDS
    upcoming = [next_due(job) for job in jobs]
    soonest = min((t for t in upcoming if t is not None), default=None)
    if soonest is None:
        return poll
    return min(max((soonest - timezone.now()).total_seconds(), 0.0), poll)


def run(*, stop: threading.Event, until_idle: bool = False) -> Stats:
    jobs, ident, stats = all_jobs(), worker_id(), Stats()
    log.info("worker %s started with steps: %s", ident, ", ".join(j.name for j in jobs))
    while not stop.is_set():
        # Drop connections the database may have closed (restarts, idle timeouts). Never
        # inside a transaction: tests run the loop inside one.
        if not connection.in_atomic_block:
            close_old_connections()
        handled = run_round(jobs, stop=stop, ident=ident, batch=settings.WORKER_BATCH_SIZE)
        stats.handled += handled
        stats.rounds += 1
        if handled == 0:
            if until_idle:
                break
            stop.wait(_idle_wait(jobs))
    log.info("worker %s stopped after %d rows", ident, stats.handled)
    return stats
