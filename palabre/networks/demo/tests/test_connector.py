from __future__ import annotations

import pytest

from palabre.channels.services import channel_create_demo
from palabre.networks.base import (
    Capability,
    InteractionKind,
    MediaUpload,
    OutgoingPost,
    Rejected,
)
from palabre.networks.demo.models import DemoAccount, DemoActivity, DemoPost


@pytest.fixture
def connector(cast):
    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    return channel.get_connector()


def test_it_follows_the_rules_of_the_network_it_stands_in_for(connector) -> None:
    assert connector.limits.max_chars == 300
    assert connector.limits.alt_text_required
    assert connector.supports(Capability.HIDE)


def test_publishing_twice_with_one_key_makes_one_post(connector) -> None:
    first = connector.publish(OutgoingPost(text="Bonjour", idempotency_key="target-1"))
    again = connector.publish(OutgoingPost(text="Bonjour", idempotency_key="target-1"))
    assert first == again
    assert DemoPost.objects.count() == 1


def test_an_empty_post_is_rejected_with_the_networks_reason(connector) -> None:
    with pytest.raises(Rejected) as error:
        connector.publish(OutgoingPost(text="  ", idempotency_key="k"))
    assert error.value.reason == "A post needs text or media."


def test_media_then_post(connector) -> None:
    media = connector.upload_media(MediaUpload("pain.jpg", "image/jpeg", b"\xff\xd8", "Un pain"))
    published = connector.publish(OutgoingPost(text="", idempotency_key="m", media=(media,)))
    assert DemoPost.objects.get().media_ids == [media.remote_id]
    assert published.remote_id.startswith("post:")


def test_interactions_come_once_each_with_a_cursor(connector) -> None:
    post = connector.publish(OutgoingPost(text="Pain", idempotency_key="p"))
    row = DemoPost.objects.get()
    for i in range(3):
        DemoActivity.objects.create(
            channel=connector.channel,
            kind="comment",
            author_handle=f"@p{i}",
            text=f"Commentaire {i}",
            post=row,
        )
    page = connector.fetch_interactions(cursor=None)
    assert [i.text for i in page.items] == ["Commentaire 0", "Commentaire 1", "Commentaire 2"]
    assert page.items[0].kind is InteractionKind.COMMENT and page.items[0].root == post.remote_id
    assert connector.fetch_interactions(cursor=page.next_cursor).items == ()


def test_reply_hide_unhide_and_metrics(connector) -> None:
    post = connector.publish(OutgoingPost(text="Pain", idempotency_key="p"))
    row = DemoPost.objects.get()
    comment = DemoActivity.objects.create(
        channel=connector.channel, kind="comment", author_handle="@a", text="Super", post=row
    )
    DemoActivity.objects.create(
        channel=connector.channel, kind="like", author_handle="@b", post=row
    )
    reply = connector.reply(to_remote_id=comment.remote_id, text="Merci !", idempotency_key="r")
    assert DemoPost.objects.get(pk=reply.remote_id.split(":")[1]).in_reply_to == comment.remote_id
    connector.hide(remote_id=comment.remote_id)
    assert DemoActivity.objects.get(pk=comment.pk).hidden
    connector.unhide(remote_id=comment.remote_id)
    assert not DemoActivity.objects.get(pk=comment.pk).hidden
    metrics = connector.post_metrics(remote_ids=[post.remote_id])[post.remote_id]
    assert (metrics.likes, metrics.replies) == (1, 1)
    # No followers: the reach is what the two engagements carry (15 each).
    assert (metrics.reach, metrics.impressions) == (30, 39)


def test_hiding_something_unknown_is_rejected(connector) -> None:
    with pytest.raises(Rejected):
        connector.hide(remote_id="act:999999")
    with pytest.raises(Rejected):
        connector.hide(remote_id="garbage")


def test_account_metrics(connector) -> None:
    DemoAccount.objects.create(channel=connector.channel, followers=42)
    assert connector.account_metrics().followers == 42
    assert connector.account_metrics().reach == 14  # a third of the followers, every day


def test_credentials_never_show_in_repr(connector) -> None:
    connector.channel.save_credentials({"app_password": "s3cret-pass"})
    assert "s3cret" not in repr(connector.channel) and "s3cret" not in str(connector.channel)
    assert "s3cret" not in connector.channel.credentials_encrypted
    assert connector.channel.credentials == {"app_password": "s3cret-pass"}
