"""Polling a Page: comments and replies on its recent posts, and posts visitors published
on it, through a cursor that neither skips nor repeats an item from one poll to the next.

Webhooks (webhook.py) bring the same items at once where Meta can reach the instance;
polling is the fallback, so it must be complete on its own.

What is read each poll: the Page's feed (`GET /{page}/feed`, newest first: its own posts and
visitors'), back to the cursor's time and at least its WATCHED_POSTS latest posts of the last
WATCH_DAYS; then, for each of those posts, its comments and replies in order of creation
(`GET /{post}/comments?filter=stream&order=chronological&since=`), from the cursor's time on.
https://developers.facebook.com/docs/graph-api/reference/object/comments
Comments on older posts reach the inbox by webhook only.

The cursor (at most 500 characters, what ChannelSync keeps): the second of the newest item
delivered (`at`), and a short digest of every item delivered since `low`, a few minutes
before `at`. An item is new when it is after `at`, or from `low` on and not among those
digests: Meta's times are whole seconds that several items share, and a comment Facebook
shows a little late is still delivered, once. When a post has more new comments than one
poll reads, only what comes before the last second read goes out, and the next poll starts
there. Two limits: a Page too busy for the cursor's digests waits less long for late
comments (nothing Facebook already showed is lost); and more comments on one post within
one second than a poll reads (COMMENT_PAGES × COMMENT_PAGE, 300) are delivered as far as
read, the rest of that second left to webhooks, rather than polling that second for ever.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from palabre.networks.base import IncomingInteraction, InteractionPage, Rejected
from palabre.networks.facebook import parse
from palabre.networks.meta.graph import Graph, next_cursor

WATCHED_POSTS = 25
WATCH_DAYS = 30
FIRST_LOOK = timedelta(days=2)  # how far back the very first poll of a Page reads
OVERLAP = timedelta(minutes=10)  # how late a comment may show and still be delivered
MAX_SEEN = 40  # digests the cursor holds (9 characters each)
COMMENT_PAGE = 100
COMMENT_PAGES = 3  # per post and poll
FEED_PAGE = 25
FEED_PAGES = 10
COMMENT_FIELDS = "id,created_time,from,message,parent"
FEED_FIELDS = "id,created_time,from,message"
PREFIX = "fb1"


def digest(remote_id: str) -> str:
    return hashlib.blake2b(remote_id.encode(), digest_size=4).hexdigest()


def second(item: IncomingInteraction) -> int:
    return int(item.created_at.timestamp())


@dataclass(frozen=True)
class Cursor:
    at: int  # Unix second of the newest item delivered (or where the first poll began)
    # Every item delivered from this second to `at` is in `seen` (`at` + 1: none is).
    low: int
    seen: frozenset[str] = frozenset()

    @classmethod
    def first(cls, now: datetime) -> Cursor:
        start = int((now - FIRST_LOOK).timestamp())
        return cls(at=start, low=start)

    @classmethod
    def decode(cls, raw: str | None, now: datetime) -> Cursor:
        """The stored cursor; an absent or unreadable one starts again from FIRST_LOOK."""
        parts = (raw or "").split(":")
        if len(parts) != 4 or parts[0] != PREFIX:
            return cls.first(now)
        try:
            at, back = int(parts[1]), int(parts[2])
        except ValueError:
            return cls.first(now)
        if not -1 <= back <= OVERLAP.total_seconds() or at <= 0:
            return cls.first(now)
        seen = frozenset(d for d in parts[3].split(",") if len(d) == 8)
        return cls(at=at, low=at - back, seen=seen)

    def encode(self) -> str:
        return f"{PREFIX}:{self.at}:{self.at - self.low}:{','.join(sorted(self.seen))}"

    def without_window(self) -> Cursor:
        return Cursor(at=self.at, low=self.at + 1)

    def is_new(self, item: IncomingInteraction) -> bool:
        moment = second(item)
        return moment > self.at or (moment >= self.low and digest(item.remote_id) not in self.seen)

    def known(self, item: IncomingInteraction) -> bool:
        return self.low <= second(item) <= self.at and digest(item.remote_id) in self.seen

    def after(
        self, delivered: list[IncomingInteraction], known: list[IncomingInteraction]
    ) -> Cursor:
        """The cursor once `delivered` went out; `known`: the items read that it held."""
        if not delivered:
            return self
        at = max(self.at, *(second(i) for i in delivered))
        # Never below the old `low`: what was delivered before it is not in `seen`.
        low = max(self.low, at - int(OVERLAP.total_seconds()))
        held = {i.remote_id: i for i in [*known, *delivered] if second(i) >= low}
        kept = sorted(held.values(), key=second, reverse=True)
        if len(kept) > MAX_SEEN:
            # A busy Page: the window narrows to the whole seconds the cursor can hold; only
            # a comment Facebook would show late, before them, is no longer waited for.
            cut = second(kept[MAX_SEEN])
            kept = [i for i in kept if second(i) > cut]
            low = cut + 1
        return Cursor(at=at, low=low, seen=frozenset(digest(i.remote_id) for i in kept))


@dataclass(frozen=True)
class Read:
    """What one list gave: its items, and where it stopped when it did not reach its end
    (the second of its last item: only items before that second are all there)."""

    items: list[IncomingInteraction]
    stopped_at: int | None = None


def poll(graph: Graph, *, page_id: str, cursor: str | None, now: datetime) -> InteractionPage:
    current = Cursor.decode(cursor, now)
    posts, visitors = _feed(graph, page_id, current, now)
    reads = [visitors, *(_comments(graph, post, page_id, current) for post in posts)]
    read = list({i.remote_id: i for r in reads for i in r.items}.values())
    fresh = sorted(
        (i for i in read if current.is_new(i)), key=lambda i: (i.created_at, i.remote_id)
    )
    # Only what is before the first second a list stopped at is all there.
    horizon = min((r.stopped_at for r in reads if r.stopped_at is not None), default=None)
    known = [i for i in read if current.known(i)]
    if horizon is None:
        delivered, following = fresh, current.after(fresh, known)
    elif any(second(i) < horizon for i in fresh):
        delivered = [i for i in fresh if second(i) < horizon]
        # The lists are fuller than a poll reads: the next one starts after what went out,
        # without the window of late comments, which would take its room.
        following = current.after(delivered, known).without_window()
    elif current.low <= current.at and any(
        second(i) <= current.at for r in reads if r.stopped_at is not None for i in r.items
    ):
        # The window of late comments took all the room of a list: read after it.
        delivered, following = [], current.without_window()
    else:
        # One post got more comments within one second than a poll reads: deliver what was
        # read of that second and go past it, or every poll would stop there again.
        delivered = [i for i in fresh if second(i) == horizon]
        following = Cursor(at=max(current.at, horizon), low=max(current.at, horizon) + 1)
    return InteractionPage(items=tuple(delivered), next_cursor=following.encode())


def _feed(graph: Graph, page_id: str, cursor: Cursor, now: datetime) -> tuple[list[str], Read]:
    """The posts whose comments are read, and the visitors' posts among them, newest first
    until both the watched posts and the cursor's window are covered."""
    watch_from = now - timedelta(days=WATCH_DAYS)
    posts: list[str] = []
    visitors: list[IncomingInteraction] = []
    after = None
    for _ in range(FEED_PAGES):
        page = graph.get(
            f"{page_id}/feed",
            fields=FEED_FIELDS,
            limit=FEED_PAGE,
            **({"after": after} if after else {}),
        )
        oldest: datetime | None = None
        for raw in _data(page):
            post_id = parse.node_id(raw.get("id"))
            created = parse.moment(raw.get("created_time"))
            if not post_id or created is None:
                continue
            oldest = created if oldest is None else min(oldest, created)
            if len(posts) < WATCHED_POSTS and created >= watch_from:
                posts.append(post_id)
            visitor = parse.visitor_post(raw, page_id=page_id)
            if visitor is not None:
                visitors.append(visitor)
        after = next_cursor(page)
        covered = oldest is not None and oldest.timestamp() < cursor.low
        enough = len(posts) >= WATCHED_POSTS or (oldest is not None and oldest < watch_from)
        if not after or (covered and enough):
            break
    return posts, Read(visitors)


def _comments(graph: Graph, post_id: str, page_id: str, cursor: Cursor) -> Read:
    items: list[IncomingInteraction] = []
    after = None
    last: int | None = None
    for _ in range(COMMENT_PAGES):
        try:
            page = graph.get(
                f"{post_id}/comments",
                fields=COMMENT_FIELDS,
                filter="stream",
                order="chronological",
                since=cursor.low,
                limit=COMMENT_PAGE,
                **({"after": after} if after else {}),
            )
        except Rejected:
            return Read([])  # the post is gone (deleted since the feed was read)
        for raw in _data(page):
            created = parse.moment(raw.get("created_time"))
            last = int(created.timestamp()) if created else last
            item = parse.comment(raw, post_id=post_id, page_id=page_id)
            if item is not None:
                items.append(item)
        after = next_cursor(page)
        if not after:
            return Read(items)
    return Read(items, stopped_at=last)


def _data(page: dict[str, Any]) -> list[dict[str, Any]]:
    data = page.get("data")
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def now() -> datetime:
    return datetime.now(UTC)
