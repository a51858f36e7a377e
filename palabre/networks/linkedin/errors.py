"""LinkedIn's refusals as the connector's four errors.

LinkedIn answers an error with its HTTP status and `{"status", "serviceErrorCode", "code",
"message"}` (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling):
- 401: the token is invalid, expired or revoked (65600/65601/65602): AuthExpired;
- 403: the member lacks the scope or their role on the organization: Rejected, saying so
  (a person must give the role back or connect with someone who has it);
- 422 (and 400, 404, 409, 413): the content was refused, a duplicate post among them
  ("Content is a duplicate of urn:li:share:…"): Rejected;
- 426: the API version Palabre asks for is no longer active: Rejected, naming the setting;
- 429: a throttle; LinkedIn's limits are per day and reset at midnight UTC
  (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits), so a
  DAY limit waits until then, anything else a minute (a Retry-After header wins);
- 5xx: Unavailable.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from django.utils.translation import gettext

from palabre.networks.base import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Unavailable,
)

DEFAULT_WAIT = 60.0
MAX_WAIT = 24 * 3600.0  # a day limit resets at midnight UTC: a longer wait is not believed


def message_of(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:500]
    return ""


def translate(
    status: int, body: Any, headers: httpx.Headers, *, now: datetime | None = None
) -> ConnectorError:
    reason = message_of(body) or f"HTTP {status}"
    if status == 401:
        return AuthExpired(
            gettext(
                "LinkedIn no longer accepts Palabre's access to this page (%(reason)s). "
                "Connect the page again."
            )
            % {"reason": reason.rstrip(".")}
        )
    if status == 403:
        return Rejected(
            gettext(
                "LinkedIn refused: the person who connected this page may no longer be one "
                "of its administrators, or did not grant this permission (%(reason)s)."
            )
            % {"reason": reason.rstrip(".")}
        )
    if status == 429:
        wait = retry_after(headers, reason, now=now)
        return RateLimited(
            gettext(
                "LinkedIn limits how often Palabre may act for this page (%(reason)s); "
                "Palabre tries again in about %(minutes)s minutes."
            )
            % {"reason": reason.rstrip("."), "minutes": max(1, round(wait / 60))},
            retry_after=wait,
        )
    if status == 426:
        return Rejected(
            gettext(
                "LinkedIn no longer serves the API version this instance asks for "
                "(%(reason)s): set PALABRE_LINKEDIN_API_VERSION to a newer one."
            )
            % {"reason": reason.rstrip(".")}
        )
    if status == 422 and "duplicate" in reason.lower():
        return Rejected(
            gettext("LinkedIn refused this post: the page published the same content already.")
        )
    if 400 <= status < 500:
        return Rejected(gettext("LinkedIn refused: %(reason)s") % {"reason": reason})
    return Unavailable(
        gettext("LinkedIn did not answer as expected (HTTP %(status)s).") % {"status": status}
    )


def retry_after(headers: httpx.Headers, reason: str, *, now: datetime | None = None) -> float:
    raw = headers.get("retry-after", "").strip()
    if raw.isascii() and raw.isdigit():  # not "²", which int() and float() refuse
        return float(min(int(raw), int(MAX_WAIT)))
    if " DAY " in f" {reason.upper()} ":
        now = now or datetime.now(UTC)
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return max(DEFAULT_WAIT, (midnight - now).total_seconds())
    return DEFAULT_WAIT
