from __future__ import annotations

import html

import pytest
from django.test import Client
from django.utils import translation

from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import (
    channel_create_demo,
    channel_mark_needs_reconnect,
    channel_reactivate,
)
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
            {"service": "https://127.0.0.1:9", "handle": "a.bsky.social", "app_password": "x"},
            "n’a pas pu être joint",
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
    channel_mark_needs_reconnect(channel=channel, reason="token revoked")
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert PostTarget.objects.get(pk=target.pk).status == TargetStatus.HELD
    page = owner.get("/w/lumiere/").content.decode()
    # Named with its network: a Page and a Threads account often share the brand's name.
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


@pytest.mark.network
def test_connect_mastodon_by_oauth(owner: Client, cast, mastodon_server, settings) -> None:
    """The connect form, the server's own consent page, the callback: on Takahē and on
    mastodon-mock (tests/networks/mastodon/)."""
    from urllib.parse import urlsplit

    settings.SITE_URL = "http://127.0.0.1:8000"
    start = owner.post(
        "/w/lumiere/settings/channels/mastodon/", {"instance": mastodon_server.base_url}
    )
    assert start.status_code == 302
    assert start.url.startswith(f"{mastodon_server.base_url}/oauth/authorize?")
    back = mastodon_server.consent(start.url, mastodon_server.accounts["brand"])
    done = owner.get(f"/channels/mastodon/callback/?{urlsplit(back).query}", follow=True)
    channel = Channel.objects.get(connector="mastodon")
    host = urlsplit(mastodon_server.base_url).netloc  # with the port
    assert channel.handle == f"@brand@{host}"
    assert (channel.max_chars, channel.server["software"]) == (
        500,
        mastodon_server.described_as["software"],
    )
    assert channel.credentials["access_token"] != mastodon_server.accounts["brand"].token
    page = html.unescape(done.content.decode())
    assert f"@brand@{host} est connecté." in page
    assert "ne permet pas de masquer les réponses" in page  # the missing capability is said
    assert channel.credentials_encrypted not in page


def test_a_forged_or_stale_oauth_callback_connects_nothing(owner: Client, cast) -> None:
    response = owner.get(
        "/channels/mastodon/callback/", {"code": "x", "state": "forged"}, follow=True
    )
    assert "n’est plus valable" in html.unescape(response.content.decode())
    session = owner.session
    session["palabre_mastodon_oauth"] = {"state": "s1", "slug": "lumiere", "app": 1}
    session.save()
    declined = owner.get(
        "/channels/mastodon/callback/", {"error": "access_denied", "state": "s1"}, follow=True
    )
    assert "n’a pas autorisé" in html.unescape(declined.content.decode())
    assert not Channel.objects.filter(connector="mastodon").exists()


def test_an_unreachable_or_bogus_instance_gets_a_clear_message(owner: Client) -> None:
    response = owner.post("/w/lumiere/settings/channels/mastodon/", {"instance": "pas une adresse"})
    assert response.status_code == 200
    assert "n’est pas une instance Mastodon" in html.unescape(response.content.decode())


def test_a_channel_whose_posts_went_out_cannot_be_removed(owner: Client, cast) -> None:
    """What went out is never lost: removing the channel would delete its published targets
    (remote ids, statistics); the page offers Disconnect instead and says why."""
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="Lumière X")
    post = post_create(
        workspace=cast.workspace, author=cast.alice, idea="Pain", category="helpful", networks=["x"]
    )
    [target] = publisher.post_publish_now(post=post)
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert PostTarget.objects.get(pk=target.pk).status == TargetStatus.PUBLISHED
    url = f"/w/lumiere/settings/channels/{channel.pk}/remove/"
    page = html.unescape(owner.post(url, follow=True).content.decode())
    assert Channel.objects.filter(pk=channel.pk).exists()
    assert PostTarget.objects.filter(pk=target.pk).exists()
    assert "Déconnecter" in page and "ne peut pas être supprimé" in page
    assert url not in page
    assert f"/w/lumiere/settings/channels/{channel.pk}/disconnect/" in page


def test_a_channel_with_a_remote_id_is_kept_and_one_that_sent_nothing_is_removed(
    owner: Client, cast
) -> None:
    kept = channel_create_demo(workspace=cast.workspace, network="x", name="Kept")
    gone = channel_create_demo(workspace=cast.workspace, network="x", name="Gone")
    post = post_create(
        workspace=cast.workspace, author=cast.alice, idea="Pain", category="helpful", networks=["x"]
    )
    publisher.post_publish_now(post=post)  # one target on each, neither out yet
    PostTarget.objects.filter(channel=kept).update(status=TargetStatus.FAILED, remote_id="at://x/1")
    owner.post(f"/w/lumiere/settings/channels/{kept.pk}/remove/")
    owner.post(f"/w/lumiere/settings/channels/{gone.pk}/remove/")
    assert Channel.objects.filter(pk=kept.pk).exists()
    assert not Channel.objects.filter(pk=gone.pk).exists()


def test_the_channel_list_says_what_the_server_said_of_itself(cast) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name="M"
    )
    assert channel.server_summary == ""  # never read: nothing to say
    channel.server = {
        "software": "takahe",
        "version": "0.11.0",
        "limits": {"characters": 500, "media_attachments": 4, "poll_options": "x"},
    }
    with translation.override("en"):
        assert channel.server_summary == "takahe 0.11.0 · 500 characters · 4 media"
    channel.server = {"software": "", "limits": {"characters": 500}}
    assert channel.server_summary == ""  # limits alone name no server


@pytest.mark.parametrize(
    ("network", "name", "shown"),
    [
        ("mastodon", "Lumière sur Mastodon", "Lumière sur Mastodon"),
        ("linkedin", "Boulangerie Lumière (LinkedIn)", "Boulangerie Lumière (LinkedIn)"),
        ("linkedin", "Boulangerie Lumière", "Boulangerie Lumière (LinkedIn)"),
        ("x", "Lumière", "Lumière (X)"),
        ("x", "Boxe Lumière", "Boxe Lumière (X)"),  # an X inside a word is not the network
        ("x", "Lumière X", "Lumière X"),
        ("x", "X-Men fans", "X-Men fans (X)"),
        ("facebook", "Facebook Page Lumière", "Facebook Page Lumière"),
    ],
)
def test_a_channel_names_its_network_once(cast, network: str, name: str, shown: str) -> None:
    """Issue 19: no "Boulangerie Lumière (LinkedIn) (LinkedIn)" in the inbox."""
    channel = channel_create_demo(workspace=cast.workspace, network=network, name=name)
    with translation.override("en"):
        assert str(channel) == shown
