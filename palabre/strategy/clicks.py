"""People's clicks on tracked links, written in batches by web servers.

One INSERT per redirect made the database the limit of /l/<code> at campaign scale. In a
web server (palabre/wsgi.py turns batching on: gunicorn's workers, runserver), a click is
kept in the process's memory with its request's time, and a background thread writes what
has gathered once a second, in one bulk insert. Elsewhere (tests through Django's client,
commands, the shell) a click is written at once, in the caller's transaction.

A clean stop writes what is left: gunicorn's workers end with sys.exit() on SIGTERM (which
`palabre start` sends), so the atexit hook runs. A crash (SIGKILL, out of memory, a power
cut) loses at most the last second's clicks. docs/metrics.md says so.
"""

from __future__ import annotations

import atexit
import logging
import threading
from datetime import datetime

from django.db import Error, IntegrityError, close_old_connections, transaction

from palabre.strategy.models import Click, ShortLink

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
INSERT_SIZE = 1000  # rows per INSERT statement; a batch is still one transaction
# While the database is away, clicks wait for the next try; past this many (over a minute
# of a campaign's peak), the oldest are dropped rather than the process's memory.
MAX_PENDING = 100_000

_batching = False
_pending: list[tuple[int, datetime]] = []  # (link id, request time)
_dropped = 0  # clicks dropped since the last report (_drop_oldest)
_lock = threading.Lock()
_stopping = threading.Event()
_flusher: threading.Thread | None = None


def clicks_batching_on() -> None:
    """From now on this process batches its clicks (a web server's WSGI module calls it)."""
    global _batching
    if not _batching:
        _batching = True
        atexit.register(clicks_stop)


def click_record(*, link_id: int, at: datetime) -> None:
    """Count a person's click on a link at `at`: in the next batch, or at once."""
    if not _batching:
        _write([(link_id, at)])
        return
    with _lock:
        _pending.append((link_id, at))
        _drop_oldest()  # past the cap: the writer stuck on a database that does not answer
        # Started here, not at import: under `gunicorn --preload` the module is imported in
        # the arbiter, and a thread does not survive the fork into each worker.
        if _flusher is None or not _flusher.is_alive():
            _flusher_start()


def clicks_flush() -> int:
    """Write the clicks gathered so far, in one transaction; how many rows were written."""
    with _lock:
        batch = _pending[:]
        _pending.clear()
    if not batch:
        return 0
    try:
        return _write(batch)
    except Error:  # any of the database's (a connection closed is not a DatabaseError)
        _put_back(batch)
        raise


def clicks_stop() -> None:
    """Stop the background writer and write what is left (at exit, so a clean stop loses
    nothing)."""
    _stopping.set()
    if _flusher is not None:
        _flusher.join(timeout=10)
    try:
        clicks_flush()
    except Error:
        log.exception("%d clicks not written at exit", len(_pending))


def _flusher_start() -> None:
    global _flusher
    _stopping.clear()
    _flusher = threading.Thread(target=_flush_every_second, name="clicks-flusher", daemon=True)
    _flusher.start()


def _flush_every_second() -> None:
    while not _stopping.wait(FLUSH_SECONDS):
        _report_dropped()
        try:
            clicks_flush()
        except Error:
            log.exception("Clicks not written; trying again in %s s", FLUSH_SECONDS)
        finally:
            close_old_connections()  # this thread's connection, as after a request


def _write(clicks: list[tuple[int, datetime]]) -> int:
    rows = [Click(link_id=link_id, at=at) for link_id, at in clicks]
    try:
        with transaction.atomic():
            Click.objects.bulk_create(rows, batch_size=INSERT_SIZE)
    except IntegrityError:
        # A link deleted meanwhile (with its workspace): its clicks would have gone with it.
        ids = {row.link_id for row in rows}
        kept = set(ShortLink.objects.filter(pk__in=ids).values_list("pk", flat=True))
        rows = [row for row in rows if row.link_id in kept]
        Click.objects.bulk_create(rows, batch_size=INSERT_SIZE)
    return len(rows)


def _put_back(batch: list[tuple[int, datetime]]) -> None:
    with _lock:
        _pending[:0] = batch
        _drop_oldest()


def _drop_oldest() -> None:
    """Past MAX_PENDING, the oldest clicks go rather than the process's memory, down to 90 %
    of it at once (the lock held: no log line here, one per second from the writer)."""
    global _dropped
    if len(_pending) > MAX_PENDING:
        count = len(_pending) - MAX_PENDING * 9 // 10
        del _pending[:count]
        _dropped += count


def _report_dropped() -> None:
    global _dropped
    with _lock:
        count, _dropped = _dropped, 0
    if count:
        log.error("%d clicks dropped: the database has been away too long", count)
