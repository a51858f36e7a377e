"""The queue between the subscriptions' threads and the runner's (runner.py), which alone
empties it and writes to the database.

It is bounded. When the database cannot keep up with what arrives (a flood of replies, a
search for a common word on the whole network), a subscription waits to hand over its next
event and reads no further meanwhile: the rest waits in the network's buffers and on the
server, and its position, saved only past what was stored, is where it resumes. Memory
stays flat instead of growing with the backlog.

A subscription being stopped does not wait: the runner may be waiting for it to end, and
only the runner makes room. What finds the queue full then is dropped, and so is everything
that subscription sends after it, since a position saved past a dropped item would skip it.
Where the network keeps a position (Bluesky's sequence number), it stays behind the dropped
items and the next subscription reads them again (the stores keep an item once); where it
keeps none (Mastodon's streams), the channel's polls and the searches' polls bring them.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("palabre.stream")

HELD = 5_000  # events waiting at most: a few hundred kilobytes of replies and posts
WAIT = 0.2  # seconds between two looks at whether a waiting subscription is being stopped


class Events(queue.Queue[tuple[Any, ...]]):
    def __init__(self, *, most: int = HELD) -> None:
        super().__init__(maxsize=most)
        self.closing = threading.Event()  # the runner stops: no subscription waits any more

    def outlet(self) -> Outlet:
        """The way in for one subscription; `Outlet.ends_when` says when it is stopping."""
        return Outlet(self)


class Outlet:
    def __init__(self, events: Events) -> None:
        self._events = events
        self._stopping: Callable[[], bool] = lambda: False
        self._dropping = False

    def ends_when(self, stopping: Callable[[], bool]) -> None:
        self._stopping = stopping

    def put(self, event: tuple[Any, ...]) -> None:
        if self._dropping:
            return
        while True:
            try:
                self._events.put(event, timeout=WAIT)
                return
            except queue.Full:
                if self._events.closing.is_set() or self._stopping():
                    self._dropping = True
                    log.info("stream: queue full while a subscription stops; it is read again")
                    return
