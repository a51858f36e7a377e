"""Takahē and mastodon-mock as `NetworkServer`s for the contract suite.

Both speak the Mastodon API over HTTPS on 127.0.0.1 with the brand and fan accounts; what
differs is how a person says yes on the consent page, what each reports of itself, and
what each cannot show (Takahē sends no rate-limit headers and has no reports endpoint;
only the mock injects faults).
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import requests
from django.conf import settings
from django.urls import reverse
from mastodon import Mastodon
from mastodon import errors as sdk

from palabre.networks.mastodon.audience import visibility
from palabre.networks.mastodon.parse import plain_text
from tests.networks.harness import Account, NetworkServer, Seen, eventually
from tests.networks.mastodon.mock_server import MockServer

if TYPE_CHECKING:
    from palabre.accounts.models import Workspace
    from palabre.channels.models import Channel

API_VERSION = "4.3.0"
STATE = "contract-state"
# What the fault injector aims at (mastodon-mock's paths): harness.py, NetworkServer.
FAULT_PATHS = {
    "publish": "/api/v1/statuses",
    "notifications": "/api/v1/notifications",
    "account": "/api/v1/accounts/verify_credentials",
}
TIMEOUT = "palabre.networks.mastodon.connector.TIMEOUT"


def _handle(base_url: str, brand: Account) -> str:
    """What connecting names the channel: the account's acct at the server's host and port."""
    return f"@{brand.username}@{urllib.parse.urlsplit(base_url).netloc}"


def sdk_client(base_url: str, token: str | None) -> Mastodon:
    """Mastodon.py as a person's app would use it: a declared version (see connector.py)."""
    return Mastodon(
        api_base_url=base_url,
        access_token=token,
        mastodon_version=API_VERSION,
        version_check_mode="created",
        request_timeout=20,
    )


class MastodonPeer:
    """The fan, through Mastodon.py with the fan's own token."""

    def __init__(
        self, base_url: str, account: Account, brand: Account, *, unfollow_later: bool = False
    ) -> None:
        self.account = account
        self.brand = brand
        self.api = sdk_client(base_url, account.token)
        self.anonymous = sdk_client(base_url, None)
        self.brands_api = sdk_client(base_url, brand.token)
        self.unfollow_later = unfollow_later

    def _post(self, text: str, **options: Any) -> str:
        return str(self.api.status_post(text, **options)["id"])

    def post(self, text: str) -> str:
        return self._post(text)

    def reply(self, to: str, text: str) -> str:
        return self._post(self.reply_text(text), in_reply_to_id=to)

    def reply_text(self, text: str) -> str:
        # As a person's app does: it names whom it answers (Mastodon notifies no one else).
        return f"@{self.brand.username} {text}"

    def mention(self, text: str) -> str:
        return self._post(f"@{self.brand.username} {text}")

    def message(self, text: str, *, in_reply_to: str | None = None) -> str:
        return self._post(
            f"@{self.brand.username} {text}", visibility="direct", in_reply_to_id=in_reply_to
        )

    def like(self, remote_id: str) -> None:
        self.api.status_favourite(remote_id)

    def follow(self) -> None:
        self.api.account_follow(self.brand.id)

    def unfollow(self) -> None:
        self.api.account_unfollow(self.brand.id)
        if self.unfollow_later:
            # Takahē ends a follow in the background (its stator), removing the brand's
            # "followed" notification last. A follow sent before that revives the old one,
            # which it then finds: no new notification (seen under load). A person does not
            # follow again within that second; a test waits.
            eventually(lambda: not self._follow_notified())

    def _follow_notified(self) -> bool:
        notifications = self.brands_api.notifications(types=["follow"], limit=40)
        return any(str(n["account"]["id"]) == str(self.account.id) for n in notifications)

    def read(self, remote_id: str) -> Seen | None:
        try:
            status = self.api.status(remote_id)
        except sdk.MastodonNotFoundError:
            return None
        return Seen(
            remote_id=str(status["id"]),
            text=plain_text(status["content"]),
            visibility=visibility(status["visibility"]),
            mentions=frozenset(m["username"] for m in status["mentions"]),
            in_reply_to=str(status["in_reply_to_id"]) if status["in_reply_to_id"] else None,
            content_warning=status["spoiler_text"] or "",
            alt_texts=tuple(m["description"] or "" for m in status["media_attachments"]),
        )

    def public_timeline(self) -> set[str]:
        timelines = [
            self.api.timeline_public(limit=40),
            self.api.timeline_local(limit=40),
            self.anonymous.timeline_public(limit=40),
            self.anonymous.timeline_local(limit=40),
        ]
        return {str(status["id"]) for timeline in timelines for status in timeline}


