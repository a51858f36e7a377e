from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import channel_create_demo
from palabre.networks.base import (
    AuthExpired,
    OutgoingPost,
    PublishedPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoPost
from palabre.publishing import publisher, workflow
from palabre.publishing.models import PostTarget, TargetStatus
from palabre.publishing.services import post_create
from palabre.worker import loop
from palabre.worker.jobs import RetryAt


@pytest.fixture
def post(cast):
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    return post_create(
        workspace=cast.workspace,
        author=cast.bob,
        idea="Le pain du jour est prêt.",
        category="helpful",
        networks=["mastodon", "bluesky"],
    )


def _run_worker() -> int:
    return loop.run(stop=threading.Event(), until_idle=True).handled


def test_publish_now_creates_one_target_per_channel_and_the_worker_publishes_them(post) -> None:
    targets = publisher.post_publish_now(post=post)
    assert len(targets) == 2
    assert _run_worker() >= 2
    for target in PostTarget.objects.all():
        assert target.status == TargetStatus.PUBLISHED
        assert target.remote_id.startswith("post:") and target.published_at is not None
    assert DemoPost.objects.count() == 2
    # Again, from a page opened before (a double click): refused, it went out; no second target.
    with pytest.raises(workflow.TransitionRefused):
        publisher.post_publish_now(post=post)
    assert PostTarget.objects.count() == 2


def test_an_invalid_variant_is_not_published(post) -> None:
    post.variants.filter(network="bluesky").update(text="é" * 301)
    with pytest.raises(workflow.PublishRefused) as refusal:
        publisher.post_publish_now(post=post)
    assert "Bluesky" in refusal.value.problems[0]
    assert not PostTarget.objects.exists()


def test_publishing_needs_a_channel(cast) -> None:
    draft = post_create(
        workspace=cast.workspace, author=cast.bob, idea="x", category="helpful", networks=["x"]
    )
    with pytest.raises(workflow.PublishRefused):
        publisher.post_publish_now(post=draft)


class Scripted(DemoConnector):
    """The demo network, made to answer as a troubled network would."""

    error: Exception | None = None
    idempotent = True

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if self.error:
            raise self.error
        return super().publish(post)


@pytest.fixture
def target(post, monkeypatch):
    monkeypatch.setattr(Channel, "get_connector", lambda channel: Scripted(channel))
    publisher.post_publish_now(post=post)
    return PostTarget.objects.get(channel__network="bluesky")


def _publish(target, error=None, idempotent=True):
    Scripted.error, Scripted.idempotent = error, idempotent
    try:
        return publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    finally:
        Scripted.error, Scripted.idempotent = None, True


def test_rejected_fails_with_the_networks_reason_and_no_retry(target) -> None:
    assert _publish(target, Rejected("Text is too long")) is None
    target.refresh_from_db()
    assert target.status == TargetStatus.FAILED
    assert "Text is too long" in target.error


def test_rate_limited_waits_as_long_as_the_network_asks(target) -> None:
    before = timezone.now()
    with pytest.raises(RetryAt) as wait:
        _publish(target, RateLimited("slow down", retry_after=120))
    assert before + timedelta(seconds=119) < wait.value.when < before + timedelta(seconds=125)
    target.refresh_from_db()
    assert target.status == TargetStatus.SCHEDULED


def test_unavailable_keeps_a_begun_publish_publishing_and_the_retry_sends_it_once(target) -> None:
    # A 502 may come after the network took the post: no edit may replace the target now.
    with pytest.raises(Unavailable):
        _publish(target, Unavailable("502"))
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHING and target.attempted_at is not None
    _publish(target)
    target.refresh_from_db()
    assert (target.status, target.attempted_at) == (TargetStatus.PUBLISHED, None)
    assert DemoPost.objects.filter(channel=target.channel).count() == 1


def test_auth_expired_marks_the_channel_and_holds_its_posts(target) -> None:
    _publish(target, AuthExpired("token revoked"))
    target.refresh_from_db()
    assert target.status == TargetStatus.HELD
    assert target.channel.status == ChannelStatus.NEEDS_RECONNECT
    other = PostTarget.objects.exclude(pk=target.pk).get()
    Channel.objects.filter(pk=other.channel_id).update(status=ChannelStatus.NEEDS_RECONNECT)
    _publish(other)
    other.refresh_from_db()
    assert other.status == TargetStatus.HELD


def test_an_interrupted_publish_resumes_with_the_same_key_where_the_network_takes_one(
    target,
) -> None:
    _publish(target)
    first = PostTarget.objects.get(pk=target.pk).remote_id
    PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.PUBLISHING, remote_id="")
    _publish(target)
    target.refresh_from_db()
    assert (target.status, target.remote_id) == (TargetStatus.PUBLISHED, first)
    assert DemoPost.objects.filter(channel=target.channel).count() == 1


def test_an_interrupted_publish_waits_for_a_person_where_the_network_cannot_show_its_posts(
    target,
) -> None:
    # No idempotency key and no RECENT_POSTS: nothing can tell whether the post went out.
    begun = timezone.now() - timedelta(hours=1)
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.PUBLISHING, attempted_at=begun
    )
    assert _publish(target, idempotent=False) is None
    target.refresh_from_db()
    assert target.status == TargetStatus.UNKNOWN
    assert "ne peut pas savoir si la publication est partie" in target.error
    assert not DemoPost.objects.filter(channel=target.channel).exists()


def test_a_worker_that_died_before_the_send_began_leaves_nothing_to_look_for(target) -> None:
    # `publishing` without `attempted_at`: it died before any send (uploading the media).
    PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.PUBLISHING)
    assert _publish(target, idempotent=False) is None
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    assert DemoPost.objects.filter(channel=target.channel).count() == 1


def test_publishing_from_the_composer(client, cast, post) -> None:
    client.force_login(cast.bob)
    data = {
        "post-idea": post.idea,
        "post-category": "helpful",
        "post-networks": ["mastodon", "bluesky"],
        "post-version": post.version,
        "action": "publish",
    }
    for variant in post.variants.all():
        data[f"{variant.network}-text"] = variant.text
        data[f"{variant.network}-channels"] = [c.pk for c in variant.channels.all()]
    response = client.post(f"/w/lumiere/posts/{post.pk}/", data, follow=True)
    assert "publication sur 2 canaux" in response.content.decode()
    assert PostTarget.objects.count() == 2
    client.force_login(cast.erin)  # an editor drafts; publishing is for the community team
    data["post-version"] = type(post).objects.get(pk=post.pk).version
    assert client.post(f"/w/lumiere/posts/{post.pk}/", data).status_code == 403
