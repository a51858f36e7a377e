"""What goes out is what was approved, for the time it was approved (an attacker's review):
a post long past its time is not sent by Palabre itself (a channel reconnected a week later
sent "tomorrow at 10" a week late); removing a channel sends its approved posts back to
review at once; a contributor cannot change the media a scheduled post sends."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import channel_reactivate
from palabre.networks.demo.models import DemoPost
from palabre.publishing import workflow
from palabre.publishing.models import Post, PostStatus, PostTarget, TargetStatus
from palabre.publishing.tests.test_trust import _approved
from palabre.worker import loop


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    def at(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


def _work() -> None:
    loop.run(stop=threading.Event(), until_idle=True)


def _held_at_its_time(cast, clock) -> Post:  # type: ignore[no-untyped-def]
    post = _approved(cast)
    Channel.objects.update(status=ChannelStatus.NEEDS_RECONNECT)
    clock(post.publish_at + timedelta(seconds=5))
    _work()
    assert PostTarget.objects.get().status == TargetStatus.HELD
    return post


def test_a_channel_reconnected_a_week_later_does_not_send_it(approval, clock) -> None:
    post = _held_at_its_time(approval, clock)
    clock(post.publish_at + timedelta(days=7))
    channel_reactivate(channel=Channel.objects.get())
    _work()
    target = PostTarget.objects.get()
    assert not DemoPost.objects.exists() and target.status == TargetStatus.FAILED
    # In the language active when the worker runs (the site's; a test may have left English).
    assert "this late by itself" in target.error or "d’elle-même si tard" in target.error
    assert Post.objects.get(pk=post.pk).status == PostStatus.FAILED  # the author is told


def test_reconnected_within_hours_it_goes_out_late(approval, clock) -> None:
    post = _held_at_its_time(approval, clock)
    clock(post.publish_at + timedelta(hours=5))
    channel_reactivate(channel=Channel.objects.get())
    _work()
    assert DemoPost.objects.count() == 1


def test_a_retry_past_the_approved_time_is_the_clients_to_approve(approval, clock) -> None:
    post = _held_at_its_time(approval, clock)
    Channel.objects.update(status=ChannelStatus.ACTIVE)
    clock(post.publish_at + timedelta(days=7))
    _work()  # nothing happens by itself: it is held
    with translation.override("en"), pytest.raises(workflow.TransitionRefused, match="time has"):
        workflow.target_retry(target=PostTarget.objects.get(), actor=approval.bob)
    # The client's approver may publish it now: the retry is its new time.
    workflow.target_retry(target=PostTarget.objects.get(), actor=approval.anna)
    _work()
    assert DemoPost.objects.count() == 1
    assert PostTarget.objects.get().status == TargetStatus.PUBLISHED


def test_without_approval_whoever_retries_publishes_it_now(cast, clock) -> None:
    post = _approved(cast)  # no approval required: scheduled as it is
    Channel.objects.update(status=ChannelStatus.NEEDS_RECONNECT)
    clock(post.publish_at + timedelta(days=2))
    _work()
    Channel.objects.update(status=ChannelStatus.ACTIVE)
    workflow.target_retry(target=PostTarget.objects.get(), actor=cast.erin)
    _work()
    assert DemoPost.objects.count() == 1


def test_an_interrupted_send_long_past_its_time_is_left_to_a_person(approval, clock) -> None:
    """It may be on the network (the demo network takes keys, so it was not looked for):
    neither sent again this late, nor called failed."""
    post = _approved(approval)
    clock(post.publish_at + timedelta(days=2))
    PostTarget.objects.update(attempted_at=post.publish_at, next_attempt_at=timezone.now())
    _work()
    assert PostTarget.objects.get().status == TargetStatus.UNKNOWN
    assert not DemoPost.objects.exists()


def test_a_wait_palabre_itself_imposed_is_not_lateness(approval, clock, monkeypatch) -> None:
    """A daily quota used up: the post waits for it, as the page says, and then goes out,
    however many hours that took (a review: it failed as "too late")."""
    from palabre.publishing import publisher
    from palabre.publishing.limits import LimitReached

    post = _approved(approval)
    clock(post.publish_at + timedelta(seconds=5))
    freed = post.publish_at + timedelta(hours=20)
    original = publisher.publishing_limit_check
    calls = []

    def full_once(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise LimitReached(freed, "quota used up")
        return original(**kwargs)

    monkeypatch.setattr(publisher, "publishing_limit_check", full_once)
    _work()
    assert PostTarget.objects.get().status == TargetStatus.SCHEDULED
    clock(freed + timedelta(minutes=1))
    _work()
    assert PostTarget.objects.get().status == TargetStatus.PUBLISHED


def test_removing_a_channel_sends_its_approved_posts_back_to_review_at_once(approval) -> None:
    """They failed only at their time, the approver told then (an attacker's review)."""
    from palabre.channels.services import channel_remove
    from palabre.publishing.models import Notice
    from palabre.publishing.tests.test_trust import _post

    post = _post(approval, networks=("mastodon", "bluesky"))
    workflow.post_submit(post=post, actor=approval.erin)
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna)
    assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED
    told = Notice.objects.filter(user=approval.anna).count()
    channel_remove(channel=Channel.objects.get(network="bluesky"))
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW and not PostTarget.objects.exists()
    assert "Bluesky" in post.transitions.last().note  # type: ignore[union-attr]
    assert Notice.objects.filter(user=approval.anna).count() == told + 1