class MockFaults:
    """mastodon-mock's fault injector (/api/v1/_mock/faults): the next `count` requests
    that match fail as told; its own control plane is never affected."""

    def __init__(self, mock: MockServer) -> None:
        self.mock = mock

    def _add(self, path: str, effect: dict[str, Any], count: int, method: str = "") -> None:
        match: dict[str, Any] = {"path": path}
        if method:
            match["methods"] = [method]
        self.mock.call(
            "POST", "/api/v1/_mock/faults", {"match": match, "effect": effect, "count": count}
        )

    def status(
        self, path: str, status: int, *, error: str = "", count: int = 1, method: str = ""
    ) -> None:
        effect: dict[str, Any] = {"type": "status", "status": status}
        if error:
            effect["body"] = {"error": error}
        self._add(path, effect, count, method)

    def rate_limit(
        self,
        path: str,
        *,
        retry_after: int | None = None,
        reset: datetime | None = None,
        count: int = 1,
    ) -> None:
        if retry_after is not None:  # with the X-RateLimit-* headers Mastodon sends
            headers = {"Retry-After": str(retry_after)}
            self._add(path, {"type": "ratelimit", "headers": headers}, count)
        else:  # a bare 429 (the "ratelimit" effect always adds a Retry-After)
            headers = {"X-RateLimit-Reset": reset.isoformat()} if reset else {}
            effect = {"type": "status", "status": 429, "headers": headers}
            self._add(path, effect, count)

    def malformed(self, path: str, *, count: int = 1) -> None:
        self._add(path, {"type": "malformed", "truncate": True}, count)

    def timeout(self, path: str, *, count: int = 1) -> None:
        self._add(path, {"type": "timeout"}, count)

    def clear(self) -> None:
        self.mock.call("DELETE", "/api/v1/_mock/faults")


def _relationship(base_url: str, brand: Account) -> Callable[[str], set[str]]:
    api = sdk_client(base_url, brand.token)

    def relationship(author_id: str) -> set[str]:
        found = api.account_relationships(author_id)[0]
        return {name for name in ("muting", "blocking") if found[name]}

    return relationship


def _revoke(channel: Channel) -> None:
    """POST /oauth/revoke with the channel's app: Takahē answers 200 with an empty body
    (Mastodon.py's revoke_access_token() then fails to parse it), Mastodon 200 {}."""
    from palabre.networks.mastodon.models import MastodonApp

    credentials = channel.credentials
    app = MastodonApp.objects.get(instance=credentials["instance"])
    answer = requests.post(
        f"{credentials['instance']}/oauth/revoke",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "token": credentials["access_token"],
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:300]


def _connector(
    base_url: str, consent: Callable[[str, Account], str], brand: Account
) -> Callable[[Workspace], Channel]:
    def connect(workspace: Workspace) -> Channel:
        """Palabre's own path: register, send the person to consent, exchange the code."""
        from palabre.channels.services import (
            channel_connect_mastodon_finish,
            channel_connect_mastodon_start,
        )

        callback = settings.SITE_URL + reverse("mastodon_callback")
        app_id, url = channel_connect_mastodon_start(
            instance=base_url, redirect_uri=callback, state=STATE
        )
        back = consent(url, brand)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)
        assert back.startswith(callback) and query["state"] == [STATE], back
        return channel_connect_mastodon_finish(
            workspace=workspace, app_id=app_id, code=query["code"][0]
        )

    return connect


