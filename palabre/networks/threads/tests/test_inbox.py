"""The inbox's side on the double: replies and mentions polled, webhooks, hiding."""

from __future__ import annotations

import httpx
import pytest

from palabre.networks.base import (
    Author,
    IncomingInteraction,
    InteractionKind,
    OutgoingPost,
    Rejected,
    WebhookItem,
)
from palabre.networks.threads import webhook
from palabre.networks.threads.tests.conftest import Brand
from tests.networks.meta.double import Fan, MetaDouble


def _brand_post(brand: Brand, text: str = "New loaves today") -> str:
    return brand.connector().publish(OutgoingPost(text=text, idempotency_key="k")).remote_id


def _ids(items: tuple[IncomingInteraction, ...]) -> list[str]:
    return [i.remote_id for i in items]


def test_replies_arrive_once_each_over_several_polls(brand: Brand, fan: Fan) -> None:
    connector = brand.connector()
    post = _brand_post(brand)
    first = fan.threads_reply(post, "Lovely!")
    second = fan.threads_reply(post, "Open on Sunday?")

    page = connector.fetch_interactions(cursor=None)
    assert _ids(page.items) == [first.id, second.id]
    assert page.items[0] == IncomingInteraction(
        remote_id=first.id,
        kind=InteractionKind.COMMENT,
        author=Author(fan.threads.username, fan.threads.username),
        created_at=page.items[0].created_at,
        text="Lovely!",
        in_reply_to=post,
        root=post,
    )
    assert connector.fetch_interactions(cursor=page.next_cursor).items == ()

    nested = fan.threads_reply(second.id, "I mean this Sunday")
    connector.reply(to_remote_id=second.id, text="Yes, 8 to 12", idempotency_key="k-answer")
    later = connector.fetch_interactions(cursor=page.next_cursor)

    assert _ids(later.items) == [nested.id]  # the brand's own answer is not an interaction
    assert (later.items[0].in_reply_to, later.items[0].root) == (second.id, post)
    assert connector.fetch_interactions(cursor=later.next_cursor).items == ()


def test_replies_within_one_second_are_neither_skipped_nor_repeated(brand: Brand, fan: Fan) -> None:
    connector = brand.connector()
    post = _brand_post(brand)
    early = fan.threads_reply(post, "First")
    page = connector.fetch_interactions(cursor=None)
    assert _ids(page.items) == [early.id]

    same_second = fan.threads_reply(post, "Second, in the same second")
    same_second.created = early.created  # Threads dates to the second

    after = connector.fetch_interactions(cursor=page.next_cursor)
    assert _ids(after.items) == [same_second.id]
    assert connector.fetch_interactions(cursor=after.next_cursor).items == ()


def test_a_mention_arrives_once_and_a_reply_that_names_the_brand_stays_a_reply(
    brand: Brand, fan: Fan
) -> None:
    post = _brand_post(brand)
    mention = fan.threads_mention(brand.user, "Best bread in town")
    naming = fan.threads_reply(post, f"@{brand.user.username} thank you")

    page = brand.connector().fetch_interactions(cursor=None)

    kinds = {i.remote_id: i.kind for i in page.items}
    assert kinds == {mention.id: InteractionKind.MENTION, naming.id: InteractionKind.COMMENT}
    found = next(i for i in page.items if i.remote_id == mention.id)
    assert (found.in_reply_to, found.root) == (None, None)
    assert found.text == f"Best bread in town @{brand.user.username}"


def test_webhook_items_are_the_polled_ones(meta_double: MetaDouble, brand: Brand, fan: Fan) -> None:
    post = _brand_post(brand)
    reply = fan.threads_reply(post, "Webhook me")
    nested = fan.threads_reply(reply.id, "And me")
    mention = fan.threads_mention(brand.user, "Say hi to")

    polled = {i.remote_id: i for i in brand.connector().fetch_interactions(cursor=None).items}
    delivered = [
        item
        for node in (reply, nested, mention)
        for item in webhook.items(meta_double.webhook_for(node))
    ]

    assert delivered == [
        WebhookItem(account_id=brand.user.id, interaction=polled[n.id])
        for n in (reply, nested, mention)
    ]


def test_webhook_leaves_out_what_is_not_an_interaction(brand: Brand) -> None:
    assert webhook.items(None) == []
    assert webhook.items({"values": {"field": "publish", "value": {"id": "1"}}}) == []
    assert webhook.items({"values": {"field": "replies", "value": {"id": "2"}}}) == []  # whose?
    assert webhook.items({"values": [{"field": "mentions", "value": "nope"}]}) == []


def test_hide_and_unhide_a_reply(meta_double: MetaDouble, brand: Brand, fan: Fan) -> None:
    connector = brand.connector()
    reply = fan.threads_reply(_brand_post(brand), "Rude words")

    connector.hide(remote_id=reply.id)
    assert reply.hide_status == "HIDDEN"

    connector.unhide(remote_id=reply.id)
    assert reply.hide_status == "UNHUSHED"


def test_hiding_a_reply_hides_what_is_nested_under_it(
    meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    post = _brand_post(brand)
    insult = fan.threads_reply(post, "Rude words")
    below = meta_double.fan("Other").threads_reply(insult.id, "Ruder still")

    brand.connector().hide(remote_id=insult.id)

    seen_by_fan = fan_conversation(meta_double, fan, post)
    assert insult.id not in seen_by_fan and below.id not in seen_by_fan


def test_a_nested_reply_cannot_be_hidden_alone(
    meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    top = fan.threads_reply(_brand_post(brand), "Fine words")
    nested = fan.threads_reply(top.id, "Rude words")

    with pytest.raises(Rejected) as refused:
        brand.connector().hide(remote_id=nested.id)
    assert "top-level" in refused.value.reason
    assert nested.hide_status == "NOT_HUSHED"


def fan_conversation(meta_double: MetaDouble, fan: Fan, post: str) -> set[str]:
    """The ids in the post's conversation, as the fan reads it through the API."""
    answer = httpx.get(
        f"{meta_double.threads_graph_url}/{meta_double.threads_version}/{post}/conversation",
        params={"access_token": meta_double.threads_token(fan.threads)},
    )
    return {item["id"] for item in answer.json()["data"]}
