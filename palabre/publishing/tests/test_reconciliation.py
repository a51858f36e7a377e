"""Publishing on a network that takes no idempotency key: an interrupted send is looked for
on the network before anything is sent again (networks/reconcile.py). The forgetful test
network makes a new post at every send, whatever its key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.channels.connectors import forget_all
from palabre.channels.models import Channel
from palabre.lib import faults
from palabre.networks.base import OutgoingPost, PublishedPost, Unavailable
from palabre.networks.demo.models import DemoPost
from palabre.networks.tests.forgetful import ForgetfulConnector, forgetful_channel
from palabre.publishing import publisher
from palabre.publishing.models import PostStatus, PostTarget, PostVariant, TargetStatus
from palabre.publishing.services import post_create
from palabre.worker.jobs import RetryAt

TEXT = "Le levain du jour est prêt."
PARTS = ["2/3 Farine, eau, patience.", "3/3 Et du temps."]
COMMENT = "Toutes nos recettes : https://lumiere.fr/levain"


class Died(Exception):
    """Stands for the SIGKILL at a fault point (the real one: test_crash.py)."""


def _dying_at(name: str):
    """faults.point as the process would meet it, with an exception for the SIGKILL."""

    def point(reached: str) -> None:
        if reached == name:
            raise Died(name)

    return point


@pytest.fixture
def channel(cast, monkeypatch):
    return forgetful_channel(cast.workspace, monkeypatch)


def _target(cast, *, thread=(), first_comment="") -> PostTarget:
    post = post_create(
        workspace=cast.workspace,
        author=cast.bob,
        idea=TEXT,
        category="helpful",
        networks=["mastodon"],
    )
    post.variants.update(thread=list(thread), first_comment=first_comment)
    [target] = publisher.post_publish_now(post=post)
    return target


def _publish(target: PostTarget):
    return publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))


def _interrupted(target: PostTarget, at: str) -> PostTarget:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(faults, "point", _dying_at(at))
        with pytest.raises(Died):
            _publish(target)
    return PostTarget.objects.get(pk=target.pk)


def _texts(channel) -> list[str]:
    return sorted(DemoPost.objects.filter(channel=channel).values_list("text", flat=True))


def test_a_post_the_network_took_before_the_worker_died_is_recorded_not_sent_again(
    cast, channel
) -> None:
    target = _interrupted(_target(cast), "publish.after_network")
    assert (target.status, target.remote_id) == (TargetStatus.PUBLISHING, "")
    assert target.attempted_at is not None
    [on_network] = DemoPost.objects.filter(channel=channel)
    assert _publish(target) is None
    target.refresh_from_db()
    assert (target.status, target.remote_id) == (TargetStatus.PUBLISHED, on_network.remote_id)
    assert target.remote_url == f"demo://{channel.pk}/{on_network.pk}"
    assert (target.attempted_at, target.error) == (None, "")
    assert target.post.status == PostStatus.PUBLISHED
    assert _texts(channel) == [TEXT]


def test_a_thread_interrupted_after_a_part_sends_only_what_is_missing(cast, channel) -> None:
    target = _target(cast, thread=PARTS, first_comment=COMMENT)
    target = _interrupted(target, "publish.after_part")
    assert target.remote_id and target.part_ids == []  # part 2 out, not recorded
    _publish(target)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    assert _texts(channel) == sorted([TEXT, *PARTS, COMMENT])  # each once
    posts = {p.text: p for p in DemoPost.objects.filter(channel=channel)}
    assert target.part_ids == [posts[PARTS[0]].remote_id, posts[PARTS[1]].remote_id]
    assert posts[PARTS[0]].in_reply_to == target.remote_id
    assert posts[PARTS[1]].in_reply_to == posts[PARTS[0]].remote_id
    assert target.comment_id == posts[COMMENT].remote_id


def test_a_first_comment_interrupted_is_found(cast, channel) -> None:
    target = _target(cast, thread=PARTS, first_comment=COMMENT)
    target = _interrupted(target, "publish.after_comment")
    assert len(target.part_ids) == 2 and not target.comment_id
    _publish(target)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    assert target.comment_id == DemoPost.objects.get(text=COMMENT).remote_id
    assert _texts(channel) == sorted([TEXT, *PARTS, COMMENT])


def test_nothing_found_is_trusted_only_once_the_network_had_time_to_show_it(cast, channel) -> None:
    target = _interrupted(_target(cast), "publish.before_network")
    assert not DemoPost.objects.exists()  # it died before the send reached the network
    with pytest.raises(RetryAt) as wait:
        _publish(target)
    assert wait.value.when == target.attempted_at + ForgetfulConnector.read_back_within
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHING and not DemoPost.objects.exists()
    # A minute later, still nothing there: it did not go out; now it does, once.
    earlier = target.attempted_at - timedelta(minutes=1)
    PostTarget.objects.filter(pk=target.pk).update(attempted_at=earlier)
    _publish(target)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    assert _texts(channel) == [TEXT]


class TimesOut(ForgetfulConnector):
    """The network takes the post, then the answer is lost on the way back."""

    def publish(self, post: OutgoingPost) -> PublishedPost:
        super().publish(post)
        raise Unavailable("timed out")


def test_a_timeout_after_the_network_took_the_post_does_not_post_it_twice(cast, channel) -> None:
    target = _target(cast)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Channel, "get_connector", lambda c: TimesOut(c))
        with pytest.raises(Unavailable):
            _publish(target)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHING  # it may be out: no edit replaces it
    forget_all()  # the worker's next connector is the plain forgetful one
    _publish(target)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    assert target.remote_id == DemoPost.objects.get().remote_id


def test_two_posts_matching_are_for_a_person_and_nothing_is_sent(cast, channel) -> None:
    target = _interrupted(_target(cast), "publish.after_network")
    # Someone posted the same text by hand on the network meanwhile.
    DemoPost.objects.create(channel=channel, idempotency_key="by-hand", text=TEXT)
    assert _publish(target) is None
    target.refresh_from_db()
    assert target.status == TargetStatus.UNKNOWN and target.remote_id == ""
    assert "ne peut pas savoir si la publication est partie" in target.error
    assert "2 publications sur le réseau y correspondent" in target.error
    assert DemoPost.objects.count() == 2
    assert target.post.status == PostStatus.UNKNOWN


def test_the_same_text_published_before_is_not_taken_for_the_interrupted_one(cast, channel) -> None:
    first = _target(cast)
    _publish(first)
    second = _interrupted(_target(cast), "publish.before_network")
    PostTarget.objects.filter(pk=second.pk).update(
        attempted_at=timezone.now() - timedelta(minutes=1)
    )
    _publish(second)
    second.refresh_from_db()
    assert second.status == TargetStatus.PUBLISHED
    assert second.remote_id != PostTarget.objects.get(pk=first.pk).remote_id
    assert _texts(channel) == [TEXT, TEXT]  # asked twice, sent twice, each once


def test_an_edit_after_the_interrupted_send_does_not_lose_the_post_that_went_out(
    cast, channel
) -> None:
    target = _target(cast)
    target = _interrupted(target, "publish.after_network")
    # A save that lands meanwhile changes the post's content (not this locked variant).
    PostVariant.objects.create(post=target.post, network="bluesky", text="Autre réseau")
    _publish(target)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED  # found and recorded, not sent back
    assert target.remote_id == DemoPost.objects.get().remote_id
