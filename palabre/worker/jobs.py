"""Job steps, and how a worker claims rows and records what happened.

A step claims due rows of one model atomically, hands each to a service, and writes
the outcome on the row: attempts, next attempt time, last error. On PostgreSQL the
claim is `SELECT ... FOR UPDATE SKIP LOCKED`, so workers never wait on each other;
elsewhere (SQLite) it is one conditional UPDATE, which SQLite runs alone.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from palabre.worker.kept import KeptHeld, lease_renewed

log = logging.getLogger("palabre.worker")


class RetryAt(Exception):
    """Raised by a handler that must wait (a rate limit): not counted as an error."""

    def __init__(self, when: datetime, reason: str = "") -> None:
        super().__init__(reason)
        self.when = when
        self.reason = reason


class LeaseLost(Exception):
    """Raised by a handler whose worker no longer holds its row (the lease ran out and
    another worker took it, or its work went): this turn ends and writes nothing more."""


@dataclass(frozen=True)
class Job:
    name: str
    model: type[models.Model]
    # Returns when the row is next due, or None when it has nothing more to do.
    handle: Callable[[Any], datetime | None]
    due: Q = field(default_factory=Q)
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=6)


def backoff(job: Job, attempts: int) -> timedelta:
    """Exponential, capped, with ±20% jitter so that retries do not come in waves."""
    # The exponent is bounded first: timedelta overflows past 2**45 × 30 s, and a job that
    # runs for months (an inbox poll) counts every run among its attempts.
    delay = min(job.backoff_base * (2 ** min(max(attempts - 1, 0), 32)), job.backoff_max)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not security)


def _due(job: Job, now: datetime) -> Q:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Q(next_attempt_at__lte=now) & free & job.due


LATE_AFTER = timedelta(minutes=10)  # due this long ago and held by no worker: say it


def late(now: datetime, *, waiting: Q, since: str) -> Q:
    """A job's rows late at `now` (the pages say so: a worker stopped, or never started):
    `waiting` and due a while ago, held by no worker, or given up by the worker after
    repeated unexpected errors (no next attempt) and waiting since `since` a while ago."""
    due = Q(next_attempt_at__lt=now - LATE_AFTER)
    given_up = Q(next_attempt_at__isnull=True, **{f"{since}__lt": now - LATE_AFTER})
    return waiting & (due | given_up) & ~Q(claimed_until__gt=now)


def next_due(job: Job) -> datetime | None:
    """When this step's next row falls due (unclaimed rows only)."""
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now())
    rows = job.model._default_manager.filter(unclaimed, job.due, next_attempt_at__isnull=False)
    first = rows.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    return first


def claim(job: Job, *, worker_id: str, limit: int) -> list[Any]:
    now = timezone.now()
    token = f"{worker_id}:{uuid.uuid4().hex[:8]}"
    lease = {"claimed_by": token, "claimed_until": now + job.lease}
    manager = job.model._default_manager
    due = manager.filter(_due(job, now)).order_by("next_attempt_at", "pk")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            manager.filter(pk__in=ids).update(**lease)
    else:
        ids = list(due.values_list("pk", flat=True)[:limit])
        # Re-checking "due" inside the UPDATE makes it a compare-and-set: a row another
        # worker claimed in between is left alone.
        manager.filter(_due(job, now), pk__in=ids).update(**lease)
    return list(manager.filter(claimed_by=token).order_by("next_attempt_at", "pk"))


