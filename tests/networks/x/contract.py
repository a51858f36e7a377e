"""X in the connector contract suite (tests/networks/test_contract.py): the X double as a
`NetworkServer`, its fan as the `Peer` (acting and looking through the double's own API
with a token of its own), its fault injector as the suite's `Faults`.

Known differences, each said where the suite would otherwise fail or pass silently:
- X refuses a post whose text is the same as a recent one of the account (403 "duplicate
  content"): a retry with the same text is refused, never a second post;
- X's 429 says when the window resets (`x-rate-limit-reset`), never a Retry-After;
- likes and follows do not reach Palabre's X inbox (reading them costs a request per post);
- no content warnings, no private messages, no muting or blocking through Palabre.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import urllib.parse
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.networks.base import Visibility
from tests.networks.harness import Account, NetworkServer, Seen
from tests.networks.x.double import SCOPES, XDouble
from tests.networks.x.state import User

STATE = "contract-state"
HANG = 1.5  # seconds a "timeout" fault holds the request: past the shortened timeout (1 s)
TIMEOUT = "palabre.networks.x.client.TIMEOUT"
CALLBACK = "http://palabre.test/channels/x/callback"


class NotOnThisNetwork(NotImplementedError):
    """What the fan cannot do there; the suite skips before asking (harness.py)."""


class XPeer:
    """The brand's fan on the double, through its HTTP API with the fan's own token."""

    def __init__(self, double: XDouble, fan: User, brand: User) -> None:
        self.double = double
        self.fan = fan
        self.brand = brand
        token = double.token(fan)
        self.account = Account("fan", fan.id, fan.username, token)
        self.http = httpx.Client(
            base_url=double.url, headers={"Authorization": f"Bearer {token}"}, timeout=20
        )

    def _create(self, body: dict[str, Any]) -> str:
        answer = self.http.post("/2/tweets", json=body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["data"]["id"])

    def post(self, text: str) -> str:
        return self._create({"text": text})

    def reply(self, to: str, text: str) -> str:
        return self._create({"text": text, "reply": {"in_reply_to_tweet_id": to}})

    def reply_text(self, text: str) -> str:
        return text  # an answer made through the API holds what was written

    def mention(self, text: str) -> str:
        return self.post(f"@{self.brand.username} {text}")

    def message(self, text: str, *, in_reply_to: str | None = None) -> str:
        raise NotOnThisNetwork("Palabre reads no X direct messages")

    def like(self, remote_id: str) -> None:
        # The double keeps counts only (no like endpoint: Palabre never likes).
        with self.double.world.lock:
            self.double.world.posts[remote_id].likes += 1

    def follow(self) -> None:
        with self.double.world.lock:
            self.brand.followers += 1

    def unfollow(self) -> None:
        with self.double.world.lock:
            self.brand.followers = max(0, self.brand.followers - 1)

    def read(self, remote_id: str) -> Seen | None:
        answer = self.http.get(
            "/2/tweets",
            params={
                "ids": remote_id,
                "expansions": "referenced_posts,attachments.media_keys",
                "media.fields": "alt_text",
            },
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if not body.get("data"):
            return None
        post = body["data"][0]
        refs = {r["type"]: r["id"] for r in post.get("referenced_posts", [])}
        media = {m["media_key"]: m for m in body.get("includes", {}).get("media", [])}
        keys = post.get("attachments", {}).get("media_keys", [])
        return Seen(
            remote_id=post["id"],
            text=post["text"],
            visibility=Visibility.PUBLIC,
            mentions=frozenset(re.findall(r"@(\w+)", post["text"])),
            in_reply_to=refs.get("replied_to"),
            alt_texts=tuple(media[k].get("alt_text", "") for k in keys if k in media),
        )

    def public_timeline(self) -> set[str]:
        return {p.id for p in self.double.world.live_posts()}


class XFaults:
    def __init__(self, double: XDouble) -> None:
        self.double = double

    def status(
        self, path: str, status: int, *, error: str = "", count: int = 1, method: str = ""
    ) -> None:
        self.double.fail(path, status=status, times=count, method=method or "*", detail=error)

    def rate_limit(
        self,
        path: str,
        *,
        retry_after: int | None = None,
        reset: datetime | None = None,
        count: int = 1,
    ) -> None:
        if reset is None:
            raise NotImplementedError(NO_RETRY_AFTER)
        seconds = int(reset.timestamp() - self.double.world.now())
        self.double.rate_limit(path, reset_in=seconds, times=count)

    def malformed(self, path: str, *, count: int = 1) -> None:
        self.double.malformed(path, times=count)

    def timeout(self, path: str, *, count: int = 1) -> None:
        self.double.hang(path, seconds=HANG, times=count)

    def clear(self) -> None:
        with self.double.world.lock:
            self.double.faults.clear()


NO_RETRY_AFTER = (
    "X's 429 gives no Retry-After, only x-rate-limit-reset (the window's end): the test of a "
    "limit that says when it ends covers X"
)


def consent(double: XDouble) -> Any:
    def play(url: str, account: Account) -> str:
        """The person picks the account on the double's authorize page and says yes."""
        split = urllib.parse.urlsplit(url)
        params = dict(urllib.parse.parse_qsl(split.query))
        page = httpx.get(url)
        assert page.status_code == 200, page.text
        answer = httpx.post(
            f"{double.url}/i/oauth2/authorize",
            data={**params, "account": account.id, "decision": "allow"},
        )
        assert answer.status_code == 302, answer.text
        return str(answer.headers["location"])

    return play


