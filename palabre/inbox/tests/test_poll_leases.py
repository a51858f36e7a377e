"""An inbox poll moves the channel's cursor only while its worker holds the channel: one
whose read outlasted its lease put back the older cursor of the page it had read, over
the one the next worker moved on (that page read again, X's reads billed again)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palabre.channels.services import channel_create_demo
from palabre.inbox.jobs import JOBS
from palabre.inbox.models import ChannelSync, Interaction
from palabre.networks.base import InteractionPage
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoActivity
from palabre.worker.jobs import claim, run_claimed

POLL = next(job for job in JOBS if job.name == "inbox-poll")


def _channel(cast):  # type: ignore[no-untyped-def]
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    ChannelSync.objects.filter(channel=channel).update(next_attempt_at=timezone.now())
    return channel


def test_a_poll_that_outlasted_its_lease_leaves_the_newer_cursor(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    channel = _channel(cast)
    DemoActivity.objects.create(channel=channel, kind="comment", author_handle="@a", text="Un")
    [stale] = claim(POLL, worker_id="A", limit=20)
    original = DemoConnector.fetch_interactions
    calls = []

    def slow_read(self, *, cursor):  # type: ignore[no-untyped-def]
        calls.append(cursor)
        page = original(self, cursor=cursor)
        if len(calls) == 1:  # A's read took longer than its lease: B polled meanwhile
            ChannelSync.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
            DemoActivity.objects.create(
                channel=channel, kind="comment", author_handle="@b", text="Deux"
            )
            [taken] = claim(POLL, worker_id="B", limit=20)
            run_claimed(POLL, taken)
        return page

    monkeypatch.setattr(DemoConnector, "fetch_interactions", slow_read)
    run_claimed(POLL, stale)
    newest = str(DemoActivity.objects.order_by("-pk").first().pk)
    sync = ChannelSync.objects.get(channel=channel)
    assert sync.cursor == newest and len(calls) == 2
    assert set(Interaction.objects.values_list("text", flat=True)) == {"Un", "Deux"}


def test_a_poll_whose_lease_ran_out_before_the_read_reads_nothing(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from palabre.inbox import ingest

    _channel(cast)
    [stale] = claim(POLL, worker_id="A", limit=20)
    taken = []

    def slow_cap_check(channel):  # type: ignore[no-untyped-def]
        # A's turn stalled before its read (the test's way there): B took the channel.
        ChannelSync.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
        taken.extend(claim(POLL, worker_id="B", limit=20))
        return False

    reads = []
    monkeypatch.setattr(ingest, "x_poll_over_cap", slow_cap_check)
    monkeypatch.setattr(
        DemoConnector,
        "fetch_interactions",
        lambda self, *, cursor: reads.append(cursor) or InteractionPage(items=[], next_cursor=""),
    )
    run_claimed(POLL, stale)
    assert reads == [] and len(taken) == 1  # A: no billed read
    monkeypatch.setattr(ingest, "x_poll_over_cap", lambda channel: False)
    run_claimed(POLL, taken[0])
    assert len(reads) == 1
