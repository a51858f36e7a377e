"""Page webhook entries, as the double builds Meta's payloads, read into the same items
polling gives: the inbox then keeps each interaction once, whichever way came first."""

from __future__ import annotations

import pytest

from palabre.channels.connectors import forget_all
from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll, interactions_ingest
from palabre.inbox.models import Interaction
from palabre.networks.base import OutgoingPost
from palabre.networks.facebook.webhook import items


def entry_of(payload: dict) -> dict:
    (entry,) = payload["entry"]
    return entry


def test_webhook_items_equal_polled_ones(brand) -> None:
    post = brand.connector.publish(OutgoingPost(text="Bûches de Noël", idempotency_key="k"))
    fan, other = brand.fan("Fanny Fan"), brand.fan("Olivier Autre")
    question = fan.comment(post.remote_id, "Au chocolat ?")
    reply = other.reply(question.id, "Et au café ?")
    visit = fan.visitor_post(brand.page, "Vous livrez ?")
    on_visit = other.comment(visit.id, "Bonne question")
    own = brand.double.get(
        brand.connector.reply(
            to_remote_id=question.id, text="Les deux", idempotency_key="a"
        ).remote_id
    )

    polled = {i.remote_id: i for i in brand.connector.fetch_interactions(cursor=None).items}
    pushed = {}
    for node in (question, reply, visit, on_visit, own):
        for item in items(entry_of(brand.double.webhook_for(node))):
            assert item.account_id == brand.page.id
            pushed[item.interaction.remote_id] = item.interaction
    assert set(pushed) == {question.id, reply.id, visit.id, on_visit.id}  # not the Page's own
    assert pushed == polled


def test_the_pages_own_posts_and_comments_are_left_out(brand) -> None:
    post = brand.double.get(
        brand.connector.publish(OutgoingPost(text="Nouveauté", idempotency_key="k")).remote_id
    )
    assert items(entry_of(brand.double.webhook_for(post))) == []


@pytest.mark.parametrize("verb", ["remove", "hide", "unhide"])
def test_a_removal_or_a_hiding_brings_nothing_new(brand, verb) -> None:
    post = brand.connector.publish(OutgoingPost(text="Hello", idempotency_key="k")).remote_id
    comment = brand.fan().comment(post, "Hop")
    assert items(entry_of(brand.double.webhook_for(comment, verb=verb))) == []


def test_an_edited_comment_is_delivered_as_polling_reads_it(brand) -> None:
    post = brand.connector.publish(OutgoingPost(text="Hello", idempotency_key="k")).remote_id
    comment = brand.fan().comment(post, "Hop")
    comment.message = "Hop, corrigé"
    (item,) = items(entry_of(brand.double.webhook_for(comment, verb="edited")))
    assert (item.interaction.remote_id, item.interaction.text) == (comment.id, "Hop, corrigé")


def test_an_unpublished_visitor_post_is_left_out(brand) -> None:
    visit = brand.fan().visitor_post(brand.page, "Brouillon")
    payload = brand.double.webhook_for(visit)
    entry_of(payload)["changes"][0]["value"]["published"] = 0
    assert items(entry_of(payload)) == []


@pytest.mark.parametrize(
    "entry",
    [
        {},
        {"id": "1"},
        {"id": "1", "changes": "nope"},
        {"id": ["1"], "changes": []},
        {"id": "1", "changes": [None, 3, {"field": "feed"}, {"field": "feed", "value": []}]},
        {"id": "1", "changes": [{"field": "feed", "value": {"item": "comment", "verb": "add"}}]},
        {
            "id": "1",
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "add",
                        "comment_id": {"x": 1},
                        "post_id": "1_2",
                        "created_time": "soon",
                    },
                }
            ],
        },
        {
            "id": "1",
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "status",
                        "verb": "add",
                        "post_id": "1_2",
                        "created_time": 10**20,
                        "from": {"id": "7"},
                    },
                }
            ],
        },
        {"id": "1", "changes": [{"field": "mention", "value": {"post_id": "1_2"}}]},
    ],
)
def test_a_malformed_entry_gives_nothing_and_never_fails(entry) -> None:
    assert items(entry) == []


def test_a_comment_without_its_author_reads_as_unknown() -> None:
    entry = {
        "id": "1",
        "changes": [
            {
                "field": "feed",
                "value": {
                    "item": "comment",
                    "verb": "add",
                    "post_id": "1_2",
                    "comment_id": "2_3",
                    "parent_id": "1_2",
                    "created_time": 1796190000,
                    "message": "Bonjour",
                },
            }
        ],
    }
    (item,) = items(entry)
    assert (item.interaction.author.handle, item.interaction.in_reply_to) == ("unknown", "1_2")


def test_the_inbox_keeps_once_what_came_by_webhook_then_by_polling(brand) -> None:
    forget_all()
    post = brand.connector.publish(OutgoingPost(text="Galettes", idempotency_key="k")).remote_id
    fan = brand.fan()
    first = fan.comment(post, "Frangipane ?")
    answer = brand.fan("Autre").reply(first.id, "Oui, et pomme")
    pushed = [i.interaction for i in items(entry_of(brand.double.webhook_for(first)))]
    assert interactions_ingest(channel=brand.channel, items=pushed, cursor=None) == 1

    sync = channel_sync_ensure(brand.channel)
    channel_sync_poll(sync)
    stored = Interaction.objects.filter(channel=brand.channel)
    assert sorted(stored.values_list("remote_id", flat=True)) == sorted([first.id, answer.id])
    reply = stored.get(remote_id=answer.id)
    assert reply.parent is not None and reply.parent.remote_id == first.id
    sync.refresh_from_db()
    assert sync.cursor.startswith("fb1:")
    assert (
        interactions_ingest(
            channel=brand.channel,
            items=[i.interaction for i in items(entry_of(brand.double.webhook_for(answer)))],
            cursor=sync.cursor,
        )
        == 0
    )
