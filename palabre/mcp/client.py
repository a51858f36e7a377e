"""Palabre's REST API as `palabre mcp` calls it: one token, JSON in and out, over HTTPS.

Every failure becomes an `ApiError` whose message an assistant can read and pass on: the
API's own problem (its stable `code`, and its `detail` in the token owner's language), or
what went wrong on the way there. Nothing else escapes, so no traceback reaches an assistant.

The token never travels in clear text (`api_base` refuses http:// but on this machine) and
never follows a redirect (httpx does not follow them unless asked): a redirect is reported,
for a person to correct the address.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

TOKEN_VARIABLE = "PALABRE_TOKEN"  # noqa: S105  the variable's name, not a secret
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
API_PATH = "/api/v1"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = "palabre-mcp"


class UnsafeUrl(ValueError):
    """--url is not an address the token may be sent to."""


class ApiError(Exception):
    """A call that did not succeed; its message is written for the assistant."""


class ApiRefused(ApiError):
    """Palabre answered with a problem document (application/problem+json)."""

    def __init__(self, status: int, code: str, detail: str, errors: list[str]) -> None:
        self.status, self.code, self.detail = status, code, detail
        said = f"Palabre refused this ({status} {code}): {detail}"
        super().__init__(f"{said} {'; '.join(errors)}".strip())


class ApiUnreachable(ApiError):
    """No answer: the address is wrong, the network or the server is down, or too slow."""


def api_base(url: str) -> str:
    """The API's root under the instance's address ("https://palabre.example" or its /api/v1).

    http:// only on this machine: anywhere else the token would cross the network readable.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(f"{url!r} is not an address: give https://your-palabre.example")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise UnsafeUrl(
            f"{url} is not https: the token would be sent in clear text. Use https:// "
            "(http:// is accepted for localhost and 127.0.0.1 only)."
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise UnsafeUrl(f"{url} carries a login, a query or a fragment: give the address only")
    path = parts.path.rstrip("/").removesuffix(API_PATH)
    return urlunsplit((parts.scheme, parts.netloc, f"{path}{API_PATH}/", "", ""))


class PalabreApi:
    """An HTTP client for one token. `get` and `post` return the answer's JSON."""

    def __init__(
        self, base: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.base = base
        self._http = httpx.AsyncClient(
            base_url=base,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            timeout=TIMEOUT,
            follow_redirects=False,
            transport=transport,
        )

    async def __aenter__(self) -> PalabreApi:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        kept = {name: value for name, value in (params or {}).items() if value not in (None, "")}
        return _answer(await self._send("GET", path, params=kept))

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        # One key per call: if the network fails after Palabre acted, the retry below gets
        # the first answer back instead of acting twice (the API keeps answers a day).
        key = uuid.uuid4().hex
        return _answer(await self._send("POST", path, json=body, headers={"Idempotency-Key": key}))

    async def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        try:
            return await self._http.request(method, path, **request)
        except httpx.TransportError:
            pass  # a dropped connection or a restarting server: once more
        try:
            return await self._http.request(method, path, **request)
        except httpx.TimeoutException:
            raise ApiUnreachable(
                f"Palabre at {self.base} did not answer in time, twice. If this was an action, "
                "it may have been done: read the conversation or the post before trying again."
            ) from None
        except httpx.TransportError as error:
            raise ApiUnreachable(
                f"Cannot reach Palabre at {self.base} ({str(error) or type(error).__name__}). "
                "Check the address and the network."
            ) from None


def _answer(response: httpx.Response) -> Any:
    if response.is_success:
        try:
            return response.json() if response.content else {}
        except ValueError:
            raise ApiError(_not_the_api(response)) from None
    if response.is_redirect:
        raise ApiError(
            f"{response.request.url} answers with a redirect to "
            f"{response.headers.get('Location', '?')}: give that address as --url (a token "
            "is never sent on to a redirect)."
        )
    problem = _problem(response)
    if problem is None:
        raise ApiError(_not_the_api(response))
    errors = [
        f"{e.get('field')}: {e.get('message')}" if e.get("field") else str(e.get("message"))
        for e in problem.get("errors") or []
        if isinstance(e, dict)
    ]
    raise ApiRefused(response.status_code, str(problem["code"]), str(problem["detail"]), errors)


def _problem(response: httpx.Response) -> dict[str, Any] | None:
    """The problem document, or None when the answer is not the API's (a proxy's page)."""
    if not response.headers.get("Content-Type", "").startswith("application/"):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and "code" in body and "detail" in body:
        return body
    return None


def _not_the_api(response: httpx.Response) -> str:
    return (
        f"{response.request.url} answered {response.status_code} {response.reason_phrase} "
        "without Palabre's JSON: is --url the address of a Palabre instance?"
    )