def _reports(base_url: str, brand: Account) -> Callable[[str], list[tuple[str, tuple[str, ...]]]]:
    """The mock's moderation queue (its admin API does not check the role)."""
    api = sdk_client(base_url, brand.token)

    def reports_against(author_id: str) -> list[tuple[str, tuple[str, ...]]]:
        found = api.admin_reports(target_account_id=author_id)
        return [(r["comment"], tuple(str(s["id"]) for s in r["statuses"])) for r in found]

    return reports_against


def _fanned_out(database_url: str) -> Callable[[str], None]:
    """Takahē's worker fans a new post out about a second later, and then writes its state
    back without looking: a delete made meanwhile is undone (seen under load). The post shows
    in timelines before that write (the fan-out rows are processed while the post's own step
    is still running), so a test waits for the state itself, read in Takahē's database. A
    person does not delete within that second."""

    def settled(remote_id: str) -> None:
        def state() -> str | None:
            with psycopg.connect(database_url, autocommit=True) as db:
                row = db.execute(
                    "SELECT state FROM activities_post WHERE id = %s", (int(remote_id),)
                ).fetchone()
            return row[0] if row else None

        eventually(lambda: state() == "fanned_out")

    return settled


def takahe(info: dict[str, Any]) -> NetworkServer:
    import takahe_loopback  # ../shared/servers/takahe, put on sys.path by the fixture

    accounts = {
        role: Account(role, a["account_id"], a["username"], a["access_token"])
        for role, a in info["accounts"].items()
    }

    def consent(authorize_url: str, account: Account) -> str:
        return str(takahe_loopback.oauth_consent(info, account.role, authorize_url))

    return NetworkServer(
        name="takahe",
        network="mastodon",
        base_url=info["base_url"],
        accounts=accounts,
        handle=_handle(info["base_url"], accounts["brand"]),
        consent=consent,
        connect=_connector(info["base_url"], consent, accounts["brand"]),
        peer=MastodonPeer(
            info["base_url"], accounts["fan"], accounts["brand"], unfollow_later=True
        ),
        relationship=_relationship(info["base_url"], accounts["brand"]),
        revoke=_revoke,
        described_as={"software": "takahe", "version": "0.11.0"},
        honours_idempotency=False,
        client_timeout=TIMEOUT,
        no_rate_limits="Takahē sends no rate-limit headers and no 429",
        no_reports="Takahē has no /api/v1/reports",
        no_word_search="Takahē's /api/v2/search finds statuses by address only",
        settled=_fanned_out(info["database_url"]),
        extra={"takahe": info},
    )


def mastodon_mock(mock: MockServer) -> NetworkServer:
    accounts = {
        role: Account(role, a["id"], a["username"], a["access_token"])
        for role, a in mock.accounts.items()
    }

    def consent(authorize_url: str, account: Account) -> str:
        return _mock_consent(mock.base_url, mock.ca, authorize_url, account.username)

    return NetworkServer(
        name="mastodon-mock",
        network="mastodon",
        base_url=mock.base_url,
        accounts=accounts,
        handle=_handle(mock.base_url, accounts["brand"]),
        consent=consent,
        connect=_connector(mock.base_url, consent, accounts["brand"]),
        peer=MastodonPeer(mock.base_url, accounts["fan"], accounts["brand"]),
        relationship=_relationship(mock.base_url, accounts["brand"]),
        revoke=_revoke,
        reports_against=_reports(mock.base_url, accounts["brand"]),
        faults=MockFaults(mock),
        described_as={"software": "mastodon", "version": "4.6.0"},
        honours_idempotency=True,
        fault_paths=FAULT_PATHS,
        client_timeout=TIMEOUT,
        extra={"mock": mock},
    )


def _mock_consent(base_url: str, ca: Path, authorize_url: str, username: str) -> str:
    """mastodon-mock's consent page lists its accounts, each a button of one form: load
    it, press the account's button, and return where it redirects."""
    page = requests.get(authorize_url, verify=str(ca), timeout=10)
    assert f'name="username" value="{username}"' in page.text, page.text[:500]
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text
        )
    }
    pressed = requests.post(
        f"{base_url}/oauth/authorize",
        data={**fields, "username": username},
        verify=str(ca),
        allow_redirects=False,
        timeout=10,
    )
    assert pressed.status_code in (302, 303), pressed.text[:500]
    return str(pressed.headers["Location"])