def test_a_contributor_cannot_change_media_a_scheduled_post_sends(cast, disk_storage) -> None:
    """Without approvals a scheduled post goes out as it is now: the media page let a
    contributor (who manages media, not posts) change its alt text or delete its photo;
    the API refused the same contributor."""
    from django.test import Client

    from palabre.channels.services import channel_create_demo
    from palabre.publishing.media import media_store
    from palabre.publishing.models import MediaItem
    from palabre.publishing.services import post_create
    from palabre.publishing.tests import media_samples

    channel_create_demo(workspace=cast.workspace, network="mastodon", name="Mastodon")
    photo = media_store(
        workspace=cast.workspace,
        uploaded_by=cast.carl,
        name="miche.jpg",
        data=media_samples.image(800, 600),
        alt_text="Une miche",
        tags=[],
    )
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Notre miche",
        category="conversation",
        networks=["mastodon"],
    )
    post.variants.get().media.set([photo])
    workflow.post_schedule(post=post, actor=cast.erin, publish_at=timezone.now() + timedelta(1))
    page = f"/w/lumiere/media/{photo.pk}/"
    contributor, editor = Client(), Client()
    contributor.force_login(cast.carl)
    editor.force_login(cast.erin)
    contributor.post(page, {"alt_text": "Du pain rassis", "tags": ""})
    contributor.post(page, {"delete": "1"})
    assert MediaItem.objects.get(pk=photo.pk).alt_text == "Une miche"
    editor.post(page, {"alt_text": "Une miche dorée", "tags": ""})
    assert MediaItem.objects.get(pk=photo.pk).alt_text == "Une miche dorée"
    assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED


def test_acting_on_a_post_settles_ones_own_notices_about_it(approval) -> None:
    """ "A post waits for your approval" stayed unread after it was approved (a walk
    through the demo). Another approver's too, since: it no longer waits for them either
    (a later walk found it still said so); it stays in their list, read."""
    from palabre.accounts.models import Membership, Role
    from palabre.publishing.models import Notice
    from palabre.publishing.tests.test_trust import _post

    Membership.objects.create(
        workspace=approval.workspace, user=approval.charlie, role=Role.APPROVER
    )
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    assert Notice.objects.filter(user=approval.anna, read_at__isnull=True).count() == 1
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna)
    assert not Notice.objects.filter(user=approval.anna, read_at__isnull=True).exists()
    theirs = Notice.objects.filter(user=approval.charlie, post=post)
    assert theirs.count() == 1 and theirs.get().read_at is not None


def test_publish_now_is_offered_only_to_whoever_it_would_not_refuse(approval) -> None:
    """The owner pressed "Publish now" on a post the client approved for noon: refused ("a
    new time must be approved") with nothing on the page to do it. The composer now offers
    it only to those the client lets move the time, and tells the others how."""
    from palabre.publishing.tests.test_trust import _as

    post = _approved(approval)
    workflow.post_schedule(post=post, actor=approval.anna, publish_at=post.publish_at)
    approval.bob.language = "en"  # the page is in its reader's language
    approval.bob.save()
    owner = _as(approval.bob).get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'value="publish"' not in owner and "change the time above and save" in owner
    approval.workspace.approval_required = False
    approval.workspace.save()
    owner = _as(approval.bob).get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'value="publish"' in owner