def _connect(double: XDouble, brand: Account) -> Any:
    def connect(workspace: Workspace) -> Channel:
        """The authorize page, the code exchanged with its verifier, the account read, the
        channel stored with its tokens. (What x-ops' connect flow does; it replaces this
        once merged: palabre/channels/x.py.)"""
        verifier = secrets.token_urlsafe(64)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .decode()
            .rstrip("=")
        )
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": settings.PALABRE_X_CLIENT_ID,
                "redirect_uri": CALLBACK,
                "scope": SCOPES,
                "state": STATE,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        back = consent(double)(f"{settings.PALABRE_X_AUTHORIZE_URL}?{query}", brand)
        got = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back).query))
        assert got.get("state") == STATE and got.get("code"), back
        token = httpx.post(
            f"{settings.PALABRE_X_API_URL}/2/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": got["code"],
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
                "client_id": settings.PALABRE_X_CLIENT_ID,
            },
            auth=(settings.PALABRE_X_CLIENT_ID, settings.PALABRE_X_CLIENT_SECRET),
        ).json()
        me = httpx.get(
            f"{settings.PALABRE_X_API_URL}/2/users/me",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        ).json()["data"]
        channel = Channel.objects.create(
            workspace=workspace,
            network="x",
            connector="x",
            name=me["name"],
            handle=me["username"],
            account_id=me["id"],
        )
        channel.save_credentials(
            {
                "user_id": me["id"],
                "access_token": token["access_token"],
                "refresh_token": token["refresh_token"],
            }
        )
        return channel

    return connect


def server(double: XDouble) -> NetworkServer:
    brand = double.user("lumiere", "Boulangerie Lumière (contrat)", followers=1200)
    fan = double.user("fanny", "Fanny Fan")
    peer = XPeer(double, fan, brand)
    brand_account = Account("brand", brand.id, brand.username, double.token(brand))

    def revoke(channel: Channel) -> None:
        """The person removed the app from their X settings."""
        double.revoke_app(channel.account_id)

    return NetworkServer(
        name="x-double",
        network="x",
        base_url=double.url,
        accounts={"brand": brand_account, "fan": peer.account},
        handle=brand.username,
        consent=consent(double),
        connect=_connect(double, brand_account),
        peer=peer,
        relationship=lambda author_id: set(),
        revoke=revoke,
        faults=XFaults(double),
        fault_paths={
            "publish": "/2/tweets",
            "notifications": f"/2/users/{brand.id}/mentions",
            "account": "/2/users/me",
        },
        client_timeout=TIMEOUT,
        no_content_warnings="X has no content warnings (Palabre offers them on Mastodon only)",
        no_likes_or_follows=(
            "likes and follows do not reach Palabre's X inbox: X bills each request, and "
            "reading who liked each post costs one per post"
        ),
        no_retry_after=NO_RETRY_AFTER,
        refuses_duplicates=(
            "X refuses a post whose text is the same as a recent one of the account "
            "(403 duplicate content): a retry with the same text is refused, never a second post"
        ),
        extra={"double": double, "fan": fan},
    )
