"""What Settings → Channels says of a Facebook, Instagram or Threads channel: whether images
can be published there, the webhook address, and whether webhooks arrive."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import User
from palabre.channels.models import Channel, ChannelGrant, GrantApp

CANNOT = "fetch images from this instance's address, which the internet cannot reach"


@pytest.fixture
def owner(client: Client, cast: Any) -> Client:
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


def channel(cast: Any, connector: str, account_id: str) -> Channel:
    made = Channel.objects.create(
        workspace=cast.workspace,
        network=connector,
        connector=connector,
        name=f"Lumière {connector}",
        account_id=account_id,
    )
    app = GrantApp.THREADS if connector == "threads" else GrantApp.META
    ChannelGrant.objects.create(channel=made, app=app, granted_by="1")
    return made


def page(owner: Client) -> str:
    return html.unescape(owner.get("/w/lumiere/settings/channels/").content.decode())


def row(text: str, made: Channel) -> str:
    start = text.index(f'id="channel-{made.pk}"')
    return text[start : text.index("</tr>", start)]


def test_an_instance_the_internet_cannot_reach_says_images_cannot_be_published(
    owner: Client, cast: Any, settings: Any
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"
    fb, ig, th = (
        channel(cast, c, str(i)) for i, c in enumerate(["facebook", "instagram", "threads"])
    )
    text = page(owner)
    assert CANNOT in row(text, ig) and CANNOT in row(text, th)
    assert "127.0.0.1 is a private or local address" in row(text, ig)
    assert CANNOT not in row(text, fb)  # Facebook takes uploads
    for made in (fb, ig, th):
        assert "webhooks cannot arrive" in row(text, made)


def test_a_public_https_instance_says_nothing_of_the_kind(
    owner: Client, cast: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://palabre.example.org"
    settings.INBOX_POLL_SECONDS = {**settings.INBOX_POLL_SECONDS, "instagram": 60.0}
    ig = channel(cast, "instagram", "1784")
    th = channel(cast, "threads", "7890")
    text = page(owner)
    assert CANNOT not in text
    assert "https://palabre.example.org/hooks/meta/" in row(text, ig)
    assert "https://palabre.example.org/hooks/threads/" in row(text, th)
    assert "No webhook received yet: polling every minute" in row(text, ig)


def test_http_is_not_enough(owner: Client, cast: Any, settings: Any) -> None:
    settings.SITE_URL = "http://palabre.example.org"
    ig = channel(cast, "instagram", "1784")
    assert "it is not served over https" in row(page(owner), ig)


def test_the_last_delivery_and_a_refused_subscription_are_shown(
    owner: Client, cast: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://palabre.example.org"
    settings.INBOX_POLL_SECONDS = {**settings.INBOX_POLL_SECONDS, "facebook": 300.0}
    fb = channel(cast, "facebook", "101")
    other = channel(cast, "facebook", "102")
    ChannelGrant.objects.filter(channel=fb).update(webhook_received_at=timezone.now())
    ChannelGrant.objects.filter(channel=other).update(webhook_subscribed=False)
    text = page(owner)
    assert "Webhooks: last received" in row(text, fb)
    assert "polling every 5 minutes" in row(text, other)
    assert "pages_manage_metadata" in row(text, other)
    assert "pages_manage_metadata" not in row(text, fb)


def test_other_networks_say_nothing_of_webhooks(owner: Client, cast: Any) -> None:
    made = Channel.objects.create(
        workspace=cast.workspace, network="bluesky", connector="bluesky", name="B"
    )
    assert "/hooks/" not in row(page(owner), made)


def test_the_channel_list_lets_its_forms_lead_to_the_login_pages(
    owner: Client, settings: Any
) -> None:
    # Its buttons post to Palabre, which redirects to Facebook's or Threads' login, along
    # their own redirects: form-action governs all of them. Tests' login pages are http.
    settings.PALABRE_META_LOGIN_URL = "http://127.0.0.1:4321/www"
    settings.PALABRE_THREADS_LOGIN_URL = "https://threads.net"
    policy = owner.get("/w/lumiere/settings/channels/")["Content-Security-Policy"]
    assert "form-action 'self' https: http://127.0.0.1:4321;" in policy + ";"
    elsewhere = owner.get("/w/lumiere/")["Content-Security-Policy"]
    assert "form-action 'self';" in elsewhere + ";"


def test_the_daily_quota_is_shown_where_the_network_has_one(owner: Client, cast: Any) -> None:
    """As last read from the network, plus what Palabre published since: no request."""
    ig = channel(cast, "instagram", "1784")
    fb = channel(cast, "facebook", "101")
    read = {"total": 100, "used": 7, "window_seconds": 86400, "checked_at": timezone.now()}
    Channel.objects.filter(pk=ig.pk).update(
        server={"publishing_limit": {**read, "checked_at": read["checked_at"].isoformat()}}
    )
    text = page(owner)
    assert 'data-quota="7/100"' in row(text, ig)
    assert "Daily quota: 7 of 100 posts in 24 hours" in row(text, ig)
    assert "data-quota" not in row(text, fb)  # Facebook has none
