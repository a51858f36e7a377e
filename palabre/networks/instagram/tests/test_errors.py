"""The Graph API's documented errors, as the double answers them, become the connector's
four, each with words a person can act on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from palabre.networks.base import AuthExpired, OutgoingPost, RateLimited, Rejected, Unavailable
from palabre.networks.instagram.connector import InstagramConnector
from palabre.networks.instagram.tests.conftest import Brand
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.state import Container


@pytest.mark.parametrize("how", ["expired", "revoked", "password changed"])
def test_a_dead_token_asks_for_reconnecting(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, how: str
) -> None:
    if how == "expired":
        meta_double.expire(brand.token)
    else:
        meta_double.revoke(brand.token, subcode=458 if how == "revoked" else 460)
    with translation.override("en"), pytest.raises(AuthExpired) as dead:
        connector.account_metrics()
    # Shown to the channel's owners: in their words, Meta's own (English) in brackets.
    assert dead.value.reason.startswith("Instagram no longer accepts Palabre's access")
    assert "(Error validating access token" in dead.value.reason
    with pytest.raises(AuthExpired):
        connector.fetch_interactions(cursor=None)


def test_a_channel_without_credentials_needs_connecting(connector: InstagramConnector) -> None:
    connector.channel.save_credentials({})
    with translation.override("en"), pytest.raises(AuthExpired, match="not connected"):
        InstagramConnector(connector.channel).publishing_limit()


@pytest.mark.parametrize(
    ("code", "wait"),
    [
        (4, 3600),  # X-App-Usage at 100 %: the app is throttled for up to an hour
        (17, 600),  # no header says when: ten minutes, then try again
        (32, 7 * 60),  # X-Business-Use-Case-Usage: estimated_time_to_regain_access
        (613, 600),
    ],
)
def test_rate_limits_wait_as_long_as_the_usage_headers_say(
    connector: InstagramConnector, meta_double: MetaDouble, code: int, wait: int
) -> None:
    meta_double.rate_limit("/v26.0/*", code=code, regain_minutes=7)
    with pytest.raises(RateLimited) as limited:
        connector.account_metrics()
    assert limited.value.retry_after == wait
    assert f"(#{code})" in limited.value.reason
    assert connector.account_metrics().followers == 812  # and then it works again


def test_a_business_use_case_limit_waits_until_access_comes_back(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand
) -> None:
    usage = {
        brand.page.id: [
            {
                "type": "instagram",
                "call_count": 100,
                "total_cputime": 12,
                "total_time": 20,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    meta_double.fail(
        "/v26.0/*",
        code=80002,
        message="(#80002) There have been too many calls to this Instagram account.",
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    with pytest.raises(RateLimited) as limited:
        connector.account_metrics()
    assert limited.value.retry_after == 7 * 60


def test_a_publishing_refusal_gives_instagrams_message_for_people(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble
) -> None:
    meta_double.fail(
        "/v26.0/*/media",
        method="POST",
        code=36000,
        subcode=2207004,
        message="The image size is too large.",
        user_title="Image size too large",
        user_msg="The image is too large to download. It should be less than 8 MiB.",
    )
    with pytest.raises(Rejected) as refused:
        connector.publish(OutgoingPost("Big", "k-big", media=(upload("image"),)))
    assert (
        refused.value.reason == "The image is too large to download. It should be less than 8 MiB."
    )


def test_restricted_activity_is_a_refusal_not_a_rate_limit(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble
) -> None:
    """Code 4 is an application rate limit, except with subcode 2207051 (suspected spam)."""
    meta_double.fail(
        "/v26.0/*/media_publish",
        code=4,
        subcode=2207051,
        message="Application request limit reached",
        user_msg="We restrict certain activity to protect our community.",
    )
    with pytest.raises(Rejected, match="restrict certain activity"):
        connector.publish(OutgoingPost("Spammy?", "k-spam", media=(upload("image"),)))


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ({"code": 2, "message": "Service temporarily unavailable"}, Unavailable),
        ({"code": 1, "message": "An unknown error has occurred."}, Unavailable),
        (
            {"code": -1, "subcode": 2207001, "user_msg": "Instagram server error. Try again."},
            Unavailable,
        ),
        ({"code": 100, "transient": True, "message": "Please retry"}, Unavailable),
        ({"code": 100, "message": "(#100) Invalid parameter"}, Rejected),
    ],
)
def test_passing_failures_are_tried_again_and_refusals_are_not(
    connector: InstagramConnector, meta_double: MetaDouble, fault: dict[str, Any], kind: type
) -> None:
    meta_double.fail("/v26.0/*/content_publishing_limit", **fault)
    with pytest.raises(kind):
        connector.publishing_limit()


def test_an_unreadable_answer_or_none_is_a_passing_failure(
    connector: InstagramConnector, meta_double: MetaDouble
) -> None:
    meta_double.malformed("/v26.0/*/content_publishing_limit")
    with pytest.raises(Unavailable):
        connector.publishing_limit()
    meta_double.hang("/v26.0/*/content_publishing_limit", seconds=0.1, drop=True)
    with pytest.raises(Unavailable):
        connector.publishing_limit()
    assert connector.publishing_limit().total == 100


def test_a_server_error_while_making_a_container_is_tried_again_without_a_post(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.fail(
        "/v26.0/*/media", method="POST", code=-1, subcode=2207032, message="Create media fail"
    )
    post = OutgoingPost("Try again", "k-again", media=(upload("image"),))
    with pytest.raises(Unavailable):
        connector.publish(post)
    assert meta_double.world.of(Container, user_id=brand.ig.id) == []
    assert connector.publish(post).remote_id