def run_claimed(job: Job, row: Any) -> None:
    """Hand one claimed row to its service and record the outcome on the row."""
    if not _hold(job, row):
        log.info("job %s: %s #%s no longer held or due, left alone", job.name, row, row.pk)
        return
    outcome: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "claimed_by": "",
        "claimed_until": None,
    }
    try:
        with KeptHeld(row, job.lease):  # no other worker takes it while this one works
            next_at = job.handle(row)
    except LeaseLost:
        log.warning(
            "job %s: %s #%s taken over while working, left to its holder", job.name, row, row.pk
        )
        return
    except RetryAt as wait:
        outcome.update(next_attempt_at=wait.when, last_error=wait.reason[:2000])
    except Exception as error:
        log.exception("job %s failed on %s #%s", job.name, job.model.__name__, row.pk)
        attempts = row.attempts + 1
        give_up = attempts >= job.max_attempts
        retry_at = None if give_up else timezone.now() + backoff(job, attempts)
        outcome.update(
            next_attempt_at=retry_at, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
    else:
        outcome.update(next_attempt_at=next_at, last_error="")
    updated = job.model._default_manager.filter(pk=row.pk, claimed_by=row.claimed_by).update(
        **outcome
    )
    if not updated:
        log.warning("job %s: lease on %s #%s expired while working", job.name, row, row.pk)


def _hold(job: Job, row: Any) -> bool:
    """A row claimed in a batch waits its turn; meanwhile its lease may have run out and
    another worker handled it, or its work may have gone (a post cancelled). Held again
    here, for a whole lease from now, and read again: the service works from the row as
    it is, never from the batch's copy (a post published by the other worker would have
    been sent a second time from it)."""
    now = timezone.now()
    mine = job.model._default_manager.filter(
        job.due, pk=row.pk, claimed_by=row.claimed_by, claimed_until__gt=now
    )
    if not mine.update(claimed_until=now + job.lease):
        return False
    row.refresh_from_db()
    return True


def held_write(row: Any, **fields: Any) -> None:
    """A handler's write, made only while its worker still holds the row: one whose request
    outlasted its lease, while another worker took the row and settled it, would otherwise
    write its own late outcome over that one. A row nobody claimed (written outside the
    worker: the demo, a test) is written as it is."""
    if not _held(row).update(**fields):
        raise LeaseLost


def held_for_send(row: Any, **fields: Any) -> None:
    """Just before a request that may reach a network: only while the lease still runs (no
    other worker can have taken the row), renewed a whole WORKER_LEASE_SECONDS from now,
    longer than the outbound guard lets a request last, so that none takes it while the
    request is under way (it would send a second time)."""
    if row.claimed_by:
        held = lease_renewed(row, timedelta(seconds=settings.WORKER_LEASE_SECONDS), **fields)
    else:  # a row nobody claimed (the demo, a test): written as it is
        mine = _held(row)
        held = bool(mine.update(**fields)) if fields else mine.exists()
    if not held:
        raise LeaseLost


def each_once(
    row: Any, *, field: str, period: str, people: Iterable[Any], send: Callable[[Any], None]
) -> None:
    """`send` to each of `people` once for `period` ("2026-11", a week's Monday), each
    recorded on the row's JSON `field` as it goes: a mail server failing on the third
    recipient made the retry send to the first two again (and a weekly reminder retries for
    days). Sent only while this worker holds the row."""
    progress = getattr(row, field) or {}
    done = set(progress.get("sent", [])) if progress.get("period") == period else set()
    for person in people:
        if person.pk in done:
            continue
        held_for_send(row)
        send(person)
        done.add(person.pk)
        held_write(row, **{field: {"period": period, "sent": sorted(done)}})


def _held(row: Any) -> Any:
    return type(row)._default_manager.filter(pk=row.pk, claimed_by=row.claimed_by)


def release(job: Job, rows: list[Any]) -> None:
    """Give back rows claimed but not started (a stopping worker), for others to take now."""
    for row in rows:
        job.model._default_manager.filter(pk=row.pk, claimed_by=row.claimed_by).update(
            claimed_by="", claimed_until=None
        )


def all_jobs() -> list[Job]:
    """Every `JOBS` list declared in a Palabre app's jobs.py."""
    found: list[Job] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("palabre."):
            continue
        try:
            module = import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as error:
            if error.name == f"{config.name}.jobs":
                continue
            raise
        found.extend(getattr(module, "JOBS", []))
    return found
