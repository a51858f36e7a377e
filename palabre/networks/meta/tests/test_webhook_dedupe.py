"""A comment that arrives by webhook and is then polled (or polled, then delivered) is one
interaction: Meta's payloads built by the Graph API double, signed with its app secret,
posted to the endpoint, read by the Facebook connector's own webhook reader; polling by the
inbox's own step against the same double."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, GrantApp
from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll
from palabre.inbox.models import ChannelSync, Interaction
from tests.networks.meta.webhooks import signature


@pytest.fixture
def brand(meta_double: Any, cast: Any) -> Any:
    admin = meta_double.person("Brigitte Boulanger")
    page = meta_double.page(admin, "Boulangerie Lumière")
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="facebook",
        connector="facebook",
        name=page.name,
        account_id=page.id,
    )
    channel.save_credentials({"page_id": page.id, "page_token": meta_double.page_token(page)})
    ChannelGrant.objects.create(channel=channel, app=GrantApp.META, granted_by=admin.id)
    post = meta_double.new_post(page, by=page.id, message="Le pain du jour : seigle et noix")
    return type("Brand", (), {"page": page, "channel": channel, "post": post})


def deliver(client: Client, double: Any, payload: dict[str, Any]) -> Any:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return client.generic(
        "POST",
        "/hooks/meta/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body, double.app.secret),
    )


def poll(channel: Channel) -> None:
    channel_sync_poll(channel_sync_ensure(channel))


def test_a_comment_delivered_then_polled_is_one_interaction(
    client: Client, meta_double: Any, brand: Any
) -> None:
    comment = meta_double.fan("Fanny Fan").comment(brand.post.id, "Vous ouvrez dimanche ?")
    assert deliver(client, meta_double, meta_double.webhook_for(comment)).status_code == 200
    stored = Interaction.objects.get()
    assert (stored.channel, stored.kind, stored.text) == (
        brand.channel,
        "comment",
        "Vous ouvrez dimanche ?",
    )
    assert stored.root == brand.post.id
    cursor_before = ChannelSync.objects.get(channel=brand.channel).cursor
    assert cursor_before == ""  # a delivery leaves the poll's cursor alone
    poll(brand.channel)
    assert Interaction.objects.count() == 1
    assert Interaction.objects.get().remote_id == comment.id
    assert ChannelGrant.objects.get().webhook_received_at is not None


def test_a_comment_polled_then_delivered_is_one_interaction(
    client: Client, meta_double: Any, brand: Any
) -> None:
    fan = meta_double.fan("Paul Passant")
    first = fan.comment(brand.post.id, "Des croissants demain ?")
    poll(brand.channel)
    assert list(Interaction.objects.values_list("remote_id", flat=True)) == [first.id]
    cursor = ChannelSync.objects.get(channel=brand.channel).cursor
    assert deliver(client, meta_double, meta_double.webhook_for(first)).status_code == 200
    assert Interaction.objects.count() == 1
    assert ChannelSync.objects.get(channel=brand.channel).cursor == cursor
    # A reply to it, delivered: threaded under it.
    reply = fan.reply(first.id, "Et des pains au chocolat ?")
    deliver(client, meta_double, meta_double.webhook_for(reply))
    answer = Interaction.objects.get(remote_id=reply.id)
    assert answer.parent is not None and answer.parent.remote_id == first.id
    poll(brand.channel)
    assert Interaction.objects.count() == 2


def test_a_visitor_post_arrives_once_either_way(
    client: Client, meta_double: Any, brand: Any
) -> None:
    post = meta_double.fan("Vera Visiteuse").visitor_post(brand.page, "Merci pour le gâteau !")
    deliver(client, meta_double, meta_double.webhook_for(post))
    poll(brand.channel)
    deliver(client, meta_double, meta_double.webhook_for(post))
    assert list(Interaction.objects.values_list("remote_id", "kind")) == [(post.id, "mention")]


def test_a_delivery_for_an_account_that_is_no_channel_here_does_nothing(
    client: Client, meta_double: Any, brand: Any
) -> None:
    elsewhere = meta_double.page(meta_double.person("Other"), "Not connected")
    post = meta_double.new_post(elsewhere, by=elsewhere.id, message="x")
    comment = meta_double.fan("Fanny Fan").comment(post.id, "Bonjour")
    assert deliver(client, meta_double, meta_double.webhook_for(comment)).status_code == 200
    assert not Interaction.objects.exists()


def test_a_disconnected_channel_takes_no_delivery(
    client: Client, meta_double: Any, brand: Any
) -> None:
    Channel.objects.filter(pk=brand.channel.pk).update(status=ChannelStatus.DISABLED)
    comment = meta_double.fan("Fanny Fan").comment(brand.post.id, "Allô ?")
    assert deliver(client, meta_double, meta_double.webhook_for(comment)).status_code == 200
    assert not Interaction.objects.exists()


def test_a_forged_delivery_stores_nothing(client: Client, meta_double: Any, brand: Any) -> None:
    comment = meta_double.fan("Fanny Fan").comment(brand.post.id, "Faux")
    body = json.dumps(meta_double.webhook_for(comment)).encode()
    answer = client.generic(
        "POST",
        "/hooks/meta/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body + b" ", meta_double.app.secret),
    )
    assert answer.status_code == 403
    assert not Interaction.objects.exists()


def test_the_double_s_handshake_is_answered(client: Client, meta_double: Any) -> None:
    from tests.networks.meta.double import WEBHOOK_TOKEN

    answer = client.get(
        "/hooks/meta/",
        {"hub.mode": "subscribe", "hub.verify_token": WEBHOOK_TOKEN, "hub.challenge": "4242"},
    )
    assert answer.content == b"4242"


# --- Instagram and Threads, through their own readers -------------------------------------


def _channel(
    workspace: Any, connector: str, account_id: str, credentials: dict[str, str]
) -> Channel:
    channel = Channel.objects.create(
        workspace=workspace,
        network=connector,
        connector=connector,
        name=f"{connector} {account_id}",
        account_id=account_id,
    )
    channel.save_credentials(credentials)
    return channel


def test_an_instagram_comment_arrives_once_either_way(
    client: Client, meta_double: Any, cast: Any
) -> None:
    from tests.networks.meta.double import _shortcode
    from tests.networks.meta.state import IGMedia

    page = meta_double.page(meta_double.person("Brigitte Boulanger"), "Boulangerie Lumière")
    ig = meta_double.instagram(page, "lumiere.boulangerie")
    token = meta_double.page_token(page)
    channel = _channel(
        cast.workspace,
        "instagram",
        ig.id,
        {"ig_user_id": ig.id, "page_id": page.id, "page_token": token},
    )
    media = meta_double.world.add(
        IGMedia(
            id=meta_double.world.new_id(),
            user_id=ig.id,
            page_id=page.id,
            caption="Seigle et noix",
            media_url="https://scontent.example/ig/1.jpg",
            created=meta_double.world.now(),
            shortcode=_shortcode(),
        )
    )
    fan = meta_double.fan("Fanny Fan")
    first = fan.ig_comment(media.id, "Trop beau !")
    assert deliver(client, meta_double, meta_double.webhook_for(first)).status_code == 200
    assert Interaction.objects.count() == 1
    second = fan.ig_comment(media.id, "Vous livrez ?")
    poll(channel)  # reads both: the first is already there, the second is new
    deliver(client, meta_double, meta_double.webhook_for(second))
    assert sorted(Interaction.objects.values_list("remote_id", "kind", "channel")) == sorted(
        [(first.id, "comment", channel.pk), (second.id, "comment", channel.pk)]
    )


def test_a_threads_reply_arrives_once_either_way(
    client: Client, meta_double: Any, cast: Any
) -> None:
    from tests.networks.meta.double import _shortcode
    from tests.networks.meta.state import ThreadsMedia

    brand = meta_double.threads_user("lumiere.threads")
    channel = _channel(
        cast.workspace,
        "threads",
        brand.id,
        {"threads_user_id": brand.id, "access_token": meta_double.threads_token(brand)},
    )
    post = meta_double.world.add(
        ThreadsMedia(
            id=meta_double.world.new_id(),
            user_id=brand.id,
            text="Le pain du jour",
            created=meta_double.world.now(),
            shortcode=_shortcode(),
        )
    )
    reply = meta_double.fan("Fanny Fan").threads_reply(post.id, "Miam")
    payload = meta_double.webhook_for(reply)
    body = json.dumps(payload, separators=(",", ":")).encode()
    # Signed with the Meta app's secret, the Threads endpoint refuses it.
    forged = client.generic(
        "POST",
        "/hooks/threads/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body, meta_double.app.secret),
    )
    assert forged.status_code == 403
    poll(channel)
    assert list(Interaction.objects.values_list("remote_id", flat=True)) == [reply.id]
    answer = client.generic(
        "POST",
        "/hooks/threads/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body, meta_double.threads_app.secret),
    )
    assert answer.status_code == 200
    assert list(Interaction.objects.values_list("remote_id", "channel")) == [(reply.id, channel.pk)]


def test_a_mention_that_cannot_be_read_back_yet_is_refused_and_taken_when_sent_again(
    client: Client, meta_double: Any, cast: Any
) -> None:
    page = meta_double.page(meta_double.person("Brigitte Boulanger"), "Boulangerie Lumière")
    # A username of its own: the double finds who a comment mentions by username, on a
    # server other tests share.
    ig = meta_double.instagram(page, "lumiere.mentionnee")
    channel = _channel(
        cast.workspace,
        "instagram",
        ig.id,
        {"ig_user_id": ig.id, "page_id": page.id, "page_token": meta_double.page_token(page)},
    )
    mention = meta_double.fan("Fanny Fan").ig_mention(ig, "Le meilleur pain chez")
    payload = meta_double.webhook_for(mention)
    assert payload["entry"][0]["id"] == ig.id
    assert payload["entry"][0]["changes"][0]["field"] == "mentions"
    meta_double.fail(f"/{meta_double.version}/{ig.id}", code=2, times=1)
    assert deliver(client, meta_double, payload).status_code == 503
    assert not Interaction.objects.exists()
    assert deliver(client, meta_double, payload).status_code == 200  # Meta's next try
    assert list(Interaction.objects.values_list("kind", "channel")) == [("mention", channel.pk)]
