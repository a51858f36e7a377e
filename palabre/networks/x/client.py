"""One small client for X's API v2 (api.x.com), acting for one channel.

- every request goes through the outbound guard (lib/outbound.py) with a timeout; its answer
  is read within a size bound and parsed within a depth bound;
- the user's OAuth 2.0 access token (tokens.py: refreshed there when it must be) travels in
  the Authorization header, never in a URL nor a log;
- X bills each request: each one is counted for the channel's month (channels/usage.py)
  under its kind (KINDS), before it is sent: a request whose answer is lost was billed too;
  X bills reads per post returned, so a page of posts read counts as its posts;
- a 401 on a token that looked fresh is retried once with a renewed one (tokens.py);
- an id that goes into a path is digits only (X's ids are): anything else is refused, sent
  nowhere;
- a failure becomes one of the connector's four errors (errors.py); nothing else escapes.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext

from palabre.channels.models import Channel
from palabre.channels.usage import usage_record
from palabre.lib import boundedjson, outbound
from palabre.networks.base import AuthExpired, Rejected, Unavailable
from palabre.networks.x import errors, tokens

TIMEOUT = 30.0
MAX_BODY = 5 * 1024 * 1024
ID = re.compile(r"[0-9]{1,25}")

# The request kinds counted per channel and month (ApiUsage.by_kind), which the price table
# (PALABRE_X_PRICES) prices: X's pay-per-use pricing bills reads of posts and users, the
# creation of content, and managing it.
POST_READ = "post_read"  # mentions, searches, the account's posts, posts by id
USER_READ = "user_read"  # the account itself (followers)
POST_CREATE = "post_create"  # a post, a thread's part, an answer, a quote
POST_CREATE_URL = "post_create_url"  # the same holding a link: X bills it more
POST_DELETE = "post_delete"
REPLY_HIDE = "reply_hide"  # hiding and unhiding a reply
MEDIA_UPLOAD = "media_upload"  # each upload request (chunks, status, alt text)
KINDS = (
    POST_READ,
    USER_READ,
    POST_CREATE,
    POST_CREATE_URL,
    POST_DELETE,
    REPLY_HIDE,
    MEDIA_UPLOAD,
)


def check_id(value: str) -> str:
    if not ID.fullmatch(value or ""):
        raise Rejected(gettext("This is not an identifier X gives; nothing was sent."))
    return value


class XClient:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.base = settings.PALABRE_X_API_URL.rstrip("/")
        self._client = httpx.Client(timeout=TIMEOUT, **outbound.httpx_options())
        # The last answer's rate-limit headers: (limit, remaining, reset).
        self.last_limit: tuple[int, int, int] | None = None

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, *, kind: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", path, kind=kind, params=params)

    def post(self, path: str, *, kind: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.call("POST", path, kind=kind, body=body)

    def call(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        token = tokens.access_token(self.channel)
        if not token:
            # Disconnected (its credentials forgotten): a person must connect it again.
            raise AuthExpired(gettext("this channel is not connected"))
        query = {k: str(v) for k, v in (params or {}).items() if v is not None and v != ""}
        response, parsed = self._send(method, path, kind, query, body, token)
        if response.status_code == 401 and self.channel.credentials.get("refresh_token"):
            # Refused before its announced end (revoked, X's clock): one renewal, once.
            token = tokens.access_token_renew(self.channel, rejected=token)
            response, parsed = self._send(method, path, kind, query, body, token)
        if response.status_code >= 400:
            raise errors.translate(response.status_code, parsed, response.headers)
        if not isinstance(parsed, dict):
            raise Unavailable(gettext("X's answer could not be read."))
        if kind == POST_READ and isinstance(parsed.get("data"), list) and len(parsed["data"]) > 1:
            # X bills a read per post returned: the request counted one already.
            extra = len(parsed["data"]) - 1
            usage_record(channel_id=self.channel.pk, kind=kind, count=extra, requests=0)
        return parsed

    def _send(
        self,
        method: str,
        path: str,
        kind: str,
        query: dict[str, str],
        body: dict[str, Any] | None,
        token: str,
    ) -> tuple[httpx.Response, Any]:
        usage_record(channel_id=self.channel.pk, kind=kind)
        try:
            with self._client.stream(
                method,
                f"{self.base}{path}",
                params=query,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                raw = _read(response)
        except (httpx.HTTPError, outbound.OutboundRefused, OSError):
            raise Unavailable(outbound.UNREACHABLE) from None
        self.last_limit = _limits(response.headers)
        return response, _parse(raw)


def _limits(headers: httpx.Headers) -> tuple[int, int, int] | None:
    values = [headers.get(f"x-rate-limit-{n}", "") for n in ("limit", "remaining", "reset")]
    if all(v.isascii() and v.isdigit() for v in values):
        return (int(values[0]), int(values[1]), int(values[2]))
    return None


def _read(response: httpx.Response) -> bytes:
    deadline = time.monotonic() + TIMEOUT
    try:
        return outbound.read_httpx_bounded(response, limit=MAX_BODY, deadline=deadline)
    except outbound.OutboundCutShort:
        raise Unavailable(gettext("X's answer was too long.")) from None


def _parse(raw: bytes) -> Any:
    try:
        return boundedjson.json_loads_bounded(raw) if raw else {}
    except (ValueError, boundedjson.TooDeep):
        return None
