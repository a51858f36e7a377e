"""The queue between the subscriptions and the runner: bounded, waiting rather than growing,
and never holding up a subscription the runner is stopping."""

from __future__ import annotations

import threading
import time

from palabre.inbox.stream.events import Events


def _send(outlet_put, events: list[tuple[object, ...]]) -> threading.Thread:  # type: ignore[no-untyped-def]
    def run() -> None:
        for event in events:
            outlet_put(event)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_full_queue_holds_the_subscription_back_and_loses_nothing() -> None:
    events = Events(most=3)
    outlet = events.outlet()
    sender = _send(outlet.put, [("deliver", n) for n in range(10)])
    time.sleep(0.5)
    assert sender.is_alive() and events.qsize() == 3  # waiting for room, memory bounded
    received = []
    while len(received) < 10:
        received.append(events.get(timeout=5)[1])
    sender.join(timeout=5)
    assert received == list(range(10))  # all of them, in order


def test_a_stopping_subscription_does_not_wait_and_sends_nothing_after_what_it_dropped() -> None:
    events = Events(most=2)
    outlet = events.outlet()
    stopping = threading.Event()
    outlet.ends_when(stopping.is_set)
    sender = _send(outlet.put, [("deliver", 0), ("deliver", 1), ("deliver", 2), ("advance", 3)])
    time.sleep(0.5)
    assert sender.is_alive()  # the third waits
    stopping.set()
    sender.join(timeout=2)
    assert not sender.is_alive()
    assert [events.get_nowait()[1] for _ in range(events.qsize())] == [0, 1]
    outlet.put(("advance", 4))  # room now, but a position past the dropped item would skip it
    assert events.empty()


def test_other_subscriptions_keep_their_events_while_one_stops() -> None:
    events = Events(most=1)
    stopped, kept = events.outlet(), events.outlet()
    stopped.ends_when(lambda: True)
    kept.put(("deliver", "kept"))
    stopped.put(("deliver", "dropped"))  # returns: the queue is full and it stops
    assert events.get_nowait()[1] == "kept"
    kept.put(("deliver", "next"))
    assert events.get_nowait()[1] == "next"


def test_the_runner_closing_releases_every_waiting_subscription() -> None:
    events = Events(most=1)
    senders = [_send(events.outlet().put, [("deliver", n), ("deliver", n)]) for n in range(3)]
    time.sleep(0.5)
    assert sum(s.is_alive() for s in senders) >= 2
    events.closing.set()
    for sender in senders:
        sender.join(timeout=2)
        assert not sender.is_alive()
    assert events.qsize() == 1


def test_the_runner_stops_at_once_with_a_subscription_waiting_for_room(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from palabre.inbox.stream import runner as runner_module

    monkeypatch.setattr(runner_module, "Events", lambda: Events(most=1))
    runner = runner_module.Runner(holder="test-holder")

    class Waiting:
        """A subscription whose replies come faster than they are stored."""

        def __init__(self) -> None:
            self.thread = _send(runner.events.outlet().put, [("deliver", 0, [])] * 3)

        def stop(self) -> None:
            self.thread.join(timeout=15)

    waiting = Waiting()
    runner.sources["bluesky https://relay.example"] = runner_module.Source(waiting)
    time.sleep(0.5)
    started = time.monotonic()
    runner.shutdown()
    assert time.monotonic() - started < 5 and not waiting.thread.is_alive()
    assert runner.events.empty()  # what had come was handled


def test_every_subscription_says_when_it_is_stopping() -> None:
    """What Outlet.ends_when reads: without it, a full queue would hold a stop up."""
    from palabre.listening.stream import PostsStream
    from palabre.networks.bluesky.stream import BlueskyStream
    from palabre.networks.mastodon.stream import MastodonStream, TagStream

    for kind in (BlueskyStream, PostsStream, MastodonStream, TagStream):
        assert isinstance(kind.__dict__.get("stopping") or kind.stopping, property), kind
