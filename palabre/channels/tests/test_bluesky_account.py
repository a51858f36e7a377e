"""A Bluesky channel is one account, its DID: "reconnect" took any handle and app password,
and the channel (its name, its approved posts) went on as someone else's account (an
attacker's review). The network is replaced by what `connect` answers: these tests are
about which channel the answer lands on."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from palabre.channels import services
from palabre.channels.models import Channel, ChannelStatus
from palabre.networks.bluesky import connector

PAGE = "/w/{slug}/settings/channels/bluesky/"


@pytest.fixture
def accounts(monkeypatch) -> Iterator[Callable[[str, str], None]]:
    """`answer(did, handle)`: the account the next app password opens."""
    current: dict[str, str] = {}

    def connect(*, service: str, handle: str, app_password: str) -> dict[str, Any]:
        return {"service": service, "session": "s", "app_password": app_password, **current}

    monkeypatch.setattr(connector, "connect", connect)

    def answer(did: str, handle: str) -> None:
        current.update(did=did, handle=handle)

    yield answer


def _connect(browser: Client, handle: str, *, channel: Channel | None = None, slug="lumiere"):  # type: ignore[no-untyped-def]
    address = PAGE.format(slug=slug) + (f"?channel={channel.pk}" if channel else "")
    data = {"service": "https://bsky.social", "handle": handle, "app_password": "abcd-efgh"}
    return browser.post(address, data)


@pytest.fixture
def owner(client: Client, cast) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(cast.alice)
    return client


def test_a_channel_reconnects_to_its_own_account_only(owner: Client, accounts) -> None:
    accounts("did:plc:brand", "brand.bsky.social")
    _connect(owner, "brand.bsky.social")
    channel = Channel.objects.get(connector="bluesky")
    assert channel.account_id == "did:plc:brand"
    accounts("did:plc:someone", "someone.bsky.social")
    response = _connect(owner, "someone.bsky.social", channel=channel)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "n’est pas le compte de ce canal" in page
    channel.refresh_from_db()
    assert (channel.handle, channel.credentials["did"]) == ("@brand.bsky.social", "did:plc:brand")
    # The same account under a new handle is the same channel.
    accounts("did:plc:brand", "lumiere.example")
    assert _connect(owner, "lumiere.example", channel=channel).status_code == 302
    channel.refresh_from_db()
    assert channel.handle == "@lumiere.example" and channel.account_id == "did:plc:brand"


def test_connecting_an_account_again_reconnects_its_channel(owner: Client, accounts) -> None:
    accounts("did:plc:brand", "brand.bsky.social")
    _connect(owner, "brand.bsky.social")
    channel = Channel.objects.get(connector="bluesky")
    services.channel_mark_needs_reconnect(channel=channel, reason="expired")
    assert _connect(owner, "brand.bsky.social").status_code == 302
    assert Channel.objects.get(connector="bluesky").status == ChannelStatus.ACTIVE


def test_an_account_is_one_workspaces_channel(owner: Client, cast, accounts) -> None:
    accounts("did:plc:brand", "brand.bsky.social")
    _connect(owner, "brand.bsky.social")
    other = Client()
    other.force_login(cast.charlie)
    response = _connect(other, "brand.bsky.social", slug="ailleurs")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "est déjà un canal d’un autre espace de travail" in page
    assert "Lumière" not in page  # an outsider is not told which workspace
    assert Channel.objects.filter(connector="bluesky").count() == 1


def test_a_channel_connected_before_the_did_was_kept_is_checked_by_its_credentials(
    owner: Client, cast, accounts
) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="bluesky", connector="bluesky", name="B", handle="@b"
    )
    channel.save_credentials({"did": "did:plc:brand", "handle": "b", "service": "s"})
    accounts("did:plc:someone", "someone.bsky.social")
    assert _connect(owner, "someone.bsky.social", channel=channel).status_code == 200
    accounts("did:plc:brand", "b.bsky.social")
    assert _connect(owner, "b.bsky.social", channel=channel).status_code == 302
    channel.refresh_from_db()
    assert channel.account_id == "did:plc:brand"
