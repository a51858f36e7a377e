"""The inbox cursor alone: what it keeps fits ChannelSync.cursor, an unreadable one starts
over, and a busy Page narrows its window rather than forgetting what it delivered.
(Polling itself, across several polls, runs against the Graph API double: test_inbox.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.inbox.models import ChannelSync
from palabre.networks.base import Author, IncomingInteraction, InteractionKind
from palabre.networks.facebook.inbox import FIRST_LOOK, MAX_SEEN, OVERLAP, Cursor, digest

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
COLUMN = ChannelSync._meta.get_field("cursor").max_length


def comment(remote_id: str, at: datetime) -> IncomingInteraction:
    return IncomingInteraction(
        remote_id=remote_id,
        kind=InteractionKind.COMMENT,
        author=Author("1", "Ana"),
        created_at=at,
    )


def test_a_full_cursor_fits_the_column() -> None:
    seen = frozenset(digest(f"{10**15 + n}_{10**15 + n}") for n in range(MAX_SEEN))
    cursor = Cursor(at=4_102_444_800, low=4_102_444_800 - int(OVERLAP.total_seconds()), seen=seen)
    assert COLUMN is not None and len(cursor.encode()) <= COLUMN
    assert Cursor.decode(cursor.encode(), NOW) == cursor


@pytest.mark.parametrize(
    "stored",
    [None, "", "garbage", "fb1:x:0:", "fb1:100:-5:", "fb1:100:999999:", "fb1:-3:0:", "fb2:1:0:"],
)
def test_an_unreadable_cursor_starts_again_from_the_first_look(stored) -> None:
    start = int((NOW - FIRST_LOOK).timestamp())
    assert Cursor.decode(stored, NOW) == Cursor(at=start, low=start)


def test_an_item_is_new_after_the_cursor_or_late_within_its_window() -> None:
    at = int(NOW.timestamp())
    old = comment("old", NOW - timedelta(minutes=3))
    cursor = Cursor(at=at, low=at - 300, seen=frozenset({digest("old")}))
    late = comment("late", NOW - timedelta(minutes=4))  # shown late, in the window
    too_late = comment("too-late", NOW - timedelta(minutes=6))
    after = comment("after", NOW + timedelta(seconds=1))
    assert [cursor.is_new(i) for i in (old, late, too_late, after)] == [False, True, False, True]


def test_a_busy_page_narrows_the_window_to_whole_seconds() -> None:
    start = Cursor.first(NOW)
    burst = [comment(f"c{n}", NOW + timedelta(seconds=n // 3)) for n in range(MAX_SEEN + 5)]
    following = start.after(burst, [])
    kept = [i for i in burst if digest(i.remote_id) in following.seen]
    assert len(following.seen) <= MAX_SEEN
    # Every item delivered from `low` on is remembered: none comes back, none is skipped.
    assert all(
        digest(i.remote_id) in following.seen
        for i in burst
        if following.low <= int(i.created_at.timestamp())
    )
    assert not any(following.is_new(i) for i in burst)
    assert kept and min(int(i.created_at.timestamp()) for i in kept) == following.low


def test_the_window_never_reaches_below_the_last_one() -> None:
    at = int(NOW.timestamp())
    narrowed = Cursor(at=at, low=at - 5, seen=frozenset({digest("a")}))
    following = narrowed.after([comment("b", NOW + timedelta(seconds=1))], [])
    assert following.low == at - 5
