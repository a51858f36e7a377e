"""The inbox cursor for Instagram: a window over the network's own timestamps.

Instagram has no "what is new since" list for comments: they are read back from the
account's recent media at each poll. The cursor remembers where it stands: `since`, the
earliest moment still looked at, and `seen`, the ids already given whose moment is not
before it. An item is new when it is at or after `since` and not seen, so none is given
twice; `since` stays a few minutes behind the newest item given (OVERLAP), so that one that
shows late, with an earlier timestamp, is still found.

Seen ids are kept as short digests (DIGEST characters, 36 bits: a new item is taken for a
seen one about once in a billion polls) so that the cursor fits the inbox's column
(MAX_LENGTH) with the ids of several minutes of a busy account. When they do not, the oldest
moments are let go (`since` moves past them). Only an item showing more than OVERLAP after
its own timestamp, or showing after a poll that had to let its second go, can be missed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from palabre.networks.base import IncomingInteraction

VERSION = "ig2"
MAX_LENGTH = 500  # ChannelSync.cursor
OVERLAP = timedelta(minutes=5)
DIGEST = 6  # characters of URL-safe base64: 36 bits


def digest(remote_id: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(remote_id.encode()).digest())[:DIGEST].decode()


@dataclass(frozen=True)
class Window:
    since: datetime
    seen: frozenset[str] = frozenset()  # digests

    @classmethod
    def load(cls, cursor: str | None, *, start: datetime) -> Window:
        """The window a cursor stands for; `start` for none, or one not of this making."""
        version, _, rest = (cursor or "").partition("|")
        seconds, _, ids = rest.partition("|")
        if version != VERSION or not seconds.isdigit():
            return cls(since=start)
        since = datetime.fromtimestamp(int(seconds), UTC)
        seen = (ids[i : i + DIGEST] for i in range(0, len(ids), DIGEST))
        return cls(since=since, seen=frozenset(d for d in seen if len(d) == DIGEST))

    def is_new(self, item: IncomingInteraction) -> bool:
        return item.created_at >= self.since and digest(item.remote_id) not in self.seen

    def advance(
        self, given: Iterable[IncomingInteraction], read: Iterable[IncomingInteraction]
    ) -> Window:
        """The window after `given` went to the inbox; `read`: all that this poll read (the
        moments of the ids seen before are taken from it: an id no longer there, deleted,
        is let go)."""
        given = list(given)
        if not given:
            return self
        newest = max(i.created_at for i in given)
        since = max(self.since, _whole_second(newest - OVERLAP))
        kept = {digest(i.remote_id) for i in given} | self.seen
        moments = {
            digest(i.remote_id): i.created_at
            for i in (*read, *given)
            if digest(i.remote_id) in kept
        }
        return _fitting(since, {k: m for k, m in moments.items() if m >= since})

    def dump(self) -> str:
        return f"{VERSION}|{int(self.since.timestamp())}|{''.join(sorted(self.seen))}"


def _whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _fitting(since: datetime, moments: dict[str, datetime]) -> Window:
    """The window with as many of the most recent digests as the cursor holds: while they do not
    fit, `since` moves one second past the oldest moment kept."""
    window = Window(since, frozenset(moments))
    for moment in sorted(set(moments.values())):
        if len(window.dump()) <= MAX_LENGTH:
            break
        later = _whole_second(moment) + timedelta(seconds=1)
        window = Window(later, frozenset(k for k, m in moments.items() if m >= later))
    return window
