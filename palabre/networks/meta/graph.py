"""One small client for Meta's Graph APIs: graph.facebook.com (Pages, Instagram) and
graph.threads.net (Threads) speak the same conventions.

- every request goes through the outbound guard (lib/outbound.py), with a timeout, and its
  answer is read within a size bound and parsed within a depth bound;
- the access token travels in the Authorization header (`Bearer`, as Meta's own examples
  send it: https://developers.facebook.com/docs/instagram-platform/private-replies), never in
  a URL, where request logs (httpx logs each URL at INFO) and proxies would keep it; its
  `appsecret_proof` (HMAC-SHA256 of the token keyed by the app secret, not a secret itself)
  goes as a parameter, as Meta advises for server calls:
  https://developers.facebook.com/docs/graph-api/securing-requests
- lists follow `paging.cursors.after`
  (https://developers.facebook.com/docs/graph-api/results), a bounded number of pages;
- a failure becomes one of the connector's four errors (errors.py); nothing else escapes;
- a path is ids and edge names joined by slashes, nothing else: ids come from webhooks and
  answers, and one holding `..`, `?` or `#` would make the request act on another object
  (deleting "a comment" deleted the brand's post). Such a path is refused (Rejected), sent
  nowhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from django.conf import settings
from django.utils.translation import gettext

from palabre.lib import boundedjson, outbound
from palabre.networks.base import (
    AuthExpired,
    ConnectorError,
    Media,
    MediaUpload,
    Rejected,
    Unavailable,
)
from palabre.networks.meta import errors

TIMEOUT = 20.0  # seconds; an unanswered request becomes Unavailable and is retried
MAX_BODY = 5 * 1024 * 1024  # no Graph answer Palabre reads is anywhere near this
MAX_PAGES = 10
# Graph ids ("1234", "1234_5678") and edge names ("me/accounts", "oauth/access_token").
ID = re.compile(r"[A-Za-z0-9_]+")
PATH = re.compile(r"[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)*")


@dataclass(frozen=True)
class Answer:
    body: dict[str, Any]
    headers: httpx.Headers


class Graph:
    """The Graph API at `base_url` (+ `version`), acting with `token`. An empty `version`
    reaches the unversioned paths (Threads' token endpoints: /oauth/access_token,
    /access_token, /refresh_access_token)."""

    def __init__(
        self, *, base_url: str, version: str, token: str, app_secret: str = "", network: str = ""
    ) -> None:
        self.base = "/".join(part for part in (base_url.rstrip("/"), version.strip("/")) if part)
        self.token = token
        self.app_secret = app_secret
        # The network's name for people ("Instagram"): a token it no longer accepts then
        # says so in their language, with Meta's English words in brackets, on the channel's
        # row and in its owners' notice.
        self.network = network
        self.last_usage: float | None = None  # the highest usage header seen, in percent
        # The `error` object of the last refused request: a connector that must tell one
        # refusal from another (a private reply already sent) reads its code here.
        self.last_error: dict[str, Any] | None = None
        self._client = httpx.Client(timeout=TIMEOUT, **outbound.httpx_options())

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", path, params=params).body

    def post(
        self, path: str, *, data: dict[str, Any] | None = None, files: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.call("POST", path, data=data or {}, files=files).body

    def delete(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("DELETE", path, params=params).body

    def edge(
        self, path: str, *, max_pages: int = MAX_PAGES, **params: Any
    ) -> Iterator[dict[str, Any]]:
        """The items of a list (`{"data": [...], "paging": {...}}`), page after page."""
        after = None
        for _ in range(max_pages):
            page = self.get(path, **params, **({"after": after} if after else {}))
            data = page.get("data")
            yield from (
                (item for item in data if isinstance(item, dict)) if isinstance(data, list) else ()
            )
            after = next_cursor(page)
            if not after:
                return

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
    ) -> Answer:
        self.last_error = None
        if not PATH.fullmatch(path):
            raise Rejected(
                gettext("This is not an identifier the network gives; nothing was sent.")
            )
        proof = self.proof()
        url = f"{self.base}/{path}"
        query = {**(params or {}), **(proof if method != "POST" else {})}
        form = {**(data or {}), **proof} if method == "POST" else None
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            with self._client.stream(
                method, url, params=_plain(query), data=_plain(form), files=files, headers=headers
            ) as response:
                raw = _read(response)
        except (httpx.HTTPError, outbound.OutboundRefused, OSError):
            raise Unavailable(outbound.UNREACHABLE) from None
        self.last_usage = errors.usage_percent(response.headers)
        body = _parse(raw)
        self.last_error = errors.error_of(body)
        if response.status_code >= 400 or self.last_error is not None:
            raise self._for_people(errors.translate(response.status_code, body, response.headers))
        if not isinstance(body, dict):
            raise Unavailable("the network's answer could not be read")
        return Answer(body, response.headers)

    def _for_people(self, error: ConnectorError) -> ConnectorError:
        if isinstance(error, AuthExpired) and self.network:
            return AuthExpired(
                gettext(
                    "%(network)s no longer accepts Palabre's access to this account "
                    "(%(reason)s). Connect the account again."
                )
                % {"network": self.network, "reason": error.reason.rstrip(".")}
            )
        return error

    def proof(self) -> dict[str, str]:
        if not self.token or not self.app_secret:
            return {}
        return {"appsecret_proof": appsecret_proof(self.token, self.app_secret)}


def appsecret_proof(token: str, app_secret: str) -> str:
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def next_cursor(page: dict[str, Any]) -> str | None:
    """`paging.cursors.after`, when the page says there is a next one."""
    paging = page.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None


def _plain(values: dict[str, Any] | None) -> dict[str, str] | None:
    """Graph parameters as text: lists and objects in JSON, booleans as true/false."""
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list | dict):
            out[key] = json.dumps(value, separators=(",", ":"))
        else:
            out[key] = str(value)
    return out


def _read(response: httpx.Response) -> bytes:
    deadline = time.monotonic() + TIMEOUT
    try:
        return outbound.read_httpx_bounded(response, limit=MAX_BODY, deadline=deadline)
    except outbound.OutboundCutShort:
        raise Unavailable("the network's answer was too long") from None


def _parse(raw: bytes) -> Any:
    try:
        return boundedjson.json_loads_bounded(raw) if raw else {}
    except (ValueError, boundedjson.TooDeep):
        return None


G = TypeVar("G", bound=Graph)


def meta_graph(token: str, *, kind: type[G] = Graph, network: str = "") -> G:  # type: ignore[assignment]
    """graph.facebook.com (Pages, Instagram) with the instance's Meta app, acting with `token`
    (`network`: the name its refusals give, "Instagram")."""
    return kind(
        base_url=settings.PALABRE_META_GRAPH_URL,
        version=settings.PALABRE_META_API_VERSION,
        token=token,
        app_secret=settings.PALABRE_META_APP_SECRET,
        network=network,
    )


def threads_graph(token: str) -> Graph:
    """graph.threads.net with the instance's Threads app, acting with `token`."""
    return Graph(
        base_url=settings.PALABRE_THREADS_GRAPH_URL,
        version=settings.PALABRE_THREADS_API_VERSION,
        token=token,
        app_secret=settings.PALABRE_THREADS_APP_SECRET,
        network="Threads",
    )


def media_by_url(upload: MediaUpload, *, network: str) -> Media:
    """`upload_media` where the network fetches each file itself (Instagram, Threads):
    nothing is sent, the signed public URL is what the post will name."""
    if not upload.public_url:
        raise Rejected(
            gettext(
                "%(network)s fetches each image or video from a public address, and this "
                "instance gave it none: it must be reachable from the internet."
            )
            % {"network": network}
        )
    return Media(
        remote_id=upload.public_url, alt_text=upload.alt_text, content_type=upload.content_type
    )
