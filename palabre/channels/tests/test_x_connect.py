"""Connecting an X account with OAuth 2.0 and PKCE: the views a person uses, against the X
double's authorization page and token endpoint (tests/networks/x/)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from palabre.accounts.models import User
from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, GrantApp
from palabre.networks.x.tests.consent import x_consent

CHANNELS = "/w/lumiere/settings/channels/"


@pytest.fixture
def owner(client: Client, cast: Any, x_double: Any, settings: Any) -> Client:
    settings.SITE_URL = "https://palabre.example.org"
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


def x_login(client: Client, user: Any, *, allow: bool = True) -> Any:
    """Connect X, answer X's page as `user`, and come back: the callback's answer."""
    started = client.post(f"{CHANNELS}x/")
    assert started.status_code == 302
    back = x_consent(started["Location"], user=user, allow=allow)
    assert back.startswith(settings.SITE_URL + "/channels/x/callback/?")
    return client.get(back.removeprefix(settings.SITE_URL))


def said(client: Client) -> str:
    return html.unescape(client.get(CHANNELS).content.decode())


def test_the_button_shows_when_the_app_is_configured(owner: Client, settings: Any) -> None:
    assert f'action="{CHANNELS}x/"' in said(owner)
    settings.PALABRE_X_CLIENT_ID = ""
    page = said(owner)
    assert f'action="{CHANNELS}x/"' not in page
    # The owner reads a plain sentence; the settings to set are folded for whoever
    # installed Palabre.
    said_plainly, folded = page.split('<details class="small setup-steps">')
    assert "whoever installed Palabre must first register it" in said_plainly
    assert "PALABRE_X" not in said_plainly
    assert "set PALABRE_X_CLIENT_ID and PALABRE_X_CLIENT_SECRET" in folded


def test_the_authorization_page_is_x_s_with_pkce(owner: Client, x_double: Any) -> None:
    location = owner.post(f"{CHANNELS}x/")["Location"]
    assert location.startswith(f"{x_double.url}/i/oauth2/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["redirect_uri"] == "https://palabre.example.org/channels/x/callback/"
    assert query["code_challenge_method"] == "S256"
    verifier = owner.session["palabre_x_oauth"]["verifier"]
    assert verifier not in location  # the verifier stays on the server


def test_connect_an_x_account(owner: Client, cast: Any, x_double: Any) -> None:
    brand = x_double.user("lumiere", "Boulangerie Lumière")
    answer = x_login(owner, brand)
    assert answer["Location"] == CHANNELS
    channel = Channel.objects.get()
    assert (channel.workspace, channel.network, channel.connector) == (cast.workspace, "x", "x")
    assert (channel.account_id, channel.handle, channel.name) == (
        brand.id,
        f"@{brand.username}",
        "Boulangerie Lumière",
    )
    credentials = channel.credentials
    assert x_double.access(credentials["access_token"]).user_id == brand.id
    assert credentials["refresh_token"] and credentials["expires_at"]
    grant = ChannelGrant.objects.get(channel=channel)
    assert (grant.app, grant.granted_by) == (GrantApp.X, brand.id)
    assert f"@{brand.username} is connected." in said(owner)
    assert "palabre_x_oauth" not in owner.session


def test_a_callback_with_another_state_connects_nothing(owner: Client, x_double: Any) -> None:
    started = owner.post(f"{CHANNELS}x/")
    back = x_consent(started["Location"], user=x_double.user("lumiere"))
    forged = back.replace("state=", "state=forged")
    answer = owner.get(forged.removeprefix(settings.SITE_URL))
    assert answer["Location"] == "/"
    assert not Channel.objects.exists()


def test_cancelling_in_x_connects_nothing(owner: Client, x_double: Any) -> None:
    x_login(owner, x_double.user("lumiere"), allow=False)
    assert not Channel.objects.exists()
    assert "Cancelled in the X window; nothing was connected." in said(owner)


def test_a_code_x_refuses_says_to_start_again(owner: Client, x_double: Any) -> None:
    x_double.fail("/2/oauth2/token", status=400, detail="invalid_request")
    x_login(owner, x_double.user("lumiere"))
    assert not Channel.objects.exists()
    assert "X did not accept this authorization; start again." in said(owner)


def test_x_unreachable_says_to_try_again(owner: Client, x_double: Any) -> None:
    x_double.fail("/2/oauth2/token", status=503)
    x_login(owner, x_double.user("lumiere"))
    assert not Channel.objects.exists()
    assert "X could not be reached; try again in a moment." in said(owner)


def test_an_account_of_another_workspace_is_not_taken(
    owner: Client, cast: Any, x_double: Any
) -> None:
    brand = x_double.user("lumiere")
    Channel.objects.create(
        workspace=cast.other_workspace, network="x", connector="x", name="X", account_id=brand.id
    )
    x_login(owner, brand)
    assert Channel.objects.filter(workspace=cast.workspace).count() == 0
    page = said(owner)
    assert "is already a channel of another workspace on this Palabre" in page
    assert "Ailleurs" not in page  # the other workspace is not named to outsiders


def test_reconnecting_makes_the_channel_work_again(owner: Client, cast: Any, x_double: Any) -> None:
    brand = x_double.user("lumiere")
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="x",
        connector="x",
        name="X",
        account_id=brand.id,
        status=ChannelStatus.NEEDS_RECONNECT,
    )
    assert said(owner).count(f'action="{CHANNELS}x/"') == 2  # Connect X, and its Reconnect
    x_login(owner, brand)
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    assert Channel.objects.count() == 1
    assert x_double.access(channel.credentials["access_token"]).user_id == brand.id


def test_an_outsider_cannot_start(client: Client, cast: Any, x_double: Any) -> None:
    client.force_login(cast.charlie)
    assert client.post(f"{CHANNELS}x/").status_code == 404
