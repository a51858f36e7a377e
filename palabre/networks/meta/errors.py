"""Graph API errors (Facebook, Instagram, Threads) turned into the connector's four.

The error body is documented at
https://developers.facebook.com/docs/graph-api/guides/error-handling
`{"error": {"message", "type", "code", "error_subcode", "is_transient", "error_user_title",
"error_user_msg", "fbtrace_id"}}`; the codes handled here are the ones that page lists,
with the rate-limit codes of https://developers.facebook.com/docs/graph-api/overview/rate-limiting
and Instagram's publishing errors (2207xxx subcodes) of
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
"""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
from django.utils.translation import gettext as _

from palabre.lib import boundedjson
from palabre.networks.base import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Unavailable,
)

# Access token expired, revoked, or the person changed their password (code 190 and its
# subcodes 458, 459, 460, 463, 464, 467); 102: the session is no longer valid.
TOKEN_CODES = frozenset({102, 190})
# The app lacks a permission for this action (10, 200–299). Refused, not "needs
# reconnecting": the same codes answer an action on one object the account may not touch
# (hiding a reply in someone else's thread), and a stranger's comment must never be able to
# stop a channel. The reason tells the person that connecting again may grant it.
PERMISSION_CODES = frozenset({10, *range(200, 300)})
# Application (4), user (17), page (32), custom (613) and business-use-case (80001–80014)
# rate limits.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2})  # unknown error, service temporarily unavailable
DEFAULT_WAIT = 600.0  # seconds, when a rate limit says nothing of when it ends
# The longest wait believed: Meta's throttling lasts an hour or so; a header saying years
# (or a number no date can hold) would stop a channel, or the worker's arithmetic.
MAX_WAIT = 24 * 3600.0
# Instagram's publishing errors come as codes (-2, -1, 4, 9, 36000…) whose meaning is in their
# 2207xxx subcode: server errors and failed downloads to try again with a new container; the
# 24-hour publishing limit reached (a wait, not a refusal); activity restricted as spam (code
# 4 there is no rate limit). Every other 2207xxx is a refusal, in the network's own words.
IG_TRY_AGAIN = frozenset({2207001, 2207003, 2207020, 2207032, 2207053})
IG_LIMIT_REACHED = 2207042
IG_RESTRICTED = 2207051


def error_of(body: Any) -> dict[str, Any] | None:
    """The `error` object of a Graph API answer, or None. Its `code` and `error_subcode`
    are whole numbers or None, whatever the answer held: every reader compares them with
    sets of codes, where a list or an object would raise TypeError."""
    if not (isinstance(body, dict) and isinstance(body.get("error"), dict)):
        return None
    error = dict(body["error"])
    for key in ("code", "error_subcode"):
        value = error.get(key)
        error[key] = value if isinstance(value, int) and not isinstance(value, bool) else None
    return error


def reason_of(error: dict[str, Any]) -> str:
    """The network's words for the person: its message meant for users where it gives one."""
    words = error.get("error_user_msg") or error.get("message") or ""
    return str(words)[:500]


def usage_wait(headers: httpx.Headers) -> float | None:
    """Seconds until access comes back, read from the usage headers when they say.

    X-Business-Use-Case-Usage: `{"<id>": [{"type", "call_count", "total_cputime",
    "total_time", "estimated_time_to_regain_access"}]}` (minutes);
    X-App-Usage / X-Ad-Account-Usage: `{"call_count", "total_cputime", "total_time"}`
    (percentages; at 100 the app is throttled for up to an hour): read only when no
    estimate is given.
    https://developers.facebook.com/docs/graph-api/overview/rate-limiting
    """
    waits: list[float] = []
    for name in ("x-business-use-case-usage",):
        value = _header_json(headers, name)
        if isinstance(value, dict):
            for entries in value.values():
                for entry in entries if isinstance(entries, list) else []:
                    minutes = _number(
                        entry.get("estimated_time_to_regain_access")
                        if isinstance(entry, dict)
                        else None
                    )
                    if minutes is not None and minutes > 0:
                        waits.append(min(minutes * 60, MAX_WAIT))
    if waits:
        # Meta's own estimate for the throttled business use case (the Page, the account).
        return max(waits)
    app = _header_json(headers, "x-app-usage")
    if isinstance(app, dict) and any(
        (_number(app.get(k)) or 0) >= 100 for k in ("call_count", "total_cputime", "total_time")
    ):
        return 3600.0
    return None


def usage_percent(headers: httpx.Headers) -> float | None:
    """The highest share of a quota used, in percent, that the usage headers state."""
    found: list[float] = []
    app = _header_json(headers, "x-app-usage")
    if isinstance(app, dict):
        found += [n for n in map(_number, app.values()) if n is not None]
    buc = _header_json(headers, "x-business-use-case-usage")
    if isinstance(buc, dict):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    found += [
                        n
                        for k in ("call_count", "total_cputime", "total_time")
                        if (n := _number(entry.get(k))) is not None
                    ]
    return max(found) if found else None


def _number(value: Any) -> float | None:
    """A finite number from a header's JSON; None for anything else (an integer too large
    for a float included: float() raises OverflowError on it)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _header_json(headers: httpx.Headers, name: str) -> Any:
    raw = headers.get(name)
    if not raw or len(raw) > 10_000:
        return None
    try:
        return boundedjson.json_loads_bounded(raw.encode())
    except (ValueError, boundedjson.TooDeep):
        return None


def translate(status: int, body: Any, headers: httpx.Headers) -> ConnectorError:
    """The connector error for a failed answer (`body`: its parsed JSON, or None)."""
    error = error_of(body)
    if error is None:
        if status == 429:
            return RateLimited("rate limited", retry_after=usage_wait(headers) or DEFAULT_WAIT)
        if status in (401,):
            return AuthExpired("the access token was refused")
        if status >= 500 or status in (408, 425):
            return Unavailable(f"the network answered {status}")
        return Rejected(f"the network answered {status}")
    code = error.get("code")
    subcode = error.get("error_subcode")
    reason = reason_of(error)
    if subcode == IG_LIMIT_REACHED:
        # Meta's words ("You reached the maximum number of posts…") say less than this, and
        # in English only: the person needs to know that the post waits, not that it failed.
        return RateLimited(
            _(
                "The account has published as many posts as the network allows in 24 hours: "
                "this post waits and goes out once the quota frees."
            ),
            retry_after=usage_wait(headers) or DEFAULT_WAIT,
        )
    if subcode == IG_RESTRICTED:
        return Rejected(reason)
    if subcode in IG_TRY_AGAIN:
        return Unavailable(reason)
    if code in TOKEN_CODES:
        return AuthExpired(reason)
    if code in PERMISSION_CODES:
        return Rejected(
            _(
                "Not allowed by the network (%(reason)s). If Palabre lacks a permission, connect the account again and allow it."
            )
            % {"reason": reason.rstrip(".")}
        )
    if code in RATE_LIMIT_CODES:
        return RateLimited(reason, retry_after=usage_wait(headers) or DEFAULT_WAIT)
    if error.get("is_transient") is True or code in TRANSIENT_CODES or status >= 500:
        return Unavailable(reason)
    return Rejected(reason)  # 100 invalid parameter, 368 blocked action, 506 duplicate, 2207xxx…


def describe(body: Any) -> str:
    """A short, safe description of an answer for a log line (never a token)."""
    try:
        return json.dumps(error_of(body) or {}, ensure_ascii=False)[:300]
    except (TypeError, ValueError):
        return ""
