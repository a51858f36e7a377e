"""Connecting a Threads account through its own login, and keeping its token alive: the
views a person uses against the Graph API double, and the worker's refresh step."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import User
from palabre.channels.grants import REFRESH_AHEAD
from palabre.channels.jobs import JOBS
from palabre.channels.models import Channel, ChannelGrant, ChannelStatus
from palabre.publishing.models import Notice
from palabre.worker.jobs import claim, run_claimed

CHANNELS = "/w/lumiere/settings/channels/"
REFRESH = next(job for job in JOBS if job.name == "channels-token-refresh")


@pytest.fixture
def owner(client: Client, cast: Any, meta_double: Any, settings: Any) -> Client:
    settings.SITE_URL = "https://palabre.example.org"
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


def threads_login(client: Client, double: Any, user: Any, *, allow: bool = True) -> Any:
    started = client.post(f"{CHANNELS}threads/")
    assert started.status_code == 302
    back = double.threads_consent(started["Location"], user=user, allow=allow)
    back = back.split("#", 1)[0]  # a browser never sends the fragment Threads appends
    assert back.startswith(settings.SITE_URL + "/channels/threads/callback/?")
    return client.get(back.removeprefix(settings.SITE_URL))


def said(client: Client) -> str:
    return html.unescape(client.get(CHANNELS).content.decode())


def test_the_authorization_window_asks_for_the_threads_scopes(
    owner: Client, meta_double: Any
) -> None:
    location = owner.post(f"{CHANNELS}threads/")["Location"]
    assert location.startswith(f"{meta_double.threads_login_url}/oauth/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["client_id"] == settings.PALABRE_THREADS_APP_ID
    assert query["redirect_uri"] == "https://palabre.example.org/channels/threads/callback/"
    assert query["response_type"] == "code"
    assert query["scope"].split(",") == [
        "threads_basic",
        "threads_content_publish",
        "threads_manage_replies",
        "threads_read_replies",
        "threads_manage_insights",
        "threads_keyword_search",
        "threads_manage_mentions",
        "threads_delete",
    ]


def test_connect_a_threads_account(owner: Client, cast: Any, meta_double: Any) -> None:
    account = meta_double.threads_user("lumiere.threads", name="Lumière")
    answer = threads_login(owner, meta_double, account)
    assert answer["Location"] == CHANNELS
    channel = Channel.objects.get()
    assert (channel.workspace, channel.network, channel.connector) == (
        cast.workspace,
        "threads",
        "threads",
    )
    assert (channel.account_id, channel.handle, channel.name) == (
        account.id,
        "@lumiere.threads",
        "Lumière",
    )
    token = channel.credentials["access_token"]
    assert channel.credentials == {"threads_user_id": account.id, "access_token": token}
    assert meta_double.token(token).long_lived  # the 60-day token, not the 1-hour one
    expires = channel.credentials_expire_at
    assert expires is not None
    assert abs((expires - timezone.now()) - timedelta(days=60)) < timedelta(minutes=1)
    grant = ChannelGrant.objects.get(channel=channel)
    assert grant.granted_by == account.id
    assert grant.next_attempt_at == expires - REFRESH_AHEAD
    assert "@lumiere.threads is connected" in said(owner)


def test_a_threads_account_of_another_workspace_is_not_connected(
    owner: Client, cast: Any, meta_double: Any
) -> None:
    account = meta_double.threads_user("taken.threads")
    Channel.objects.create(
        workspace=cast.other_workspace,
        network="threads",
        connector="threads",
        name="Taken",
        handle="@taken.threads",
        account_id=account.id,
    )
    threads_login(owner, meta_double, account)
    text = said(owner)
    assert "already a channel of another workspace" in text and "Ailleurs" not in text
    assert not Channel.objects.filter(workspace=cast.workspace).exists()


def test_cancelling_on_threads_connects_nothing(owner: Client, meta_double: Any) -> None:
    account = meta_double.threads_user("shy.threads")
    threads_login(owner, meta_double, account, allow=False)
    assert "Cancelled in the Threads window; nothing was connected." in said(owner)
    assert not Channel.objects.exists()


# --- The worker keeps the token alive -------------------------------------------------------


@pytest.fixture
def threads_channel(owner: Client, meta_double: Any) -> Channel:
    threads_login(owner, meta_double, meta_double.threads_user("kept.threads"))
    return Channel.objects.get()


def run_refresh() -> int:
    rows = claim(REFRESH, worker_id="test", limit=10)
    for row in rows:
        run_claimed(REFRESH, row)
    return len(rows)


def test_nothing_is_refreshed_before_it_is_due(threads_channel: Channel) -> None:
    assert run_refresh() == 0


def test_the_token_is_refreshed_before_it_expires(
    threads_channel: Channel, meta_double: Any
) -> None:
    old = threads_channel.credentials["access_token"]
    meta_double.world.advance(47 * 86400)  # the network's clock: the token is 47 days old
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    assert run_refresh() == 1
    threads_channel.refresh_from_db()
    fresh = threads_channel.credentials["access_token"]
    assert fresh != old and meta_double.token(fresh).long_lived
    assert threads_channel.credentials["threads_user_id"] == threads_channel.account_id
    assert threads_channel.credentials_expire_at is not None
    assert threads_channel.credentials_expire_at > timezone.now() + timedelta(days=59)
    grant = ChannelGrant.objects.get()
    assert grant.next_attempt_at == threads_channel.credentials_expire_at - REFRESH_AHEAD
    assert threads_channel.status == ChannelStatus.ACTIVE


def test_a_token_too_young_to_refresh_is_tried_again_the_next_day(
    threads_channel: Channel,
) -> None:
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    assert run_refresh() == 1
    grant = ChannelGrant.objects.get()
    assert grant.next_attempt_at is not None
    assert grant.next_attempt_at > timezone.now() + timedelta(hours=23)
    threads_channel.refresh_from_db()
    assert threads_channel.status == ChannelStatus.ACTIVE


def test_a_revoked_token_needs_reconnecting_and_the_owners_are_told(
    threads_channel: Channel, meta_double: Any, cast: Any
) -> None:
    meta_double.world.advance(2 * 86400)
    meta_double.revoke(threads_channel.credentials["access_token"])
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    run_refresh()
    threads_channel.refresh_from_db()
    assert threads_channel.status == ChannelStatus.NEEDS_RECONNECT
    assert ChannelGrant.objects.get().next_attempt_at is None
    assert Notice.objects.filter(user=cast.alice, text__contains="kept.threads").count() == 1


def test_a_token_past_its_date_needs_reconnecting(threads_channel: Channel) -> None:
    Channel.objects.update(credentials_expire_at=timezone.now() - timedelta(minutes=1))
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    run_refresh()
    threads_channel.refresh_from_db()
    assert threads_channel.status == ChannelStatus.NEEDS_RECONNECT
    assert "expired" in threads_channel.status_reason


def test_a_network_down_is_retried_without_losing_the_token(
    threads_channel: Channel, meta_double: Any
) -> None:
    old = threads_channel.credentials["access_token"]
    meta_double.world.advance(47 * 86400)
    meta_double.fail("*/refresh_access_token", code=2, times=1)
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    run_refresh()
    threads_channel.refresh_from_db()
    grant = ChannelGrant.objects.get()
    assert threads_channel.credentials["access_token"] == old
    assert threads_channel.status == ChannelStatus.ACTIVE
    assert grant.attempts == 1 and grant.last_error
    assert grant.next_attempt_at is not None and grant.next_attempt_at < timezone.now() + timedelta(
        hours=1
    )


def test_facebook_page_tokens_are_never_due(cast: Any) -> None:
    from palabre.channels.grants import refresh_due

    assert refresh_due(None) is None


def test_a_name_with_a_nul_character_connects_without_it(owner: Client, meta_double: Any) -> None:
    """The account's name is the network's text: a NUL character in it (which PostgreSQL
    refuses in text) answered the callback with a 500, and connected nothing."""
    account = meta_double.threads_user("lumiere\x00.threads", name="Lumi\x00ère")
    assert threads_login(owner, meta_double, account)["Location"] == CHANNELS
    channel = Channel.objects.get()
    assert (channel.handle, channel.name) == ("@lumiere.threads", "Lumière")
