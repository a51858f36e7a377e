from __future__ import annotations

import html

import pytest
from django.test import Client

from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import channel_create_demo, channel_reactivate
from palabre.publishing import publisher
from palabre.publishing.models import PostTarget, TargetStatus
from palabre.publishing.services import post_create


@pytest.fixture
def owner(client: Client, cast) -> Client:
    client.force_login(cast.alice)
    return client


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"service": "https://bsky.social", "handle": "not a handle!", "app_password": "x"},
            "pas un identifiant Bluesky",
        ),
        (
            {"service": "pas une adresse", "handle": "a.bsky.social", "app_password": "x"},
            "URL valide",
        ),
        (
            {"service": "https://bsky.social", "handle": "", "app_password": ""},
            "Ce champ est obligatoire",
        ),
        (
            {"service": "http://127.0.0.1:9", "handle": "a.bsky.social", "app_password": "x"},
            "n'a pas pu être joint",
        ),
    ],
)
def test_bad_connection_details_get_a_clear_message(owner: Client, data, message) -> None:
    response = owner.post("/w/lumiere/settings/channels/bluesky/", data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Channel.objects.exists()
    assert "x" not in [
        v
        for k, v in data.items()
        if k == "app_password" and f'value="{v}"' in response.content.decode()
    ]


def test_a_channel_needing_reconnection_shows_a_banner_and_holds_posts(owner: Client, cast) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="Lumière X")
    post = post_create(
        workspace=cast.workspace, author=cast.alice, idea="Pain", category="helpful", networks=["x"]
    )
    [target] = publisher.post_publish_now(post=post)
    publisher.channel_mark_needs_reconnect(channel=channel, reason="token revoked")
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert PostTarget.objects.get(pk=target.pk).status == TargetStatus.HELD
    page = owner.get("/w/lumiere/").content.decode()
    assert "banner-reconnect" in page and "Lumière X" in page
    channel_reactivate(channel=channel)
    target.refresh_from_db()
    assert (target.status, target.channel.status) == (TargetStatus.SCHEDULED, ChannelStatus.ACTIVE)
    assert "banner-reconnect" not in owner.get("/w/lumiere/").content.decode()


def test_disconnect_forgets_credentials_and_keeps_history(owner: Client, cast) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    Channel.objects.filter(pk=channel.pk).update(connector="bluesky")
    channel.save_credentials({"app_password": "secret-secret"})
    owner.post(f"/w/lumiere/settings/channels/{channel.pk}/disconnect/")
    channel.refresh_from_db()
    assert (channel.status, channel.credentials_encrypted) == (ChannelStatus.DISABLED, "")


@pytest.mark.network
def test_connect_a_bluesky_account_from_the_channel_screen(
    owner: Client, cast, bluesky_network
) -> None:
    account = bluesky_network.accounts[0]
    data = {
        "service": bluesky_network.pds,
        "handle": account["handle"],
        "app_password": account["appPassword"],
    }
    response = owner.post("/w/lumiere/settings/channels/bluesky/", data)
    assert response.status_code == 302
    channel = Channel.objects.get(connector="bluesky")
    assert channel.handle == "@" + account["handle"]
    assert channel.credentials["did"] == account["did"]
    page = owner.get("/w/lumiere/settings/channels/").content.decode()
    assert account["appPassword"] not in page and channel.credentials_encrypted not in page
    wrong = owner.post(
        "/w/lumiere/settings/channels/bluesky/", data | {"app_password": "nope-nope-nope"}
    )
    assert "a refusé cet identifiant" in html.unescape(wrong.content.decode())
