"""Every refusal the Graph API documents, as the connector turns it into one of its four
errors, against the double: on a publish (POST) and on a poll (GET)."""

from __future__ import annotations

import pytest

from palabre.networks.base import AuthExpired, OutgoingPost, RateLimited, Rejected, Unavailable
from palabre.networks.meta import graph

ANY = "/v26.0/*"


def publish(brand) -> None:
    brand.connector.publish(OutgoingPost(text="Bonjour", idempotency_key="k"))


def poll(brand) -> None:
    brand.connector.fetch_interactions(cursor=None)


ACTIONS = [publish, poll]


@pytest.mark.parametrize("act", ACTIONS)
def test_an_expired_token_asks_for_reconnecting(brand, act) -> None:
    brand.double.expire(brand.token)
    with pytest.raises(AuthExpired) as expired:
        act(brand)
    assert "Session has expired" in expired.value.reason
    assert "Connect the Page again" in expired.value.reason


@pytest.mark.parametrize("act", ACTIONS)
def test_a_token_revoked_by_a_password_change_asks_for_reconnecting(brand, act) -> None:
    brand.double.revoke(brand.token, subcode=460)
    with pytest.raises(AuthExpired) as revoked:
        act(brand)
    assert "changed their password" in revoked.value.reason


def test_a_disconnected_channel_asks_for_reconnecting(brand) -> None:
    brand.channel.save_credentials({})
    with pytest.raises(AuthExpired) as gone:
        brand.channel.get_connector().fetch_interactions(cursor=None)
    assert gone.value.reason == "this channel is not connected"


@pytest.mark.parametrize("code", [4, 17, 32, 613])
@pytest.mark.parametrize("act", ACTIONS)
def test_a_rate_limit_waits_as_long_as_the_usage_headers_say(brand, act, code) -> None:
    brand.double.rate_limit(ANY, code=code, regain_minutes=7, business_id=brand.page.id)
    with pytest.raises(RateLimited) as limited:
        act(brand)
    assert limited.value.retry_after == 7 * 60
    assert "limit" in limited.value.reason and "(#" not in limited.value.reason
    assert "tries again in about 7 minutes" in limited.value.reason


def test_a_rate_limit_without_an_estimate_waits_for_the_app_usage_to_fall(brand) -> None:
    brand.double.rate_limit(ANY, code=4)  # X-App-Usage at 100%, no business use case
    with pytest.raises(RateLimited) as limited:
        publish(brand)
    assert limited.value.retry_after == 3600


def test_an_invalid_parameter_is_refused_in_the_networks_words(brand) -> None:
    brand.double.fail(ANY, code=100, message="(#100) Invalid parameter", status=400)
    with pytest.raises(Rejected) as refused:
        publish(brand)
    assert refused.value.reason == "Invalid parameter"


def test_a_blocked_action_is_refused_with_what_facebook_tells_the_person(brand) -> None:
    brand.double.fail(
        ANY,
        code=368,
        message="(#368) The action attempted has been deemed abusive or is otherwise disallowed",
        user_msg="Your post goes against our Community Standards on spam.",
    )
    with pytest.raises(Rejected) as refused:
        publish(brand)
    assert refused.value.reason == "Your post goes against our Community Standards on spam."


@pytest.mark.parametrize(
    "fault",
    [
        {"code": 1, "message": "An unknown error has occurred."},
        {
            "code": 2,
            "message": "An unexpected error has occurred. Please retry your request later.",
        },
        {"code": 100, "subcode": 1363030, "transient": True, "status": 400, "message": "Busy"},
    ],
)
@pytest.mark.parametrize("act", ACTIONS)
def test_a_transient_error_is_tried_again_later(brand, act, fault) -> None:
    brand.double.fail(ANY, **fault)
    with pytest.raises(Unavailable) as passing:
        act(brand)
    assert passing.value.reason == fault["message"]


@pytest.mark.parametrize("act", ACTIONS)
def test_a_malformed_answer_is_tried_again_later(brand, act) -> None:
    brand.double.malformed(ANY)
    with pytest.raises(Unavailable):
        act(brand)


def test_a_malformed_success_is_tried_again_later(brand) -> None:
    brand.double.malformed(ANY, status=200, body=b"<html>Service Unavailable</html>")
    with pytest.raises(Unavailable) as passing:
        publish(brand)
    assert passing.value.reason == "the network's answer could not be read"


@pytest.mark.parametrize("act", ACTIONS)
def test_no_answer_in_time_is_tried_again_later(brand, act, monkeypatch) -> None:
    monkeypatch.setattr(graph, "TIMEOUT", 0.5)
    brand.double.hang(ANY, seconds=1.5, drop=False)
    with pytest.raises(Unavailable):
        act(brand)


def test_a_closed_connection_is_tried_again_later(brand) -> None:
    brand.double.hang(ANY, seconds=0, drop=True)
    with pytest.raises(Unavailable):
        publish(brand)
