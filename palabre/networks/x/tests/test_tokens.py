"""tokens.py: a refresh ahead of expiry, under a row lock (X's refresh tokens work once)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.networks.base import AuthExpired
from palabre.networks.x import tokens
from palabre.networks.x.tests.tokenserver import TokenServer


def _channel(server: TokenServer, *, expires_in: timedelta) -> Channel:
    workspace = Workspace.objects.create(name="Lumière", slug="lumiere")
    channel = Channel.objects.create(
        workspace=workspace, network="x", connector="x", name="Lumière", account_id="2244994945"
    )
    grant = server.state.grant()
    channel.save_credentials(
        {
            "access_token": grant["access_token"],
            "refresh_token": grant["refresh_token"],
            "expires_at": (timezone.now() + expires_in).isoformat(),
        }
    )
    return channel


@pytest.mark.django_db
def test_a_fresh_token_is_used_without_a_request(token_server: TokenServer):
    channel = _channel(token_server, expires_in=timedelta(hours=1))
    assert tokens.access_token(channel) == channel.credentials["access_token"]
    assert token_server.state.requests == []


@pytest.mark.django_db
def test_a_token_about_to_expire_is_refreshed_and_both_new_tokens_kept(
    token_server: TokenServer,
):
    channel = _channel(token_server, expires_in=timedelta(minutes=2))
    old = channel.credentials
    token = tokens.access_token(channel)
    stored = Channel.objects.get(pk=channel.pk).credentials
    assert token != old["access_token"] and token == stored["access_token"]
    assert stored["refresh_token"] != old["refresh_token"]
    assert stored["refresh_token"] in token_server.state.refresh_tokens
    assert token_server.state.refreshes() == 1
    assert tokens.access_token(channel) == token  # fresh now: no second request
    assert token_server.state.refreshes() == 1


@pytest.mark.django_db
def test_a_refused_refresh_says_to_connect_again(token_server: TokenServer):
    channel = _channel(token_server, expires_in=timedelta(0))
    token_server.state.refresh_tokens.clear()  # revoked on X's side
    with pytest.raises(AuthExpired) as refused:
        tokens.access_token(channel)
    assert "connect it again" in refused.value.reason


@pytest.mark.django_db
def test_a_token_refused_early_is_renewed_once(token_server: TokenServer):
    channel = _channel(token_server, expires_in=timedelta(hours=1))
    rejected = tokens.access_token(channel)
    renewed = tokens.access_token_renew(channel, rejected=rejected)
    assert renewed != rejected
    # A second worker that saw the same refusal takes the renewed token, no new request.
    assert tokens.access_token_renew(channel, rejected=rejected) == renewed
    assert token_server.state.refreshes() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(
    token_server: TokenServer,
):
    channel = _channel(token_server, expires_in=timedelta(0))
    token_server.state.delay = 0.5  # the first refresh is still on its way when both ask
    start = threading.Barrier(2)
    got: list[str] = []
    failed: list[BaseException] = []

    def worker() -> None:
        try:
            mine = Channel.objects.get(pk=channel.pk)  # each worker its own row and connection
            start.wait()
            got.append(tokens.access_token(mine))
        except BaseException as error:  # noqa: BLE001 (reported below)
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failed == []
    assert token_server.state.refreshes() == 1
    assert len(got) == 2 and got[0] == got[1]
    assert got[0] in token_server.state.access_tokens
    stored = Channel.objects.get(pk=channel.pk).credentials
    assert stored["access_token"] == got[0]
    assert stored["refresh_token"] in token_server.state.refresh_tokens  # the next one works
