"""What servers answer, read for its meaning (errors.py); the real answers of Takahē and
mastodon-mock are checked in tests/networks/test_contract.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from mastodon import errors as sdk

from palabre.networks.base import AuthExpired, RateLimited, Rejected, Unavailable
from palabre.networks.mastodon.errors import (
    UNREADABLE,
    RememberingSession,
    retry_after,
    translated,
)


class _Api:
    def __init__(self, status: int, text: str = "", headers: dict[str, str] | None = None):
        self.session = RememberingSession()
        self.session.last_status = status
        self.session.last_text = text
        self.session.last_headers = headers or {}


def _raised(api: _Api, error: Exception) -> Exception:
    with pytest.raises((AuthExpired, RateLimited, Rejected, Unavailable)) as raised:
        with translated(api):  # type: ignore[arg-type]
            raise error
    return raised.value


def _api_error(status: int, said: str | None) -> sdk.MastodonAPIError:
    return sdk.MastodonAPIError("Mastodon API returned error", status, "Reason", said)


@pytest.mark.parametrize(
    ("status", "said", "body", "expected"),
    [
        (400, None, "Invalid Bearer token", AuthExpired),  # Takahē, text/html
        (403, "Invalid credentials.", "", AuthExpired),  # Pleroma, Akkoma
        (403, "Your login is currently disabled", "", AuthExpired),
        (403, "Your login is missing a confirmed e-mail address", "", AuthExpired),
        (422, "This method requires an authenticated user", "", AuthExpired),
        (400, "The access token was revoked", "", AuthExpired),
        (403, "This action is not allowed", "", Rejected),
        (422, "Validation failed: Text character limit of 500 exceeded", "", Rejected),
        (400, "Status is too long", "", Rejected),  # Takahē
        (400, "The access token is invalid", "", AuthExpired),
        (403, "The access token expired", "", AuthExpired),
        # About the account acted on, not the brand's own: the channel still works.
        (403, "This account has been suspended", "", Rejected),
        (422, "Invalid idempotency token", "", Rejected),
        (422, "Validation failed: Account is disabled", "", Rejected),
        (403, "The reported account's credentials are invalid here", "", Rejected),
    ],
)
def test_a_refusal_is_read_for_its_meaning(
    status: int, said: str | None, body: str, expected: type
) -> None:
    found = _raised(_Api(status, body), _api_error(status, said))
    assert type(found) is expected
    assert found.reason == (said or body)


def test_a_successful_answer_that_cannot_be_read_is_a_passing_failure() -> None:
    error = sdk.MastodonAPIError("Could not parse response as JSON, response code was 200")
    found = _raised(_Api(200), error)
    assert isinstance(found, Unavailable) and found.reason == UNREADABLE


def test_a_missing_endpoint_says_what_the_server_does_not_offer() -> None:
    error = sdk.MastodonNotFoundError(
        "Mastodon API returned error", 404, "Not Found", "Endpoint not found."
    )
    with pytest.raises(Rejected) as refused, translated(missing="reports to its moderators"):
        raise error
    assert (
        refused.value.reason
        == "this server does not offer reports to its moderators through its API"
    )
    gone = sdk.MastodonNotFoundError(
        "Mastodon API returned error", 404, "Not Found", "Record not found"
    )
    with pytest.raises(Rejected) as refused, translated(missing="reports to its moderators"):
        raise gone
    assert refused.value.reason == "Record not found"


def test_retry_after_in_seconds_as_a_date_or_as_a_reset_moment() -> None:
    soon = datetime.now(UTC) + timedelta(seconds=120)
    assert retry_after({"Retry-After": "120"}) == 120
    assert 110 < (retry_after({"retry-after": format_datetime(soon, usegmt=True)}) or 0) <= 120
    assert 110 < (retry_after({"x-ratelimit-reset": soon.isoformat()}) or 0) <= 120
    assert retry_after({"Retry-After": "²"}) is None  # a digit Python reads, not a number
    assert retry_after({}) is None


def test_a_rate_limit_takes_its_wait_from_the_last_answer() -> None:
    api = _Api(429, headers={"Retry-After": "30"})
    found = _raised(api, sdk.MastodonRatelimitError("Hit rate limit."))
    assert isinstance(found, RateLimited) and found.retry_after == 30


def test_a_call_mastodon_py_will_not_make_is_refused_not_retried() -> None:
    with pytest.raises(Rejected), translated():
        raise sdk.MastodonVersionError("Version check failed (Need version 4.4.0)")
