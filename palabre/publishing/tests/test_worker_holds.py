"""A worker publishes a target only while it holds it, from the row as it is now: a batch's
copy of a row, read minutes earlier, never sends anything (found by an attacker's review:
a second post, or a cancelled post sent)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoPost
from palabre.publishing import publisher, workflow
from palabre.publishing.jobs import JOBS
from palabre.publishing.models import Post, PostStatus, PostTarget, TargetStatus
from palabre.publishing.tests.test_trust import _approved
from palabre.worker.jobs import claim, run_claimed

PUBLISH = JOBS[0]


@pytest.fixture
def sends(monkeypatch) -> list[str]:
    sent: list[str] = []
    original = DemoConnector.publish

    def counted(self, outgoing):  # type: ignore[no-untyped-def]
        sent.append(outgoing.text)
        return original(self, outgoing)

    monkeypatch.setattr(DemoConnector, "publish", counted)
    return sent


def _due_now(approval) -> Post:  # type: ignore[no-untyped-def]
    post = _approved(approval)
    PostTarget.objects.update(next_attempt_at=timezone.now())
    return post


def _lease_runs_out() -> None:
    PostTarget.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))


def test_a_row_another_worker_published_is_not_sent_again(approval, sends) -> None:
    _due_now(approval)
    [stale] = claim(PUBLISH, worker_id="A", limit=20)
    _lease_runs_out()  # A is still busy with the rows before it
    [taken] = claim(PUBLISH, worker_id="B", limit=20)
    run_claimed(PUBLISH, taken)
    assert PostTarget.objects.get().status == TargetStatus.PUBLISHED
    run_claimed(PUBLISH, stale)  # A's turn comes, with the copy it read before
    assert len(sends) == 1 and DemoPost.objects.count() == 1
    assert PostTarget.objects.get().status == TargetStatus.PUBLISHED


def test_a_post_cancelled_after_the_claim_does_not_go_out(approval, sends) -> None:
    post = _due_now(approval)
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    workflow.post_cancel(post=Post.objects.get(pk=post.pk), actor=approval.erin)
    run_claimed(PUBLISH, row)
    assert sends == [] and not DemoPost.objects.exists()
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT


def test_a_lease_lost_during_the_preparation_sends_nothing(approval, sends, monkeypatch) -> None:
    """Uploads can be long (a video X processes): the lease may run out before the post is
    sent, and another worker take the row. The send checks that the row is still held."""
    _due_now(approval)
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    taken = []
    original = publisher._outgoing

    def slow_upload(target, connector, checked):  # type: ignore[no-untyped-def]
        _lease_runs_out()
        taken.extend(claim(PUBLISH, worker_id="B", limit=20))
        return original(target, connector, checked)

    monkeypatch.setattr(publisher, "_outgoing", slow_upload)
    run_claimed(PUBLISH, row)
    assert sends == [] and len(taken) == 1
    monkeypatch.setattr(publisher, "_outgoing", original)
    run_claimed(PUBLISH, taken[0])  # the worker holding it sends it, once
    assert len(sends) == 1
    assert PostTarget.objects.get().status == TargetStatus.PUBLISHED


def test_each_send_holds_the_row_a_whole_lease(approval, sends, monkeypatch) -> None:
    """Renewed just before the network is asked, so a send as long as Threads' (6 minutes
    of container waits) ends before any other worker may take the row."""
    _due_now(approval)
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    held_until = []
    original = DemoConnector.publish

    def watching(self, outgoing):  # type: ignore[no-untyped-def]
        held_until.append(PostTarget.objects.values_list("claimed_until", flat=True).get())
        return original(self, outgoing)

    uploaded = publisher._outgoing

    def lease_nearly_out(target, connector, checked):  # type: ignore[no-untyped-def]
        # The uploads took nearly the whole lease: a second of it is left.
        PostTarget.objects.update(claimed_until=timezone.now() + timedelta(seconds=1))
        return uploaded(target, connector, checked)

    monkeypatch.setattr(DemoConnector, "publish", watching)
    monkeypatch.setattr(publisher, "_outgoing", lease_nearly_out)
    before = timezone.now()
    run_claimed(PUBLISH, row)
    assert held_until[0] >= before + timedelta(minutes=9)  # renewed as the send began
    assert PUBLISH.lease >= timedelta(minutes=10)


def test_a_photo_deleted_after_the_check_is_not_left_out_silently(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The content is checked, then the files are read: a photo deleted in between went
    out as a post without it."""
    from palabre.publishing.media import media_store
    from palabre.publishing.models import MediaItem
    from palabre.publishing.tests import media_samples
    from palabre.publishing.tests.test_trust import _post

    post = _post(cast)
    photo = media_store(
        workspace=cast.workspace,
        uploaded_by=cast.erin,
        name="miche.jpg",
        data=media_samples.image(),
        alt_text="Une miche",
        tags=[],
    )
    post.variants.get().media.set([photo])
    workflow.post_schedule(post=post, actor=cast.erin, publish_at=post.publish_at)
    PostTarget.objects.update(next_attempt_at=timezone.now())
    original = publisher.publishing_limit_check

    def delete_meanwhile(**kwargs):  # type: ignore[no-untyped-def]
        MediaItem.objects.filter(pk=photo.pk).delete()
        return original(**kwargs)

    monkeypatch.setattr(publisher, "publishing_limit_check", delete_meanwhile)
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    run_claimed(PUBLISH, row)
    assert not DemoPost.objects.exists()
    # Without approvals, the post goes out as it is now: read again, at once, without it.
    monkeypatch.setattr(publisher, "publishing_limit_check", original)
    target = PostTarget.objects.get()
    assert target.next_attempt_at is not None and target.status != TargetStatus.FAILED
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    run_claimed(PUBLISH, row)
    assert DemoPost.objects.count() == 1 and DemoPost.objects.get().media_ids == []


