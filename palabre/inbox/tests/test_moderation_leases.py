"""The network ends as the person last decided, and a decision is carried there once
(found by an audit: a hide waiting for its retry went out after the person's unhide and
left the comment hidden on the network while Palabre showed it; a report whose worker
lost its lease could reach the moderators twice, or a late refusal be written over it)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palabre.inbox import authors
from palabre.inbox.jobs import JOBS
from palabre.inbox.models import EventAction, Interaction, ModerationEvent, NetworkStatus
from palabre.inbox.moderation import interaction_hide, interaction_unhide
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.networks.base import Rejected, Unavailable
from palabre.networks.demo.connector import DemoConnector, DemoMastodonConnector
from palabre.networks.demo.models import DemoActivity, DemoAuthor, DemoReport
from palabre.worker.jobs import claim, run_claimed

MODERATION = next(job for job in JOBS if job.name == "inbox-moderation")


def _step(worker: str = "W") -> None:
    for row in claim(MODERATION, worker_id=worker, limit=20):
        run_claimed(MODERATION, row)


def _retry_is_due(action: str) -> None:
    ModerationEvent.objects.filter(action=action).update(next_attempt_at=timezone.now())


def _item(cast, connector: str = "demo") -> tuple[Interaction, DemoActivity]:  # type: ignore[no-untyped-def]
    target = published(cast.workspace, cast.bob, connector=connector)
    activity = comment(target, "Vos croissants sont trop chers.", handle="@grincheux")
    poll(target.channel)
    return ingested(activity), activity


def _times_out_once(monkeypatch, connector, method: str) -> list[str]:  # type: ignore[no-untyped-def]
    """`connector.method` times out the first time it is called, then does its work; the
    list of what it was called with is returned."""
    original = getattr(connector, method)
    tries: list[str] = []

    def times_out_once(self, **kwargs):  # type: ignore[no-untyped-def]
        tries.append(next(iter(kwargs.values())))
        if len(tries) == 1:
            raise Unavailable("timed out")
        return original(self, **kwargs)

    monkeypatch.setattr(connector, method, times_out_once)
    return tries


def test_a_hide_retried_after_the_persons_unhide_is_not_carried(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    item, activity = _item(cast)
    tries = _times_out_once(monkeypatch, DemoConnector, "hide")
    interaction_hide(interaction=item, actor=cast.bob)
    _step()  # the network times out: the hide waits for its retry
    interaction_unhide(interaction=Interaction.objects.get(pk=item.pk), actor=cast.bob)
    _step()  # the unhide goes out at once
    _retry_is_due(EventAction.HIDE)
    _step()
    assert len(tries) == 1
    assert not DemoActivity.objects.get(pk=activity.pk).hidden
    assert not Interaction.objects.get(pk=item.pk).hidden
    hide = ModerationEvent.objects.get(action=EventAction.HIDE)
    assert (hide.network_status, hide.next_attempt_at) == (NetworkStatus.NOT_NEEDED, None)


def test_a_mute_retried_after_the_unmute_is_not_carried(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    item, _ = _item(cast, "demo_mastodon")
    tries = _times_out_once(monkeypatch, DemoMastodonConnector, "mute_author")
    authors.author_mute(interaction=item, actor=cast.bob)
    _step()
    authors.author_unmute(interaction=item, actor=cast.bob)
    _step()
    _retry_is_due(EventAction.MUTE)
    _step()
    assert len(tries) == 1
    assert not DemoAuthor.objects.get(author_id="@grincheux").muted
    assert not authors.author_standing(item).muted


def test_a_report_whose_lease_ran_out_reaches_the_moderators_once(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    item, _ = _item(cast, "demo_mastodon")
    authors.interaction_report(interaction=item, actor=cast.bob, reason="Il insulte l’équipe.")
    original = DemoMastodonConnector.report
    calls = []

    def hangs_then_refused(self, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        if len(calls) == 1:  # longer than any real request: the test's way there
            ModerationEvent.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
            _step("B")
            raise Rejected("refused late")
        return original(self, **kwargs)

    [stale] = claim(MODERATION, worker_id="A", limit=20)
    before = timezone.now()
    ModerationEvent.objects.update(claimed_until=before + timedelta(seconds=1))

    def watching(self, **kwargs):  # type: ignore[no-untyped-def]
        # Renewed as the request began: a whole lease, longer than a request may last.
        held = ModerationEvent.objects.values_list("claimed_until", flat=True).get()
        assert held >= before + timedelta(minutes=9)
        return original(self, **kwargs)

    monkeypatch.setattr(DemoMastodonConnector, "report", watching)
    run_claimed(MODERATION, stale)
    assert DemoReport.objects.count() == 1
    # Again, with A's request outlasting even that, and refused late.
    ModerationEvent.objects.update(
        network_status=NetworkStatus.PENDING, next_attempt_at=timezone.now()
    )
    DemoReport.objects.all().delete()
    monkeypatch.setattr(DemoMastodonConnector, "report", hangs_then_refused)
    [stale] = claim(MODERATION, worker_id="A", limit=20)
    run_claimed(MODERATION, stale)
    report = ModerationEvent.objects.get(action=EventAction.REPORT)
    assert (report.network_status, report.network_error) == (NetworkStatus.DONE, "")
    assert DemoReport.objects.count() == 1 and len(calls) == 2


def test_a_mute_waiting_is_carried_when_the_later_unmute_was_refused(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An author's standing is read from the network's answers: an unmute the network
    refused left the mute "in force" in Palabre while it never reached the network."""
    item, _ = _item(cast, "demo_mastodon")
    tries = _times_out_once(monkeypatch, DemoMastodonConnector, "mute_author")

    def refused(self, *, author_id):  # type: ignore[no-untyped-def]
        raise Rejected("Record not found")

    monkeypatch.setattr(DemoMastodonConnector, "unmute_author", refused)
    authors.author_mute(interaction=item, actor=cast.bob)
    _step()
    authors.author_unmute(interaction=item, actor=cast.bob)
    _step()  # refused by the network
    _retry_is_due(EventAction.MUTE)
    _step()
    assert len(tries) == 2 and DemoAuthor.objects.get(author_id="@grincheux").muted
    assert authors.author_standing(item).muted
