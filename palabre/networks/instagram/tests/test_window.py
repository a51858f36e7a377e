"""The inbox cursor's window on its own: polls over a stream of comments that keeps
growing, some showing late, give each comment exactly once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from palabre.networks.base import Author, IncomingInteraction, InteractionKind
from palabre.networks.instagram.window import MAX_LENGTH, OVERLAP, Window

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def comment(number: int, seconds: float) -> IncomingInteraction:
    return IncomingInteraction(
        remote_id=str(17_900_000_000_000_000 + number),
        kind=InteractionKind.COMMENT,
        author=Author("1", "@fan"),
        created_at=T0 + timedelta(seconds=seconds),
    )


def poll(window: Window, visible: list[IncomingInteraction], page: int) -> tuple[list, Window]:
    fresh = sorted(
        (i for i in visible if window.is_new(i)), key=lambda i: (i.created_at, i.remote_id)
    )
    given = fresh[:page]
    after = window.advance(given, visible)
    assert len(after.dump()) <= MAX_LENGTH
    return given, Window.load(after.dump(), start=T0)  # through its text, as the inbox keeps it


def test_every_comment_once_across_polls_with_late_ones_and_full_pages() -> None:
    rng = random.Random(16)
    stream = []  # (shows at, comment)
    for number in range(400):
        created = number * 7.0 + rng.choice([0, 0, 0, 0.4])  # some share a second
        late = rng.choice([0, 0, 0, 30, 120, 250])  # seconds after its timestamp, < OVERLAP
        stream.append((created + late, comment(number, created // 1)))
    window = Window.load(None, start=T0 - timedelta(days=1))
    given: list[str] = []
    for now in range(0, 3400, 45):
        visible = [c for shows, c in stream if shows <= now]
        items, window = poll(window, visible, page=20)
        given += [i.remote_id for i in items]
    items, window = poll(window, [c for _, c in stream], page=1000)
    given += [i.remote_id for i in items]
    assert len(given) == len(set(given)), "a comment was given twice"
    assert set(given) == {c.remote_id for _, c in stream}, "a comment was never given"


def test_a_burst_larger_than_the_cursor_lets_old_seconds_go_but_repeats_nothing() -> None:
    burst = [comment(n, n // 3) for n in range(90)]  # 90 comments over 30 seconds
    window = Window.load(None, start=T0 - timedelta(hours=1))
    first, window = poll(window, burst, page=1000)
    assert len(first) == 90
    again, window = poll(window, burst, page=1000)
    assert again == []
    assert window.since > T0  # the oldest seconds were let go to fit
    late = comment(1000, 29)  # on the last second still kept
    later, _ = poll(window, [*burst, late], page=1000)
    assert [i.remote_id for i in later] == [late.remote_id]


def test_an_unreadable_cursor_starts_from_the_given_moment() -> None:
    start = T0 - timedelta(days=7)
    assert Window.load("nonsense|x|y", start=start).since == start
    assert Window.load(None, start=start).since == start
    assert OVERLAP > timedelta(0)
