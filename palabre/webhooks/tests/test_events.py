"""Each event is written where it happens, through the services people and the worker use,
for the subscriptions that want it, with a payload that carries no secret."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from palabre.analytics.collect import channel_day_record
from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.alerts import interaction_clock
from palabre.inbox.moderation import interaction_hide
from palabre.inbox.tests.helpers import comment, ingested, poll, private_message, published
from palabre.networks.base import OutgoingPost, PublishedPost, Rejected
from palabre.networks.demo.connector import DemoConnector
from palabre.publishing import publisher, workflow
from palabre.publishing.services import post_create
from palabre.strategy.conversions import ConversionInput, conversion_record
from palabre.webhooks import events
from palabre.webhooks.emit import conversation_key, post_moved_emit
from palabre.webhooks.models import Delivery
from palabre.webhooks.services import subscription_disable, webhook_event_emit
from palabre.webhooks.tests.helpers import subscribe

URL = "http://127.0.0.1:9/hook"  # never called here: nothing runs the worker


@pytest.fixture
def hooked(cast, settings):
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    subscription, secret = subscribe(cast.workspace, cast.bob, URL)
    return subscription, secret


def _sent(event: str) -> list[Delivery]:
    return list(Delivery.objects.filter(event=event).order_by("pk"))


def _no_secrets(delivery: Delivery, secret: str) -> None:
    text = json.dumps(delivery.payload)
    assert secret not in text and "@example.com" not in text


def test_post_approval_events_follow_the_workflow(cast, hooked) -> None:
    _subscription, secret = hooked
    cast.workspace.approval_required = True
    cast.workspace.save()
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Atelier pain samedi",
        category="conversation",
        networks=["mastodon"],
    )
    workflow.post_submit(post=post, actor=cast.erin)
    [asked] = _sent(events.POST_NEEDS_APPROVAL)
    workflow.post_approve(post=post, actor=cast.anna)
    [approved] = _sent(events.POST_APPROVED)
    assert asked.key == approved.key == f"post:{post.pk}"
    data = approved.payload["data"]
    assert approved.payload["type"] == "post.approved"
    assert data["post"]["id"] == post.pk and data["post"]["idea"] == "Atelier pain samedi"
    assert data["by"] == {"id": cast.anna.pk, "name": "Anna"}
    assert data["post"]["variants"][0]["network"] == "mastodon"
    assert data["post"]["url"].endswith(f"/w/lumiere/posts/{post.pk}/")
    _no_secrets(approved, secret)


def test_publishing_tells_each_publication_and_each_failure(cast, hooked, monkeypatch) -> None:
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    post = post_create(
        workspace=cast.workspace,
        author=cast.bob,
        idea="Le pain du jour",
        category="helpful",
        networks=["mastodon", "bluesky"],
    )

    class Refusing(DemoConnector):
        def publish(self, post: OutgoingPost) -> PublishedPost:
            if self.channel.network == "bluesky":
                raise Rejected("Text is too long")
            return super().publish(post)

    monkeypatch.setattr(Channel, "get_connector", lambda channel: Refusing(channel))
    for target in publisher.post_publish_now(post=post):
        publisher.post_target_publish(target)
    [published_event] = _sent(events.POST_PUBLISHED)
    publication = published_event.payload["data"]["publication"]
    assert publication["network"] == "mastodon" and publication["status"] == "published"
    assert publication["remote_id"].startswith("post:") and publication["published_at"]
    [failed] = _sent(events.POST_FAILED)
    assert failed.key == published_event.key == f"post:{post.pk}"
    by_network = {p["network"]: p for p in failed.payload["data"]["publications"]}
    assert by_network["bluesky"]["status"] == "failed"
    assert "Text is too long" in by_network["bluesky"]["error"]


def test_an_interaction_is_received_then_classified_then_hidden_in_one_conversation(
    cast, hooked
) -> None:
    target = published(cast.workspace, cast.bob)
    question = comment(target, "Vous livrez le dimanche matin ?")
    poll(target.channel)
    interaction = ingested(question)
    interaction_hide(interaction=interaction, actor=cast.bob, reason="test")
    rows = list(Delivery.objects.filter(event__startswith="interaction.").order_by("pk"))
    assert [r.event for r in rows] == [
        "interaction.received",
        "interaction.classified",
        "interaction.hidden",
    ]
    assert {r.key for r in rows} == {conversation_key(interaction)}
    received = rows[0].payload["data"]["interaction"]
    assert received["text"] == "Vous livrez le dimanche matin ?"
    assert received["author"]["handle"] == "@claire" and received["post_id"] == target.post_id
    # Sent once it is known: a receiver filtering the questions to answer sees this one.
    assert received["needs_answer"] is True
    assert rows[1].payload["data"]["interaction"]["classification"]["category"] == "question"
    assert rows[2].payload["data"]["hidden"]["by"] == {"id": cast.bob.pk, "name": "Bob"}


def test_a_reply_in_the_same_thread_shares_its_key_and_a_private_one_is_the_persons(
    cast, hooked
) -> None:
    target = published(cast.workspace, cast.bob)
    first = comment(target, "Vous livrez le dimanche ?")
    poll(target.channel)
    second = comment(target, "Et le samedi ?", handle="@hugo", in_reply_to=first.remote_id)
    letter = private_message(target.channel, "Bonjour, une commande pour demain ?")
    poll(target.channel)
    keys = {a.pk: conversation_key(ingested(a)) for a in (first, second, letter)}
    assert keys[first.pk] == keys[second.pk] != keys[letter.pk]
    assert keys[letter.pk].endswith(f":person:{ingested(letter).identity_id}")


def test_a_question_waiting_too_long_is_told(cast, hooked, monkeypatch) -> None:
    target = published(cast.workspace, cast.bob)
    question = comment(target, "Vous livrez le dimanche matin ?")
    poll(target.channel)
    interaction = ingested(question)
    later = timezone.now() + timedelta(hours=cast.workspace.answer_alert_hours, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    interaction_clock(interaction)
    [waiting] = _sent(events.INTERACTION_WAITING)
    assert waiting.payload["data"]["waiting"] == {"hours": 4, "assigned_to": None}
    assert waiting.key == conversation_key(interaction)


def test_a_conversion_is_told_once(cast, hooked) -> None:
    item = ConversionInput(
        external_id="CMD-1",
        occurred_at=timezone.now(),
        value=Decimal("24.50"),
        network="instagram",
        link=None,
        contact=None,
        customer=True,
    )
    assert conversion_record(workspace=cast.workspace, item=item, source="webhook")
    assert not conversion_record(workspace=cast.workspace, item=item, source="webhook")
    [told] = _sent(events.CONVERSION_RECORDED)
    sale = told.payload["data"]["conversion"]
    assert (sale["external_id"], sale["value"], sale["customer"]) == ("CMD-1", "24.50", True)
    assert told.key == f"conversion:{sale['id']}"


def test_a_reach_drop_is_told(cast, hooked) -> None:
    channel = published(cast.workspace, cast.bob).channel
    start = date(2026, 5, 1)
    for n, reach in enumerate([120] * 28 + [20, 20, 20]):
        day = start + timedelta(days=n)
        channel_day_record(channel=channel, day=day, followers=1000, following=None, reach=reach)
    [alert] = _sent(events.REACH_ALERT)
    assert alert.key == f"channel:{channel.pk}"
    assert alert.payload["data"]["alert"]["reach"] == 20
    assert alert.payload["data"]["alert"]["channel"]["network"] == "mastodon"


def test_only_active_subscriptions_of_the_workspace_that_want_it_get_it(
    cast, settings, django_assert_num_queries
) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    post = post_create(
        workspace=cast.workspace, author=cast.bob, idea="x", category="helpful", networks=["x"]
    )
    with django_assert_num_queries(1):  # nobody subscribed: one query, no payload built
        post_moved_emit(post=post, status="in_review", actor=cast.bob)
    subscribe(cast.workspace, cast.bob, URL, events=[events.POST_PUBLISHED])
    off, _secret = subscribe(cast.workspace, cast.bob, URL)
    subscription_disable(subscription=off)
    subscribe(cast.other_workspace, cast.charlie, URL)
    with django_assert_num_queries(1):
        post_moved_emit(post=post, status="in_review", actor=cast.bob)
    assert not Delivery.objects.exists()
    wanted, _secret = subscribe(cast.workspace, cast.bob, URL)
    [delivery] = webhook_event_emit(
        workspace=cast.workspace, event=events.POST_NEEDS_APPROVAL, key="post:1", data={}
    )
    assert delivery.subscription_id == wanted.pk and delivery.message_id.startswith("msg_")
    with pytest.raises(ValueError):
        webhook_event_emit(workspace=cast.workspace, event="post.deleted", key="k", data={})
