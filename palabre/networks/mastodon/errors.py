"""Mastodon.py's errors, and what servers answer, mapped to the four errors of base.py.

Servers do not all say a token is dead with a 401: Takahē answers 400 with a text/html
"Invalid Bearer token", Mastodon 403 "Your login is currently disabled" or 422 "This
method requires an authenticated user", Pleroma 403 "Invalid credentials.". So a 400, 403
or 422 is read for its meaning: a token or login problem needs a person to reconnect
(AuthExpired); anything else ("This action is not allowed", a validation error) is a
refusal of this request (Rejected).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from mastodon import Mastodon
from mastodon import errors as sdk
from requests.structures import CaseInsensitiveDict

from palabre.lib import outbound
from palabre.networks.base import AuthExpired, RateLimited, Rejected, Unavailable

log = logging.getLogger(__name__)

# What servers say of a dead token or of the account's own login (docs/networks.md): only
# wording about the access token, or about "your login", the account the token speaks for.
# A refusal about another account ("This account has been suspended", of the one muted or
# reported) is no reason to ask for a reconnection.
_AUTH_TROUBLE = re.compile(
    r"(invalid|revoked|expired|unknown)\W+(access|bearer|oauth)\W+token"  # "Invalid Bearer token"
    r"|access\W+token\W+((is|was|has\W+been)\W+)?(invalid|revoked|expired|required)"
    r"|^\W*invalid\W+credentials\W*$"  # Pleroma's whole answer
    r"|your login is (currently )?(disabled|pending)"
    r"|your login is missing a confirmed e-?mail"
    r"|this method requires an authenticated user",
    re.IGNORECASE,
)
READ_ALOUD = 500  # how much of an answer's body is kept to be read for its meaning
UNREADABLE = "the server's answer could not be read"
NO_SUCH_ENDPOINT = "this server does not offer {what} through its API"


class RememberingSession(requests.Session):
    """Remembers the last answer: Mastodon.py drops Retry-After on a 429, and the body of
    an error that is not JSON (Takahē's "Invalid Bearer token")."""

    last_status: int = 0
    last_headers: Mapping[str, str] = CaseInsensitiveDict()  # servers may send lower case
    last_text: str = ""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        self.last_status = response.status_code
        self.last_headers = response.headers
        # An event stream's body is not read here: it has no end, nor any bound (the guard
        # reads the others, bounded, before they come back).
        streamed = kwargs.get("stream", False)
        self.last_text = "" if response.ok or streamed else response.text[:READ_ALOUD]
        return response


def retry_after(headers: Mapping[str, str]) -> float | None:
    """How long a 429 asks to wait: Retry-After (seconds or a date), else Mastodon's
    X-RateLimit-Reset (a moment); None when it does not say. `headers`: any letter case."""
    headers = CaseInsensitiveDict(headers)
    value = headers.get("Retry-After")
    if value:
        if value.strip().isascii() and value.strip().isdigit():  # not "²"
            return float(value)
        try:
            return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
        except (TypeError, ValueError):
            return None
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            moment = datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return None
        return max((moment - datetime.now(UTC)).total_seconds(), 0.0)
    return None


def server_now(api: Mastodon) -> datetime:
    """The server's time, from its last answer's Date (its notifications' times are on its
    clock, which may not be ours); ours when it did not say."""
    try:
        said = parsedate_to_datetime(_session(api).last_headers.get("Date", ""))
    except (TypeError, ValueError):
        return datetime.now(UTC)
    return said if said.tzinfo else said.replace(tzinfo=UTC)


def _session(api: Mastodon | None) -> RememberingSession:
    found = getattr(api, "session", None)
    return found if isinstance(found, RememberingSession) else RememberingSession()


@contextmanager
def translated(api: Mastodon | None = None, *, missing: str = "") -> Iterator[None]:
    """Nothing but the four errors leaves this block. `missing`: what the request asks for,
    to say so when the server has no such endpoint (a 404 that is not JSON)."""
    try:
        yield
    except sdk.MastodonRatelimitError:
        headers = _session(api).last_headers
        raise RateLimited("rate limited", retry_after=retry_after(headers)) from None
    except sdk.MastodonUnauthorizedError as error:
        raise AuthExpired(_message(error)) from None
    except sdk.MastodonNetworkError as error:
        # Its text tells a closed port from a refused address or a web page: kept for the
        # operator's log, not for the person.
        log.info("Mastodon instance unreachable: %s", error)
        raise Unavailable(outbound.UNREACHABLE) from None
    except sdk.MastodonServerError as error:
        raise Unavailable(_message(error)) from None
    except sdk.MastodonNotFoundError as error:
        raise Rejected(_not_found(error, missing)) from None
    except sdk.MastodonAPIError as error:
        raise _refusal(error, _session(api)) from None
    except (sdk.MastodonIllegalArgumentError, sdk.MastodonError) as error:
        # An argument Mastodon.py refuses, or a call it thinks the server too old for:
        # trying again will not help.
        raise Rejected(_message(error)) from None


def _refusal(error: sdk.MastodonAPIError, session: RememberingSession) -> Exception:
    status = _status(error)
    if status is None and 200 <= session.last_status < 300:
        # Mastodon.py could not parse a successful answer: a broken or cut body.
        log.info("Mastodon instance sent an unreadable answer: %s", error)
        return Unavailable(UNREADABLE)
    said = _said(error, session)
    if status in (400, 403, 422) and _AUTH_TROUBLE.search(said):
        return AuthExpired(said)
    return Rejected(said)


def _said(error: sdk.MastodonAPIError, session: RememberingSession) -> str:
    """The server's own words: its JSON error, else a plain-text body (Takahē's "Invalid
    Bearer token"), else the status and its reason."""
    said = error.args[3] if len(error.args) > 3 else None
    if isinstance(said, str) and said:
        return said[:500]
    body = session.last_text.strip()
    return body[:500] if body and "<" not in body else _message(error)


def _status(error: Exception) -> int | None:
    # MastodonAPIError args: (text, status code, reason, the server's own message)
    status = error.args[1] if len(error.args) > 1 else None
    return status if isinstance(status, int) else None


def _not_found(error: sdk.MastodonNotFoundError, missing: str) -> str:
    said = error.args[3] if len(error.args) > 3 else None
    # Mastodon.py says "Endpoint not found." when the 404 carried no JSON error: the path
    # itself is unknown there (Takahē has no /api/v1/reports).
    if missing and (not said or said == "Endpoint not found."):
        return NO_SUCH_ENDPOINT.format(what=missing)
    return _message(error)


def _message(error: Exception) -> str:
    # The server's own message when it gave one, else the status and its reason.
    parts = [str(a) for a in error.args[1:] if a]
    return (parts[-1] if parts else str(error))[:500]
