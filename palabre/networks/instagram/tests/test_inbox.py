"""Reading, answering and moderating what people say to the brand on Instagram, against the
Graph API double: a fan comments, replies, tags and mentions through the double's own
state; the connector reads it over HTTP, by polling and from webhook deliveries."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from palabre.networks import reconcile
from palabre.networks.base import (
    IncomingInteraction,
    InteractionKind,
    InteractionPage,
    Rejected,
)
from palabre.networks.instagram import webhook
from palabre.networks.instagram.connector import InstagramConnector
from palabre.networks.instagram.tests.conftest import Brand
from tests.networks.meta import webhooks
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import IGComment, IGMedia


def brand_media(double: MetaDouble, brand: Brand, caption: str, **fields: Any) -> IGMedia:
    """A post already on the brand's account (published earlier, by Palabre or in the app)."""
    return double.world.add(  # type: ignore[no-any-return]
        IGMedia(
            id=double.world.new_id(),
            user_id=brand.ig.id,
            page_id=brand.page.id,
            caption=caption,
            created=double.world.now(),
            shortcode=secrets.token_hex(5),
            **fields,
        )
    )


def by_id(page: InteractionPage) -> dict[str, IncomingInteraction]:
    return {i.remote_id: i for i in page.items}


def test_comments_and_replies_are_threaded_and_each_given_once_across_polls(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    media = brand_media(meta_double, brand, "Sourdough Sunday")
    first = fan.ig_comment(media.id, "Is it vegan?")
    connector.reply(to_remote_id=first.id, text="It is!", idempotency_key="k1")  # the brand's own

    page = connector.fetch_interactions(cursor=None)
    assert list(by_id(page)) == [first.id]  # the brand's own answer is not for its inbox
    comment = by_id(page)[first.id]
    assert (comment.kind, comment.text, comment.in_reply_to, comment.root) == (
        InteractionKind.COMMENT,
        "Is it vegan?",
        media.id,
        media.id,
    )
    assert (comment.author.remote_id, comment.author.handle) == (fan.ig.id, f"@{fan.ig.username}")

    meta_double.world.advance(2)
    reply = fan.ig_reply(first.id, "Thanks, ordering two")
    other = brand_media(meta_double, brand, "Croissants")
    second = fan.ig_comment(other.id, "What time do you open?")
    page = connector.fetch_interactions(cursor=page.next_cursor)
    assert set(by_id(page)) == {reply.id, second.id}  # the first comment is not given again
    assert (by_id(page)[reply.id].in_reply_to, by_id(page)[reply.id].root) == (first.id, media.id)
    assert by_id(page)[second.id].root == other.id

    again = connector.fetch_interactions(cursor=page.next_cursor)
    assert again.items == ()
    assert len(again.next_cursor or "") <= 500


def test_a_comment_that_shows_late_with_an_earlier_time_is_still_given(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    media = brand_media(meta_double, brand, "Rye")
    fan.ig_comment(media.id, "First")
    meta_double.world.advance(30)
    fan.ig_comment(media.id, "Third")
    page = connector.fetch_interactions(cursor=None)
    late = fan.ig_comment(media.id, "Second, delayed by the network")
    late.created -= 20  # its timestamp is before the newest one already given
    found = connector.fetch_interactions(cursor=page.next_cursor)
    assert [i.remote_id for i in found.items] == [late.id]


def test_tags_and_mentions_are_mentions(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    tagged = fan.ig_tag(brand.ig, "Best bread in town")
    page = connector.fetch_interactions(cursor=None)
    tag = by_id(page)[f"tag:{tagged.id}"]
    assert (tag.kind, tag.text, tag.author.handle) == (
        InteractionKind.MENTION,
        "Best bread in town",
        f"@{fan.ig.username}",
    )

    # Mentions in others' comments and captions are listed nowhere: Meta's webhook says
    # which, and the connector reads each back.
    in_comment = fan.ig_mention(brand.ig, "You should try")
    assert isinstance(in_comment, IGComment)
    [item] = webhook.items(meta_double.webhook_for(in_comment)["entry"][0])
    assert item.account_id == brand.ig.id
    mention = item.interaction
    assert mention.remote_id == f"mention:{in_comment.media_id}:{in_comment.id}"
    assert (mention.kind, mention.text) == (
        InteractionKind.MENTION,
        f"You should try @{brand.ig.username}",
    )

    in_caption = fan.ig_mention(brand.ig, "Breakfast at", in_caption=True)
    payload = webhooks.instagram_mention(ig_user_id=brand.ig.id, time=1, media_id=in_caption.id)
    [item] = webhook.items(payload["entry"][0])
    assert item.interaction.remote_id == f"mention:{in_caption.id}"
    assert item.interaction.text == f"Breakfast at @{brand.ig.username}"
    assert item.interaction.author.handle == f"@{fan.ig.username}"


def test_answering_a_mention_goes_under_it_and_a_tag_cannot_be_answered(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    in_comment = fan.ig_mention(brand.ig, "Hello")
    assert isinstance(in_comment, IGComment)
    answer = connector.reply(
        to_remote_id=f"mention:{in_comment.media_id}:{in_comment.id}",
        text="Thank you!",
        idempotency_key="k-m",
    )
    made = meta_double.get(answer.remote_id)
    assert isinstance(made, IGComment)
    assert (made.by, made.parent_id, made.text) == (brand.ig.id, in_comment.id, "Thank you!")

    # An interrupted answer there cannot be looked for: a person checks, the channel is fine.
    sent = reconcile.Sent(
        text="Thank you!",
        attempted_at=timezone.now(),
        in_reply_to=f"mention:{in_comment.media_id}:{in_comment.id}",
    )
    assert isinstance(reconcile.look_for(connector, sent, recorded=[]), reconcile.Undecidable)

    tagged = fan.ig_tag(brand.ig, "Look")
    with pytest.raises(Rejected):
        connector.reply(to_remote_id=f"tag:{tagged.id}", text="Hi", idempotency_key="k-t")
    with pytest.raises(Rejected):
        connector.hide(remote_id=f"tag:{tagged.id}")


def test_webhook_items_are_the_polled_ones(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    media = brand_media(meta_double, brand, "Baguettes", product_type="REELS")
    comment = fan.ig_comment(media.id, "Crunchy!")
    reply = fan.ig_reply(comment.id, "Agreed")
    own = meta_double.get(
        connector.reply(to_remote_id=comment.id, text="Merci", idempotency_key="k").remote_id
    )
    assert isinstance(own, IGComment)

    polled = by_id(connector.fetch_interactions(cursor=None))
    delivered = {
        item.interaction.remote_id: item
        for node in (comment, reply, own)
        for item in webhook.items(meta_double.webhook_for(node)["entry"][0])
    }
    assert set(delivered) == set(polled) == {comment.id, reply.id}  # not the brand's own
    for remote_id, item in delivered.items():
        assert item.account_id == brand.ig.id
        pushed, read = item.interaction, polled[remote_id]
        # The delivery has no timestamp: the moment Meta sent it stands for it.
        assert abs(pushed.created_at - read.created_at) < timedelta(seconds=5)
        assert replace(pushed, created_at=read.created_at) == read


def test_webhook_entries_it_does_not_know_give_nothing(db: None) -> None:
    assert webhook.items({"id": "1", "changes": [{"field": "story_insights", "value": {}}]}) == []
    assert webhook.items({"changes": [{"field": "comments", "value": {"id": "2"}}]}) == []
    assert webhook.items("nonsense") == []
    assert webhook.items({"id": "1", "changes": [{"field": "comments", "value": []}]}) == []
    # a mention for an account no channel here holds
    assert (
        webhook.items({"id": "9", "changes": [{"field": "mentions", "value": {"media_id": "1"}}]})
        == []
    )


def test_hide_and_unhide_a_comment(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    insult = fan.ig_comment(brand_media(meta_double, brand, "Cake").id, "You are all idiots")
    connector.hide(remote_id=insult.id)
    assert insult.hidden is True
    connector.unhide(remote_id=insult.id)
    assert insult.hidden is False


def test_a_private_reply_once_per_comment(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    comment = fan.ig_comment(brand_media(meta_double, brand, "Tarts").id, "Price for 20?")
    sent = connector.private_reply(
        to_remote_id=comment.id, text="Sent you our list", idempotency_key="p"
    )
    assert sent.remote_id.startswith("m_")
    assert comment.private_reply_sent is True
    with pytest.raises(Rejected):
        connector.private_reply(to_remote_id=comment.id, text="Again", idempotency_key="p2")


def test_delete_removes_a_comment_but_never_a_post(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    media = brand_media(meta_double, brand, "Éclairs")
    spam = fan.ig_comment(media.id, "Buy followers at …")
    connector.delete(remote_id=spam.id)
    assert meta_double.get(spam.id) is None
    with pytest.raises(Rejected, match="cannot delete a post"):
        connector.delete(remote_id=media.id)
    assert meta_double.get(media.id) is media


def test_recent_answers_to_an_answer_are_read_under_the_first_comment(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    since = timezone.now() - timedelta(minutes=1)
    first = fan.ig_comment(brand_media(meta_double, brand, "Brioche").id, "Open Monday?")
    second = fan.ig_reply(first.id, "And Tuesday?")
    answer = connector.reply(to_remote_id=second.id, text="Both days", idempotency_key="k")
    made = meta_double.get(answer.remote_id)
    assert isinstance(made, IGComment) and made.parent_id == first.id  # Instagram's one level
    found = connector.recent_posts(since=since, in_reply_to=second.id)
    assert [(p.remote_id, p.text, p.in_reply_to) for p in found] == [
        (answer.remote_id, "Both days", second.id)
    ]


def test_more_comments_and_replies_than_a_page_holds_all_come_in(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    media = brand_media(meta_double, brand, "Our busiest post")
    comments = [fan.ig_comment(media.id, f"Comment {n}") for n in range(60)]
    replies = [fan.ig_reply(comments[0].id, f"Reply {n}") for n in range(30)]
    given: list[str] = []
    cursor = None
    for _ in range(3):
        page = connector.fetch_interactions(cursor=cursor)
        assert len(page.items) <= 50  # a full page: the inbox polls again at once
        given += [i.remote_id for i in page.items]
        cursor = page.next_cursor
    assert sorted(given) == sorted(c.id for c in [*comments, *replies])
