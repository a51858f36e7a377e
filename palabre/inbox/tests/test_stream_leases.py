"""Which `palabre stream` process holds which channel: leases on ChannelSync."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.utils import timezone

from palabre.channels.models import Channel, ChannelStatus
from palabre.inbox.ingest import channel_sync_ensure
from palabre.inbox.models import ChannelSync
from palabre.inbox.stream.leases import (
    stream_cursor_save,
    stream_is_live,
    stream_leases_claim,
    stream_leases_release,
    stream_leases_renew,
    stream_live_set,
)

STREAMED = ["bluesky", "mastodon"]


def _channels(cast, count: int, connector: str = "bluesky") -> list[ChannelSync]:  # type: ignore[no-untyped-def]
    return [
        channel_sync_ensure(
            Channel.objects.create(
                workspace=cast.workspace, network="bluesky", connector=connector, name=f"c{i}"
            )
        )
        for i in range(count)
    ]


def test_it_holds_each_channel_once_between_two_processes(cast) -> None:  # type: ignore[no-untyped-def]
    syncs = _channels(cast, 3)
    first = stream_leases_claim(holder="a", connectors=STREAMED, limit=2)
    second = stream_leases_claim(holder="b", connectors=STREAMED, limit=10)
    assert len(first) == 2 and len(second) == 1
    assert set(first) | set(second) == {s.pk for s in syncs}
    # Claiming again changes nothing: the leases are theirs.
    assert stream_leases_claim(holder="b", connectors=STREAMED, limit=10) == second
    assert stream_leases_claim(holder="a", connectors=STREAMED, limit=2) == first


def test_it_leaves_channels_it_cannot_stream(cast) -> None:  # type: ignore[no-untyped-def]
    _channels(cast, 1, connector="demo")
    [paused] = _channels(cast, 1)
    Channel.objects.filter(pk=paused.channel_id).update(status=ChannelStatus.NEEDS_RECONNECT)
    assert stream_leases_claim(holder="a", connectors=STREAMED, limit=10) == []


def test_an_expired_lease_is_taken_over(cast) -> None:  # type: ignore[no-untyped-def]
    [sync] = _channels(cast, 1)
    assert stream_leases_claim(holder="a", connectors=STREAMED, limit=10) == [sync.pk]
    assert stream_leases_claim(holder="b", connectors=STREAMED, limit=10) == []
    # "a" stalls past its lease: "b" takes the channel, and "a" learns it lost it.
    ChannelSync.objects.filter(pk=sync.pk).update(
        stream_until=timezone.now() - timedelta(seconds=1)
    )
    assert stream_leases_claim(holder="b", connectors=STREAMED, limit=10) == [sync.pk]
    assert stream_leases_renew(holder="a", ids=[sync.pk]) == set()
    assert stream_leases_renew(holder="b", ids=[sync.pk]) == {sync.pk}


def test_release_has_the_channel_polled_at_once(cast) -> None:  # type: ignore[no-untyped-def]
    [sync] = _channels(cast, 1)
    later = timezone.now() + timedelta(minutes=5)
    ChannelSync.objects.filter(pk=sync.pk).update(next_attempt_at=later)
    stream_leases_claim(holder="a", connectors=STREAMED, limit=10)
    stream_live_set(holder="a", ids=[sync.pk], live=True)
    stream_cursor_save(holder="a", ids=[sync.pk], cursor="42")
    sync.refresh_from_db()
    assert stream_is_live(sync) and sync.stream_cursor == "42"
    stream_leases_release(holder="a", ids=[sync.pk])
    sync.refresh_from_db()
    assert not stream_is_live(sync) and sync.stream_holder == ""
    assert sync.next_attempt_at is not None and sync.next_attempt_at <= timezone.now()
    assert sync.stream_cursor == "42"  # the next holder resumes there


def test_a_stream_going_down_has_the_channel_polled_at_once(cast) -> None:  # type: ignore[no-untyped-def]
    [sync] = _channels(cast, 1)
    stream_leases_claim(holder="a", connectors=STREAMED, limit=10)
    stream_live_set(holder="a", ids=[sync.pk], live=True)
    ChannelSync.objects.filter(pk=sync.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    stream_live_set(holder="a", ids=[sync.pk], live=False)
    sync.refresh_from_db()
    assert not sync.stream_live and sync.next_attempt_at <= timezone.now()


def test_only_the_holder_moves_the_cursor(cast) -> None:  # type: ignore[no-untyped-def]
    [sync] = _channels(cast, 1)
    stream_leases_claim(holder="a", connectors=STREAMED, limit=10)
    stream_cursor_save(holder="b", ids=[sync.pk], cursor="99")
    sync.refresh_from_db()
    assert sync.stream_cursor == ""


def test_a_failing_step_is_logged_and_the_process_goes_on(cast, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from palabre.inbox.stream import runner as runner_module
    from palabre.inbox.stream.runner import Runner

    stop = threading.Event()
    steps: list[str] = []

    def arrange(self: Runner) -> None:
        steps.append("arrange")
        if len(steps) == 1:
            raise RuntimeError("a credential that does not decrypt")
        stop.set()  # the second attempt worked: the test ends the loop

    monkeypatch.setattr(Runner, "arrange", arrange)
    monkeypatch.setattr(runner_module, "RETRY_AFTER", 0.01)
    Runner(holder="test-holder").run(stop=stop)
    assert steps == ["arrange", "arrange"]
    assert "step failed" in caplog.text and "does not decrypt" in caplog.text


def test_a_flood_of_replies_does_not_keep_the_leases_from_being_renewed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Handling stops at the renewal time: the rest waits in the queue, the leases are
    renewed, then handling goes on."""
    import time

    from palabre.inbox.stream.runner import Runner

    runner = Runner(holder="test-holder")
    handled: list[int] = []

    def handle(self: Runner, event: tuple[object, ...]) -> None:
        handled.append(int(str(event[1])))
        time.sleep(0.01)  # storing and classifying a reply

    monkeypatch.setattr(Runner, "_handle", handle)
    for n in range(100):
        runner.events.put(("deliver", n, []))
    runner.drain(timeout=0, until=time.monotonic() + 0.1)
    assert 5 <= len(handled) < 100  # stopped at the renewal time
    assert runner.events.qsize() == 100 - len(handled)  # the rest kept, in order
    runner.drain(timeout=0)
    assert handled == list(range(100))


def test_a_long_host_name_still_makes_a_holder_the_lease_can_hold(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    from palabre.inbox.stream.runner import holder_id

    monkeypatch.setattr(socket, "gethostname", lambda: "web-" + "x" * 249)  # 253, DNS's most
    found = holder_id()
    assert (
        found.startswith("web-xxx")
        and len(found) <= ChannelSync._meta.get_field("stream_holder").max_length
    )
    assert holder_id() != found  # two processes of one host never share a name
