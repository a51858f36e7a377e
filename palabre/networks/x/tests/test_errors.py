"""X's errors, as the double answers them, become the four, each with a clear message."""

from __future__ import annotations

import time

import httpx
import pytest

from palabre.networks.base import AuthExpired, OutgoingPost, RateLimited, Rejected, Unavailable
from palabre.networks.x import errors
from palabre.networks.x.tests.conftest import Brand
from tests.networks.x.double import XDouble

pytestmark = [pytest.mark.network, pytest.mark.django_db]


def _post(text: str = "Bonjour") -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k")


def test_a_token_refused_before_its_end_is_renewed_once(x_double: XDouble, brand: Brand) -> None:
    x_double.expire(brand.token)  # X refuses it though Palabre thinks it has hours left
    published = brand.connector().publish(_post())
    assert x_double.get(published.remote_id) is not None
    assert brand.channel.credentials["access_token"] != brand.token  # renewed, kept
    assert brand.request_count() == 2  # the refused request, then the one that went through


def test_an_expired_token_needs_reconnecting(x_double: XDouble, brand: Brand) -> None:
    brand.channel.save_credentials({**brand.channel.credentials, "refresh_token": ""})
    x_double.expire(brand.token)
    with pytest.raises(AuthExpired) as dead:
        brand.connector().publish(_post())
    assert dead.value.reason.startswith("X no longer accepts Palabre's access")
    assert dead.value.reason.endswith("Connect the account again.")


def test_a_channel_without_credentials_needs_reconnecting(brand: Brand) -> None:
    brand.channel.save_credentials({})
    with pytest.raises(AuthExpired, match="not connected"):
        brand.connector().account_metrics()


def test_429_waits_until_the_reset(x_double: XDouble, brand: Brand) -> None:
    x_double.rate_limit("/2/tweets", reset_in=120)
    with pytest.raises(RateLimited) as limited:
        brand.connector().publish(_post())
    assert limited.value.retry_after is not None and 100 <= limited.value.retry_after <= 121
    assert "limit" in limited.value.reason


def test_the_limit_counted_by_the_double_is_read_too(x_double: XDouble, brand: Brand) -> None:
    x_double.limit("GET /2/users/me", 1)
    connector = brand.connector()
    connector.account_metrics()
    assert connector.client().last_limit is not None
    assert connector.client().last_limit[:2] == (1, 0)
    with pytest.raises(RateLimited):
        connector.account_metrics()


def test_a_duplicate_is_refused_with_a_clear_message(x_double: XDouble, brand: Brand) -> None:
    connector = brand.connector()
    connector.publish(_post("Même texte"))
    with pytest.raises(Rejected) as refused:
        connector.publish(_post("Même texte"))
    assert "same as one the account already published" in refused.value.reason


def test_503_is_passing(x_double: XDouble, brand: Brand) -> None:
    x_double.fail("/2/tweets", status=503)
    with pytest.raises(Unavailable, match="503"):
        brand.connector().publish(_post())


def test_an_unreachable_x_is_passing(brand: Brand, settings: object) -> None:
    settings.PALABRE_X_API_URL = "http://127.0.0.1:9"  # type: ignore[attr-defined]
    with pytest.raises(Unavailable):
        brand.connector().publish(_post())


def test_retry_after_reads_the_reset_header() -> None:
    soon = httpx.Headers({"x-rate-limit-reset": str(int(time.time()) + 60)})
    assert 58 <= errors.retry_after(soon) <= 61
    assert errors.retry_after(httpx.Headers({})) == errors.DEFAULT_WAIT
    absurd = httpx.Headers({"x-rate-limit-reset": "99999999999"})
    assert errors.retry_after(absurd) == errors.MAX_WAIT
    past = httpx.Headers({"x-rate-limit-reset": "1"})
    assert errors.retry_after(past) == 1.0


def test_an_invalid_request_says_xs_words() -> None:
    body = {
        "errors": [{"parameters": {"ids": ["x"]}, "message": "The `ids` value is invalid"}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    error = errors.translate(400, body, httpx.Headers({}))
    assert isinstance(error, Rejected) and "parameters" in error.reason
