"""Connecting an X account with OAuth 2.0 and PKCE: the views a person uses, against a
stand-in for X's token endpoint (palabre/networks/x/tests/tokenserver.py)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from palabre.accounts.models import User
from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, GrantApp
from palabre.networks.x.tests.conftest import token_server  # noqa: F401 (a fixture)
from palabre.networks.x.tests.tokenserver import TokenServer

CHANNELS = "/w/lumiere/settings/channels/"
CALLBACK = "/channels/x/callback/"


@pytest.fixture
def owner(client: Client, cast: Any, token_server: TokenServer, settings: Any) -> Client:  # noqa: F811
    settings.SITE_URL = "https://palabre.example.org"
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


def x_consent(client: Client, server: TokenServer) -> dict[str, str]:
    """What X's authorization page does when the person allows: a code for the challenge."""
    started = client.post(f"{CHANNELS}x/")
    assert started.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(started["Location"]).query).items()}
    server.state.codes["c0de"] = (query["code_challenge"], query["redirect_uri"])
    return query


def said(client: Client) -> str:
    return html.unescape(client.get(CHANNELS).content.decode())


def test_the_button_shows_when_the_app_is_configured(owner: Client, settings: Any) -> None:
    assert f'action="{CHANNELS}x/"' in said(owner)
    settings.PALABRE_X_CLIENT_ID = ""
    page = said(owner)
    assert f'action="{CHANNELS}x/"' not in page
    assert "set PALABRE_X_CLIENT_ID and PALABRE_X_CLIENT_SECRET" in page


def test_connect_an_x_account(owner: Client, cast: Any, token_server: TokenServer) -> None:  # noqa: F811
    query = x_consent(owner, token_server)
    assert query["redirect_uri"] == "https://palabre.example.org/channels/x/callback/"
    answer = owner.get(CALLBACK, {"state": query["state"], "code": "c0de"})
    assert answer["Location"] == CHANNELS
    channel = Channel.objects.get()
    assert (channel.workspace, channel.network, channel.connector) == (cast.workspace, "x", "x")
    assert (channel.account_id, channel.handle, channel.name) == (
        "2244994945",
        "@lumiere",
        "Lumière",
    )
    assert channel.credentials["access_token"] in token_server.state.access_tokens
    assert channel.credentials["refresh_token"] in token_server.state.refresh_tokens
    grant = ChannelGrant.objects.get(channel=channel)
    assert (grant.app, grant.granted_by) == (GrantApp.X, "2244994945")
    assert "@lumiere is connected." in said(owner)
    # The verifier was kept server-side in the session, never sent in the authorize URL.
    assert token_server.state.requests[0]["code_verifier"] not in query.values()


def test_a_callback_with_another_state_connects_nothing(
    owner: Client,
    token_server: TokenServer,  # noqa: F811
) -> None:
    x_consent(owner, token_server)
    answer = owner.get(CALLBACK, {"state": "forged", "code": "c0de"})
    assert answer["Location"] == "/"
    assert not Channel.objects.exists()
    assert token_server.state.requests == []  # the code was never exchanged


def test_cancelling_in_x_connects_nothing(owner: Client, token_server: TokenServer) -> None:  # noqa: F811
    query = x_consent(owner, token_server)
    owner.get(CALLBACK, {"state": query["state"], "error": "access_denied"})
    assert not Channel.objects.exists()
    assert "Cancelled in the X window; nothing was connected." in said(owner)


def test_a_refused_code_says_to_start_again(owner: Client, token_server: TokenServer) -> None:  # noqa: F811
    query = x_consent(owner, token_server)
    token_server.state.codes.clear()
    owner.get(CALLBACK, {"state": query["state"], "code": "c0de"})
    assert not Channel.objects.exists()
    assert "X did not accept this authorization; start again." in said(owner)


def test_an_account_of_another_workspace_is_not_taken(
    owner: Client,
    cast: Any,
    token_server: TokenServer,  # noqa: F811
) -> None:
    Channel.objects.create(
        workspace=cast.other_workspace,
        network="x",
        connector="x",
        name="X",
        account_id="2244994945",
    )
    query = x_consent(owner, token_server)
    owner.get(CALLBACK, {"state": query["state"], "code": "c0de"})
    assert Channel.objects.filter(workspace=cast.workspace).count() == 0
    page = said(owner)
    assert "is already a channel of another workspace on this Palabre" in page
    assert "Ailleurs" not in page  # the other workspace is not named to outsiders


def test_reconnecting_makes_the_channel_work_again(
    owner: Client,
    cast: Any,
    token_server: TokenServer,  # noqa: F811
) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="x",
        connector="x",
        name="X",
        account_id="2244994945",
        status=ChannelStatus.NEEDS_RECONNECT,
    )
    assert said(owner).count(f'action="{CHANNELS}x/"') == 2  # Connect X, and its Reconnect
    query = x_consent(owner, token_server)
    owner.get(CALLBACK, {"state": query["state"], "code": "c0de"})
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    assert Channel.objects.count() == 1


def test_an_outsider_cannot_start(client: Client, cast: Any, token_server: TokenServer) -> None:  # noqa: F811
    client.force_login(cast.charlie)
    assert client.post(f"{CHANNELS}x/").status_code == 404
    assert settings.PALABRE_X_CLIENT_ID  # configured: the 404 is the permission's
