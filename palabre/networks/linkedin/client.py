"""One small client for LinkedIn's versioned REST API (api.py says where and which version).

- every request goes through the outbound guard (lib/outbound.py) with a timeout, and its
  answer is read within a size bound and parsed within a depth bound;
- it carries `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`, which LinkedIn
  requires (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/protocol-version);
  the token travels in the Authorization header, never in a URL;
- Rest.li 2.0 encodings: a URN in a path is percent-encoded whole (`urn%3Ali%3Ashare%3A1`),
  a list in a query is `List(a,b)` with each item encoded; `path()` and `query()` build them,
  so nothing from an answer or a webhook reaches a path unencoded (a comment URN's
  parentheses and comma included);
- a file goes to the upload URL LinkedIn gave; the token goes with it only when that URL is
  on LinkedIn itself (or the configured API's own host), never to another host;
- a refusal becomes one of the connector's four errors (errors.py); nothing else escapes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from django.utils.translation import gettext

from palabre.lib import boundedjson, outbound
from palabre.networks.base import Unavailable
from palabre.networks.linkedin import api, errors

TIMEOUT = 30.0
UPLOAD_TIMEOUT = 300.0
MAX_BODY = 5 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: httpx.Headers


def path(*parts: str) -> str:
    """`/rest/` + the parts, each percent-encoded whole (URNs, ids)."""
    return "/rest/" + "/".join(quote(str(part), safe="") for part in parts)


def query(**params: str | int | list[str] | None) -> str:
    """A Rest.li 2.0 query string: values encoded, lists as `List(a,b)`."""
    pairs = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list):
            text = "List(" + ",".join(quote(str(v), safe="") for v in value) + ")"
        else:
            text = quote(str(value), safe="")
        pairs.append(f"{name}={text}")
    return "&".join(pairs)


class LinkedIn:
    def __init__(self, *, token: str) -> None:
        self.token = token
        self.base = api.api_url()
        self._client = httpx.Client(timeout=TIMEOUT, **outbound.httpx_options())
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "LinkedIn-Version": api.version(),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def get(self, where: str, params: str = "") -> Any:
        return self.call("GET", where, params=params).body

    def post(self, where: str, body: dict[str, Any], params: str = "") -> Answer:
        return self.call("POST", where, params=params, body=body)

    def delete(self, where: str, params: str = "") -> Answer:
        return self.call("DELETE", where, params=params)

    def call(
        self, method: str, where: str, *, params: str = "", body: dict[str, Any] | None = None
    ) -> Answer:
        url = self.base + where + (f"?{params}" if params else "")
        headers = self.headers()
        if body is not None:
            headers["Content-Type"] = "application/json"
        content = _json(body) if body is not None else None
        return self._send(method, url, headers=headers, content=content, timeout=TIMEOUT)

    def upload(self, url: str, data: bytes, content_type: str) -> Answer:
        """PUT a file (or a video's part) to the upload URL LinkedIn gave."""
        headers = {"Content-Type": "application/octet-stream"}
        if _ours(url, self.base):
            headers["Authorization"] = f"Bearer {self.token}"
        return self._send("PUT", url, headers=headers, content=data, timeout=UPLOAD_TIMEOUT)

    def _send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        content: bytes | None,
        timeout: float,
    ) -> Answer:
        self.requests += 1
        try:
            with self._client.stream(
                method, url, headers=headers, content=content, timeout=timeout
            ) as response:
                raw = _read(response)
        except (httpx.HTTPError, OSError):
            raise Unavailable(outbound.UNREACHABLE) from None
        parsed = _parse(raw)
        if response.status_code >= 400:
            raise errors.translate(response.status_code, parsed, response.headers)
        return Answer(response.status_code, parsed, response.headers)


def _ours(url: str, base: str) -> bool:
    """Whether the token may go to `url`: LinkedIn's own hosts over https, or the configured
    API itself (its scheme and host: the double, in tests); never with credentials in it."""
    try:
        parts, mine = urlsplit(url), urlsplit(base)
        if parts.username is not None or parts.password is not None:
            return False
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme == mine.scheme and host == (mine.hostname or "").lower():
        return True
    return parts.scheme == "https" and (host == "linkedin.com" or host.endswith(".linkedin.com"))


def _json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _read(response: httpx.Response) -> bytes:
    deadline = time.monotonic() + TIMEOUT
    try:
        return outbound.read_httpx_bounded(response, limit=MAX_BODY, deadline=deadline)
    except outbound.OutboundCutShort:
        raise Unavailable(gettext("LinkedIn's answer was too long")) from None


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return boundedjson.json_loads_bounded(raw)
    except (ValueError, boundedjson.TooDeep):
        return None
