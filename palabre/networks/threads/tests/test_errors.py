"""The Graph API's documented errors, as the double answers them, become the four."""

from __future__ import annotations

import pytest
from django.utils import translation

from palabre.networks.base import (
    AuthExpired,
    MediaUpload,
    OutgoingPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.networks.meta import errors
from palabre.networks.threads import publish
from palabre.networks.threads.tests.conftest import PNG, Brand
from tests.networks.meta.double import MetaDouble

CREATE = "/threads/v1.0/*/threads"


def _post(text: str = "Hello", **fields: object) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("subcode", [None, 463, 460])
def test_an_expired_or_revoked_token_needs_reconnecting(
    meta_double: MetaDouble, brand: Brand, subcode: int | None
) -> None:
    if subcode is None:
        meta_double.expire(brand.token)
    else:
        meta_double.revoke(brand.token, subcode=subcode)

    with pytest.raises(AuthExpired):
        brand.connector().publish(_post())
    with translation.override("en"), pytest.raises(AuthExpired) as dead:
        brand.connector().fetch_interactions(cursor=None)
    # Said to the channel's owners in their words, Meta's own (English) in brackets.
    assert dead.value.reason.startswith("Threads no longer accepts Palabre's access")
    assert "(Error validating access token" in dead.value.reason
    assert dead.value.reason.endswith("Connect the account again.")


def test_a_channel_without_credentials_needs_reconnecting(brand: Brand) -> None:
    brand.channel.save_credentials({})

    with pytest.raises(AuthExpired, match="not connected"):
        brand.connector().publishing_limit()


@pytest.mark.parametrize(
    ("code", "wait"),
    [
        (4, 3600),  # X-App-Usage at 100 %: up to an hour
        (17, errors.DEFAULT_WAIT),  # no header says when: the default wait
        (613, errors.DEFAULT_WAIT),
        (80001, 7 * 60),  # X-Business-Use-Case-Usage: estimated_time_to_regain_access
    ],
)
def test_a_rate_limit_waits_as_the_usage_headers_say(
    meta_double: MetaDouble, brand: Brand, code: int, wait: float
) -> None:
    meta_double.rate_limit(CREATE, code=code, regain_minutes=7)

    with pytest.raises(RateLimited) as limited:
        brand.connector().publish(_post())
    assert limited.value.retry_after == wait
    assert f"(#{code})" in limited.value.reason
    assert meta_double.threads_posts(brand.user) == []


def test_an_invalid_parameter_is_refused_in_the_networks_words(brand: Brand) -> None:
    with pytest.raises(Rejected) as refused:
        brand.connector().publish(_post(reply_control="nobody_at_all"))
    assert "reply_control must be one of" in refused.value.reason


def test_a_text_threads_finds_too_long_is_refused_in_its_words(brand: Brand) -> None:
    with pytest.raises(Rejected) as refused:
        brand.connector().publish(_post("x" * 501))
    assert "at most 500 characters" in refused.value.reason


@pytest.mark.parametrize("code", [1, 2])
def test_a_transient_error_is_tried_again_later(
    meta_double: MetaDouble, brand: Brand, code: int
) -> None:
    meta_double.fail("/threads/v1.0/*/threads_publish", code=code)

    with pytest.raises(Unavailable):
        brand.connector().publish(_post())
    assert meta_double.threads_posts(brand.user) == []


def test_an_answer_that_is_not_json_is_tried_again_later(
    meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.malformed("/threads/v1.0/*/threads_publishing_limit")

    with pytest.raises(Unavailable):
        brand.connector().publishing_limit()


def test_a_dropped_connection_is_tried_again_later(meta_double: MetaDouble, brand: Brand) -> None:
    meta_double.hang("/threads/v1.0/*/mentions", seconds=0.1)

    with pytest.raises(Unavailable):
        brand.connector().fetch_interactions(cursor=None)


def test_media_still_processing_past_the_deadline_is_tried_again_later(
    meta_double: MetaDouble, brand: Brand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "CONTAINER_DEADLINE", 0.2)
    meta_double.plan_containers(polls=10_000)
    url = meta_double.serve_media(PNG, "image/png")
    image = brand.connector().upload_media(MediaUpload("a.png", "image/png", PNG, public_url=url))

    with pytest.raises(Unavailable) as waiting:
        brand.connector().publish(_post(media=(image,)))
    assert waiting.value.reason == publish.STILL_PROCESSING
    assert meta_double.threads_posts(brand.user) == []
