"""tokens.py against the X double: a refresh ahead of expiry, under a row lock (X's refresh
tokens work once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.networks.base import AuthExpired
from palabre.networks.x import oauth, tokens

TOKEN_PATH = "/2/oauth2/token"


def _token_requests(double: Any) -> Callable[[], list[Any]]:
    """The requests the token endpoint receives from now on."""
    before = {id(record) for record in double.records}
    return lambda: [r for r in double.records if id(r) not in before and r.path == TOKEN_PATH]


def _channel(double: Any, *, expires_in: timedelta) -> Channel:
    workspace = Workspace.objects.create(name="Lumière", slug="lumiere")
    brand = double.user("lumiere")
    channel = Channel.objects.create(
        workspace=workspace, network="x", connector="x", name="Lumière", account_id=brand.id
    )
    grant = double.token(brand, refresh=True)
    channel.save_credentials(
        {
            "access_token": grant["access_token"],
            "refresh_token": grant["refresh_token"],
            "expires_at": (timezone.now() + expires_in).isoformat(),
        }
    )
    return channel


def _works(double: Any, token: str) -> bool:
    return oauth.account_me(access_token=token).user_id == double.access(token).user_id


@pytest.mark.django_db
def test_a_fresh_token_is_used_without_a_request(x_double: Any) -> None:
    channel = _channel(x_double, expires_in=timedelta(hours=1))
    sent = _token_requests(x_double)
    assert tokens.access_token(channel) == channel.credentials["access_token"]
    assert sent() == []


@pytest.mark.django_db
def test_a_token_about_to_expire_is_refreshed_and_both_new_tokens_kept(x_double: Any) -> None:
    channel = _channel(x_double, expires_in=timedelta(minutes=2))
    old = channel.credentials
    sent = _token_requests(x_double)
    token = tokens.access_token(channel)
    stored = Channel.objects.get(pk=channel.pk).credentials
    assert token != old["access_token"] and token == stored["access_token"]
    assert _works(x_double, token)
    assert stored["refresh_token"] != old["refresh_token"]
    assert len(sent()) == 1
    assert tokens.access_token(channel) == token  # fresh now: no second request
    assert len(sent()) == 1
    # The stored refresh token is the live one: the next refresh works.
    assert oauth.token_refresh(refresh_token=stored["refresh_token"]).access_token


@pytest.mark.django_db
def test_a_refused_refresh_says_to_connect_again(x_double: Any) -> None:
    channel = _channel(x_double, expires_in=timedelta(0))
    oauth.token_refresh(refresh_token=channel.credentials["refresh_token"])  # spent elsewhere
    with pytest.raises(AuthExpired) as refused:
        tokens.access_token(channel)
    assert "connect it again" in refused.value.reason


@pytest.mark.django_db
def test_a_token_refused_early_is_renewed_once(x_double: Any) -> None:
    channel = _channel(x_double, expires_in=timedelta(hours=1))
    rejected = tokens.access_token(channel)
    x_double.revoke(rejected)
    sent = _token_requests(x_double)
    renewed = tokens.access_token_renew(channel, rejected=rejected)
    assert renewed != rejected and _works(x_double, renewed)
    # A second worker that saw the same refusal takes the renewed token, no new request.
    other = Channel.objects.get(pk=channel.pk)
    assert tokens.access_token_renew(other, rejected=rejected) == renewed
    assert len(sent()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(x_double: Any) -> None:
    channel = _channel(x_double, expires_in=timedelta(0))
    refresh = oauth.token_refresh

    def slow_refresh(**kwargs: Any) -> Any:
        time.sleep(0.5)  # a slow network: both workers are waiting for a token meanwhile
        return refresh(**kwargs)

    start = threading.Barrier(2)
    got: list[str] = []
    failed: list[BaseException] = []

    def worker() -> None:
        try:
            mine = Channel.objects.get(pk=channel.pk)  # each worker its own row and connection
            start.wait()
            got.append(tokens.access_token(mine))
        except BaseException as error:  # reported below
            failed.append(error)
        finally:
            connection.close()

    sent = _token_requests(x_double)
    with mock.patch.object(oauth, "token_refresh", slow_refresh):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert failed == []
    assert len(sent()) == 1  # one refresh request reached X
    assert len(got) == 2 and got[0] == got[1]
    assert _works(x_double, got[0])
    stored = Channel.objects.get(pk=channel.pk).credentials
    assert stored["access_token"] == got[0]
    assert oauth.token_refresh(refresh_token=stored["refresh_token"]).access_token
