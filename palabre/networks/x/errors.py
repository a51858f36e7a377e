"""X API v2 errors turned into the connector's four.

X answers a refusal with an RFC 7807 problem, `{"title", "type", "status", "detail"}`, an
invalid request with `{"errors": [{"parameters", "message"}], "title", "detail", "type"}`:
https://docs.x.com/x-api/fundamentals/response-codes-and-errors
Rate limits: every answer carries `x-rate-limit-limit`, `x-rate-limit-remaining` and
`x-rate-limit-reset` (the window's end, in Unix seconds); past the limit, 429:
https://docs.x.com/x-api/fundamentals/rate-limits
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from django.utils.translation import gettext as _

from palabre.networks.base import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Unavailable,
)

DEFAULT_WAIT = 900.0  # X's windows last 15 minutes: when a 429 does not say, wait one out
MAX_WAIT = 24 * 3600.0  # a reset header saying more than a day is not believed
DUPLICATE = "duplicate content"  # in X's words: "…create a Tweet with duplicate content."


def retry_after(headers: httpx.Headers) -> float:
    """Seconds until the window resets, from `x-rate-limit-reset` (Unix seconds)."""
    raw = headers.get("x-rate-limit-reset", "")
    if raw.isascii() and raw.isdigit():
        # In whole seconds: a reset of 400 digits is past any float (OverflowError).
        wait = int(raw) - int(time.time())
        return float(min(max(wait, 1), int(MAX_WAIT)))
    return DEFAULT_WAIT


def detail_of(body: Any) -> str:
    """X's words for the refusal: its `detail`, else the first error's `message`."""
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else None
    for value in (
        body.get("detail"),
        first.get("message") if isinstance(first, dict) else None,
        body.get("title"),
    ):
        if isinstance(value, str) and value:
            return value[:500]
    return ""


def translate(status: int, body: Any, headers: httpx.Headers) -> ConnectorError:
    detail = detail_of(body)
    if status == 429:
        return RateLimited(
            _("X's request limit for this account is reached; Palabre waits until it resets."),
            retry_after=retry_after(headers),
        )
    if status == 401:
        return AuthExpired(
            _(
                "X no longer accepts Palabre's access to this account (%(reason)s). "
                "Connect the account again."
            )
            % {"reason": (detail or "Unauthorized").rstrip(".")}
        )
    if status == 403 and DUPLICATE in detail.lower():
        return Rejected(
            _(
                "X refuses a post whose text is the same as one the account already "
                "published. Change the text, then publish it again."
            )
        )
    if status == 403:
        return Rejected(
            _("Not allowed by X (%(reason)s).") % {"reason": (detail or "Forbidden").rstrip(".")}
        )
    if status >= 500 or status in (408, 425):
        return Unavailable(_("X answered %(status)s; it will be tried again.") % {"status": status})
    return Rejected(detail or _("X refused the request (%(status)s).") % {"status": status})
