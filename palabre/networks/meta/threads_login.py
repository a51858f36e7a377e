"""Threads' own login: authorization window, code, short-lived then long-lived token, the
account; and refreshing that token before it expires (60 days).

https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
- GET {login}/oauth/authorize?client_id&redirect_uri&scope&response_type=code&state
- POST {graph}/oauth/access_token (client_id, client_secret, grant_type=authorization_code,
  redirect_uri, code) → {"access_token", "user_id"}
https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
- GET {graph}/access_token?grant_type=th_exchange_token&client_secret&access_token
  → {"access_token", "token_type", "expires_in"}
- GET {graph}/refresh_access_token?grant_type=th_refresh_token&access_token (a token at
  least 24 hours old and not yet expired) → the same, valid 60 days from now.
https://developers.facebook.com/docs/threads/threads-profiles
- GET {graph}/{version}/me?fields=id,username,name
The token endpoints have no version in their path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from palabre.lib import outbound
from palabre.networks.base import Unavailable
from palabre.networks.meta.graph import ID, Graph

SCOPES = (
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_insights",
    "threads_keyword_search",
    # Beyond the list: mentions are polled (threads_manage_mentions) and posts
    # deleted (threads_delete) by the connector.
    "threads_manage_mentions",
    "threads_delete",
)
# Refreshing is refused before a token is a day old.
MIN_AGE_FOR_REFRESH = timedelta(hours=24)


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: datetime | None


@dataclass(frozen=True)
class ThreadsAccount:
    user_id: str
    username: str
    name: str
    token: Token

    def credentials(self) -> dict[str, str]:
        return {"threads_user_id": self.user_id, "access_token": self.token.value}


def configured() -> bool:
    return bool(settings.PALABRE_THREADS_APP_ID and settings.PALABRE_THREADS_APP_SECRET)


def authorize_url(*, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "client_id": settings.PALABRE_THREADS_APP_ID,
            "redirect_uri": redirect_uri,
            "scope": ",".join(SCOPES),
            "response_type": "code",
            "state": state,
        }
    )
    return f"{settings.PALABRE_THREADS_LOGIN_URL}/oauth/authorize?{query}"


def _graph(*, versioned: bool, token: str = "") -> Graph:
    return Graph(
        base_url=settings.PALABRE_THREADS_GRAPH_URL,
        version=settings.PALABRE_THREADS_API_VERSION if versioned else "",
        token=token,
        app_secret=settings.PALABRE_THREADS_APP_SECRET if token else "",
    )


def login_finish(*, code: str, redirect_uri: str) -> ThreadsAccount:
    """The account behind `code`, with a long-lived token. Raises the connector errors."""
    graph = _graph(versioned=False)
    try:
        short = graph.post(
            "oauth/access_token",
            data={
                "client_id": settings.PALABRE_THREADS_APP_ID,
                "client_secret": settings.PALABRE_THREADS_APP_SECRET,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        long_lived = graph.get(
            "access_token",
            grant_type="th_exchange_token",
            client_secret=settings.PALABRE_THREADS_APP_SECRET,
            access_token=_text(short.get("access_token")),
        )
    finally:
        graph.close()
    token = _token(long_lived)
    graph = _graph(versioned=True, token=token.value)
    try:
        me = graph.get("me", fields="id,username,name")
    finally:
        graph.close()
    user_id = _text(me.get("id"))
    if not ID.fullmatch(user_id):  # the channel's account, and a Graph path
        raise Unavailable(outbound.UNREACHABLE)
    username = str(me.get("username") or user_id)[:100]
    return ThreadsAccount(user_id, username, str(me.get("name") or username)[:100], token)


def token_refresh(*, access_token: str) -> Token:
    """A fresh 60-day token for a long-lived one. Raises the connector errors."""
    graph = _graph(versioned=False)
    try:
        answer = graph.get(
            "refresh_access_token", grant_type="th_refresh_token", access_token=access_token
        )
    finally:
        graph.close()
    return _token(answer)


def _text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # Threads sends user ids as numbers in the token answer
    if not isinstance(value, str) or not value:
        raise Unavailable(outbound.UNREACHABLE)  # not the answer this endpoint gives
    return value


def _token(answer: dict[str, Any]) -> Token:
    expires_in = answer.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = timezone.now() + timedelta(seconds=min(expires_in, 10 * 365 * 86400))
    return Token(_text(answer.get("access_token")), expires_at)
