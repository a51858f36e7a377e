from __future__ import annotations

import pytest

from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.networks.base import (
    Capability,
    InteractionKind,
    MediaUpload,
    NotSupported,
    OutgoingPost,
    Rejected,
    Visibility,
)
from palabre.networks.demo.models import (
    DemoAccount,
    DemoActivity,
    DemoAuthor,
    DemoPost,
    DemoReport,
)


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
    # It plays Bluesky, which tells neither how many people a post reached nor its views.
    assert (metrics.reach, metrics.impressions, metrics.saves) == (None, None, None)


@pytest.mark.parametrize(
    ("network", "told"),
    [
        ("instagram", {"reach": 30, "impressions": 39, "saves": 1, "clicks": None}),
        ("linkedin", {"reach": 30, "impressions": 39, "saves": None, "clicks": 0}),
        ("x", {"reach": None, "impressions": 39, "saves": 1, "clicks": None}),
        ("mastodon", {"reach": None, "impressions": None, "saves": None, "clicks": None}),
    ],
)
def test_a_post_s_figures_are_those_its_network_tells(cast, network, told) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network=network, name="N")
    connector = channel.get_connector()
    post = connector.publish(OutgoingPost(text="Pain", idempotency_key="p"))
    row = DemoPost.objects.get()
    for kind in ("like", "comment"):  # no followers: each carries it to 15 people
        DemoActivity.objects.create(channel=channel, kind=kind, author_handle="@a", post=row)
    metrics = connector.post_metrics(remote_ids=[post.remote_id])[post.remote_id]
    assert {name: getattr(metrics, name) for name in told} == told


def test_hiding_something_unknown_is_rejected(connector) -> None:
    with pytest.raises(Rejected):
        connector.hide(remote_id="act:999999")
    with pytest.raises(Rejected):
        connector.hide(remote_id="garbage")


def test_account_metrics(connector) -> None:
    DemoAccount.objects.create(channel=connector.channel, followers=42)
    assert connector.account_metrics().followers == 42
    assert connector.account_metrics().reach is None  # Bluesky does not tell it
    facebook = channel_create_demo(
        workspace=connector.channel.workspace, network="facebook", name="F"
    )
    DemoAccount.objects.create(channel=facebook, followers=42)
    assert facebook.get_connector().account_metrics().reach == 14  # a third, every day


def test_credentials_never_show_in_repr(connector) -> None:
    connector.channel.save_credentials({"app_password": "s3cret-pass"})
    assert "s3cret" not in repr(connector.channel) and "s3cret" not in str(connector.channel)
    assert "s3cret" not in connector.channel.credentials_encrypted
    assert connector.channel.credentials == {"app_password": "s3cret-pass"}


def _activity(connector, text: str, visibility: str = "public", author: str = "@a") -> DemoActivity:
    return DemoActivity.objects.create(
        channel=connector.channel,
        kind="message" if visibility == "direct" else "comment",
        author_handle=author,
        text=text,
        visibility=visibility,
    )


def _audience(published) -> str:
    return DemoPost.objects.get(pk=published.remote_id.split(":")[1]).visibility


def test_posts_and_interactions_carry_who_can_read_them(connector) -> None:
    assert _audience(connector.publish(OutgoingPost(text="Pain", idempotency_key="p"))) == "public"
    quiet = OutgoingPost(text="Pain", idempotency_key="q", visibility=Visibility.UNLISTED)
    assert _audience(connector.publish(quiet)) == "unlisted"
    _activity(connector, "Pour mes abonnés", "followers")
    _activity(connector, "En privé", "direct")
    page = connector.fetch_interactions(cursor=None)
    assert [i.visibility for i in page.items] == [Visibility.FOLLOWERS, Visibility.DIRECT]
    assert page.items[1].kind is InteractionKind.MESSAGE


def test_a_reply_never_reaches_more_people_than_what_it_answers(connector) -> None:
    private = _activity(connector, "En privé", "direct")
    friends = _activity(connector, "Pour mes abonnés", "followers")
    public = _activity(connector, "Pour tous")

    def answer(to: DemoActivity, key: str, visibility: Visibility | None = None) -> str:
        return _audience(
            connector.reply(
                to_remote_id=to.remote_id, text="Merci", idempotency_key=key, visibility=visibility
            )
        )

    assert answer(private, "1") == "direct"  # kept
    assert answer(private, "2", Visibility.PUBLIC) == "direct"  # a wider one is narrowed
    assert answer(friends, "3", Visibility.PUBLIC) == "followers"
    assert answer(public, "4", Visibility.DIRECT) == "direct"  # a narrower one is kept
    assert answer(public, "5") == "public"


@pytest.fixture
def mastodon(cast):
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    Channel.objects.filter(pk=channel.pk).update(connector="demo_mastodon")
    channel.refresh_from_db()
    return channel.get_connector()


def test_the_mastodon_stand_in_cannot_hide_and_mutes_blocks_reports_instead(mastodon) -> None:
    assert not mastodon.supports(Capability.HIDE)
    assert mastodon.supports(Capability.MUTE_AUTHOR | Capability.BLOCK_AUTHOR | Capability.REPORT)
    insult = _activity(mastodon, "Nul", author="@troll")
    with pytest.raises(NotSupported):
        mastodon.hide(remote_id=insult.remote_id)
    mastodon.mute_author(author_id="@troll")
    mastodon.block_author(author_id="@troll")
    row = DemoAuthor.objects.get(channel=mastodon.channel, author_id="@troll")
    assert (row.muted, row.blocked) == (True, True)
    mastodon.unmute_author(author_id="@troll")
    mastodon.unblock_author(author_id="@troll")
    row.refresh_from_db()
    assert (row.muted, row.blocked) == (False, False)
    mastodon.report(remote_id=insult.remote_id, author_id="@troll", reason="Insulte")
    report = DemoReport.objects.get()
    assert (report.remote_id, report.author_id, report.reason) == (
        insult.remote_id,
        "@troll",
        "Insulte",
    )
    with pytest.raises(Rejected):
        mastodon.report(remote_id="act:999999", author_id="@troll", reason="x")
    with pytest.raises(Rejected):
        mastodon.mute_author(author_id="")


def test_a_muted_author_still_reaches_the_inbox_a_blocked_one_no_longer(mastodon) -> None:
    _activity(mastodon, "Avant", author="@troll")
    first = mastodon.fetch_interactions(cursor=None)
    mastodon.mute_author(author_id="@troll")
    _activity(mastodon, "Pendant la sourdine", author="@troll")
    _activity(mastodon, "Quelqu'un d'autre", author="@amie")
    during = mastodon.fetch_interactions(cursor=first.next_cursor)
    # Muted without its notifications: the next complaint still reaches the inbox.
    assert [i.text for i in during.items] == ["Pendant la sourdine", "Quelqu'un d'autre"]
    mastodon.unmute_author(author_id="@troll")
    mastodon.block_author(author_id="@troll")
    _activity(mastodon, "Bloqué", author="@troll")
    assert mastodon.fetch_interactions(cursor=during.next_cursor).items == ()
