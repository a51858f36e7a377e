"""A worker keeps the row it works on for as long as it works on it.

A lease is how a row claimed by a worker that died comes back to the others. A worker that
is alive and still working (a 90 MB video uploaded slowly, a network that answers late)
must not lose its row to another, which would send it again: the first send was under way.
So while a handler runs, a thread renews the row's lease every third of it, for at most
WORKER_MAX_HOLD_SECONDS (a handler stuck for good lets its row go). The lease then runs out
only when the worker died or froze, or its handler was stuck that long; the handler's
writes stay conditional on still holding the row (jobs.held_write), for those cases.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import Error, connection, connections
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

log = logging.getLogger("palabre.worker")


class KeptHeld:
    """`with KeptHeld(row, lease):` around a handler's run renews the row's lease (never
    shortening it) until the block ends, or until the row is found no longer this worker's."""

    def __init__(self, row: Any, lease: timedelta) -> None:
        self._row = row
        self._lease = lease
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._keep, name="palabre-lease", daemon=True)

    def __enter__(self) -> KeptHeld:
        # Inside a transaction (a test, the demo), the row's claim is not committed: a
        # thread of its own could neither see it nor renew it, only wait on its lock.
        if not connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._done.set()
        if self._thread.is_alive():
            # A renewal waiting on a lock is not waited for long: the outcome's write does
            # not depend on it.
            self._thread.join(timeout=5)

    def _keep(self) -> None:
        until = time.monotonic() + settings.WORKER_MAX_HOLD_SECONDS
        while not self._done.wait(self._lease.total_seconds() / 3):
            if time.monotonic() > until:
                log.warning("worker: %s #%s held too long, let go", self._row, self._row.pk)
                return
            try:
                if not self._renew():
                    return
            finally:
                # A connection idle for a third of a lease may be cut meanwhile (a proxy,
                # a restart): each renewal opens its own, so none fails for good.
                connections.close_all()

    def _renew(self) -> bool:
        row = self._row
        try:
            kept = lease_renewed(row, self._lease)
        except Error:  # busy for now (SQLite's lock), cut: the next turn tries again
            log.warning("worker: the lease of %s #%s could not be renewed now", row, row.pk)
            return True
        if not kept:
            log.warning("worker: %s #%s is no longer this worker's", row, row.pk)
        return kept


def lease_renewed(row: Any, lease: timedelta, **fields: Any) -> bool:
    """The row's lease renewed to `lease` from now, never shortened (a job may claim for
    longer: a report's PDF), and `fields` written with it: only while the row is still this
    worker's and its lease runs (no other worker can have taken it)."""
    now = timezone.now()
    mine = type(row)._default_manager.filter(
        pk=row.pk, claimed_by=row.claimed_by, claimed_until__gt=now
    )
    renewed = Greatest(F("claimed_until"), Value(now + lease))
    return bool(mine.update(claimed_until=renewed, **fields))
