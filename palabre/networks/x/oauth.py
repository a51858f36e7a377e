"""X's OAuth 2.0 Authorization Code flow with PKCE, with the instance's own X app.

https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
- GET {authorize} (https://x.com/i/oauth2/authorize)?response_type=code&client_id&redirect_uri&scope&state
  &code_challenge&code_challenge_method=S256
- POST {api}/2/oauth2/token, form-encoded (grant_type=authorization_code, code, redirect_uri,
  code_verifier; or grant_type=refresh_token, refresh_token), with the client id and secret
  in a Basic Authorization header (a confidential client; a public one, without a secret,
  sends client_id in the form) → {"token_type", "access_token", "expires_in", "scope",
  "refresh_token"}
https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
- access tokens live two hours; `offline.access` brings a refresh token, and each refresh
  returns a new one: the old one works once (tokens.py refreshes under a row lock).
https://docs.x.com/x-api/users/get-my-user
- GET {api}/2/users/me → {"data": {"id", "name", "username"}}

Every request goes through the outbound guard (lib/outbound.py). Tokens and the secret travel
in headers or the form body, never in a URL.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from palabre.lib import boundedjson, outbound
from palabre.networks.base import AuthExpired, RateLimited, Rejected, Unavailable
from palabre.networks.x import errors

SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",  # without it X gives no refresh token: two hours, then reconnect
    "tweet.moderate.write",  # hide and unhide replies
    "media.write",
)
TIMEOUT = 20.0
MAX_BODY = 64 * 1024  # a token answer is a few hundred bytes
# OAuth errors that mean the code or the refresh token will never work (RFC 6749 §5.2).
REFUSALS = ("invalid_grant", "invalid_request", "unauthorized_client", "invalid_client")


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str
    expires_at: datetime | None

    def credentials(self) -> dict[str, str]:
        expires = self.expires_at.isoformat() if self.expires_at else ""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": expires,
        }


@dataclass(frozen=True)
class XAccount:
    user_id: str
    username: str
    name: str


def configured() -> bool:
    return bool(settings.PALABRE_X_CLIENT_ID)


def pkce_pair() -> tuple[str, str]:
    """A code verifier (kept in the session) and its S256 challenge (sent to X): RFC 7636."""
    verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43–128
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(*, redirect_uri: str, state: str, code_challenge: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.PALABRE_X_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{settings.PALABRE_X_AUTHORIZE_URL}?{query}"


def code_exchange(*, code: str, redirect_uri: str, code_verifier: str) -> Token:
    """The tokens behind an authorization code. Raises the connector errors."""
    return _token(
        _token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )
    )


def token_refresh(*, refresh_token: str) -> Token:
    """A new access token and a new refresh token; `refresh_token` is spent, whatever
    happens next. AuthExpired when X refuses it (spent already, revoked)."""
    return _token(_token_request({"grant_type": "refresh_token", "refresh_token": refresh_token}))


def account_me(*, access_token: str) -> XAccount:
    """The account the token acts for."""
    body = _call("GET", "/2/users/me", headers={"Authorization": f"Bearer {access_token}"})
    data = body.get("data")
    if not isinstance(data, dict):
        raise Unavailable(outbound.UNREACHABLE)
    user_id, username = _text(data.get("id")), _text(data.get("username"))
    if not user_id.isascii() or not user_id.isdigit():
        raise Unavailable(outbound.UNREACHABLE)
    return XAccount(user_id[:100], username[:100], str(data.get("name") or username)[:100])


def _token_request(form: dict[str, str]) -> dict[str, Any]:
    client_id, secret = settings.PALABRE_X_CLIENT_ID, settings.PALABRE_X_CLIENT_SECRET
    headers = {}
    if secret:
        pair = f"{client_id}:{secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    else:
        form = {**form, "client_id": client_id}
    return _call("POST", "/2/oauth2/token", data=form, headers=headers)


def _call(
    method: str, path: str, *, headers: dict[str, str], data: dict[str, str] | None = None
) -> dict[str, Any]:
    url = settings.PALABRE_X_API_URL + path
    try:
        with httpx.Client(timeout=TIMEOUT, **outbound.httpx_options()) as client:
            with client.stream(method, url, data=data, headers=headers) as response:
                raw = _read(response)
    except (httpx.HTTPError, outbound.OutboundRefused, OSError):
        raise Unavailable(outbound.UNREACHABLE) from None
    body = _parse(raw)
    if response.status_code >= 400:
        raise _error(response, body)
    if not isinstance(body, dict):
        raise Unavailable(gettext("X's answer could not be read"))
    return body


def _error(response: httpx.Response, body: Any) -> Exception:
    status = response.status_code
    body = body if isinstance(body, dict) else {}
    code = str(body.get("error") or "")[:60]
    said = str(body.get("error_description") or body.get("detail") or code)[:200]
    if status == 429:
        # errors.retry_after reads the reset header within bounds ("²" is a digit to
        # str.isdigit, not to int(); a reset of 400 digits overflows a float).
        wait = errors.retry_after(response.headers)
        return RateLimited(gettext("X's request limit was reached"), retry_after=wait)
    if status >= 500:
        return Unavailable(gettext("X is not answering right now"))
    if status == 401 or code in REFUSALS:
        return AuthExpired(
            gettext("X no longer accepts Palabre's access to this account (%(reason)s)")
            % {"reason": said or status}
        )
    return Rejected(gettext("X refused the request (%(reason)s)") % {"reason": said or status})


def _read(response: httpx.Response) -> bytes:
    deadline = time.monotonic() + TIMEOUT
    try:
        return outbound.read_httpx_bounded(response, limit=MAX_BODY, deadline=deadline)
    except outbound.OutboundCutShort:
        raise Unavailable(gettext("X's answer was too long")) from None


def _parse(raw: bytes) -> Any:
    try:
        return boundedjson.json_loads_bounded(raw) if raw else {}
    except (ValueError, boundedjson.TooDeep):
        return None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value or "\x00" in value:
        raise Unavailable(outbound.UNREACHABLE)  # not the answer this endpoint gives
    return value


def _token(answer: dict[str, Any]) -> Token:
    expires_in = answer.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = timezone.now() + timedelta(seconds=min(expires_in, 365 * 86400))
    refresh = answer.get("refresh_token")
    return Token(
        _text(answer.get("access_token")),
        refresh if isinstance(refresh, str) else "",
        expires_at,
    )