def test_a_lease_that_ran_out_with_nobody_taking_it_is_taken_again(
    approval, sends, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The send found its lease gone and stopped; nobody else had taken the row: it was
    left "publishing", due never again, the post "scheduled" for good (a review)."""
    _due_now(approval)
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    original = publisher._outgoing

    def slow_upload(target, connector, checked):  # type: ignore[no-untyped-def]
        _lease_runs_out()
        return original(target, connector, checked)

    monkeypatch.setattr(publisher, "_outgoing", slow_upload)
    run_claimed(PUBLISH, row)
    assert sends == []
    assert PostTarget.objects.get().next_attempt_at is not None
    monkeypatch.setattr(publisher, "_outgoing", original)
    [again] = claim(PUBLISH, worker_id="B", limit=20)
    run_claimed(PUBLISH, again)
    assert len(sends) == 1 and PostTarget.objects.get().status == TargetStatus.PUBLISHED


def test_a_send_that_outlasted_its_lease_does_not_write_over_the_holder(
    approval, sends, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A's send hangs past its lease; B takes the row and publishes it (the network takes
    idempotency keys: once). A's request then times out: its outcome ("publishing, to retry")
    wrote over B's "published", and the row was due never again (a review)."""
    from palabre.networks.base import Unavailable

    _due_now(approval)
    [row] = claim(PUBLISH, worker_id="A", limit=20)
    original = DemoConnector.publish

    def hangs_then_times_out(self, outgoing):  # type: ignore[no-untyped-def]
        if sends == []:  # A's send: B works meanwhile
            sends.append(outgoing.text)
            _lease_runs_out()
            [taken] = claim(PUBLISH, worker_id="B", limit=20)
            run_claimed(PUBLISH, taken)
            raise Unavailable("timed out")
        return original(self, outgoing)

    monkeypatch.setattr(DemoConnector, "publish", hangs_then_times_out)
    run_claimed(PUBLISH, row)
    target = PostTarget.objects.get()
    assert (target.status, target.error, target.attempted_at) == (TargetStatus.PUBLISHED, "", None)
    assert target.claimed_by == "" and DemoPost.objects.count() == 1
    assert Post.objects.get().status == PostStatus.PUBLISHED
