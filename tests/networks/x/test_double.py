"""The X double's own behaviour: its OAuth 2.0 flow (PKCE, one-use rotating refresh tokens),
rate-limit headers and 429, duplicate refusal, injected faults. What the connector relies on
is checked again through the connector (palabre/networks/x/tests/)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse
from typing import Any

import httpx
import pytest

from tests.networks.x.double import SCOPES, XDouble

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def double() -> Any:
    server = XDouble().start()
    yield server
    server.stop()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode()
    return verifier, challenge.rstrip("=")


def _authorize(
    double: XDouble, account: str, challenge: str, *, decision: str = "allow"
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": double.app.client_id,
        "redirect_uri": "http://palabre.test/x/callback",
        "scope": SCOPES,
        "state": "st4te",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = httpx.get(f"{double.url}/i/oauth2/authorize", params=params)
    assert page.status_code == 200 and "Authorize app" in page.text
    answer = httpx.post(
        f"{double.url}/i/oauth2/authorize",
        data={**params, "account": account, "decision": decision},
    )
    assert answer.status_code == 302
    location = urllib.parse.urlsplit(answer.headers["location"])
    assert location.netloc == "palabre.test"
    return dict(urllib.parse.parse_qsl(location.query))


def _token(double: XDouble, **form: str) -> httpx.Response:
    return httpx.post(
        f"{double.url}/2/oauth2/token",
        data={"client_id": double.app.client_id, **form},
        auth=(double.app.client_id, double.app.client_secret),
    )


def test_the_code_is_exchanged_once_with_its_verifier(double: XDouble) -> None:
    brand = double.user("brand")
    verifier, challenge = _pkce()
    back = _authorize(double, brand.id, challenge)
    assert back["state"] == "st4te"
    wrong = _token(
        double,
        grant_type="authorization_code",
        code=back["code"],
        redirect_uri="http://palabre.test/x/callback",
        code_verifier="not-the-verifier",
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_request"
    # A refused exchange spends the code, as a replayed one would be.
    back = _authorize(double, brand.id, challenge)
    good = _token(
        double,
        grant_type="authorization_code",
        code=back["code"],
        redirect_uri="http://palabre.test/x/callback",
        code_verifier=verifier,
    )
    assert good.status_code == 200, good.text
    body = good.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 7200
    assert body["scope"] == SCOPES and body["refresh_token"]
    me = httpx.get(
        f"{double.url}/2/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["data"]["username"] == brand.username
    again = _token(
        double,
        grant_type="authorization_code",
        code=back["code"],
        redirect_uri="http://palabre.test/x/callback",
        code_verifier=verifier,
    )
    assert again.status_code == 400


def test_cancel_goes_back_with_access_denied(double: XDouble) -> None:
    brand = double.user("brand")
    back = _authorize(double, brand.id, _pkce()[1], decision="deny")
    assert back == {"error": "access_denied", "state": "st4te"}


def test_a_refresh_token_works_once_and_rotates(double: XDouble) -> None:
    brand = double.user("brand")
    first = double.token(brand, refresh=True)
    second = _token(double, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    replay = _token(double, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert replay.status_code == 400
    assert replay.json() == {
        "error": "invalid_request",
        "error_description": "Value passed for the token was invalid.",
    }
    third = _token(double, grant_type="refresh_token", refresh_token=rotated["refresh_token"])
    assert third.status_code == 200


def test_a_confidential_client_must_authenticate(double: XDouble) -> None:
    brand = double.user("brand")
    first = double.token(brand, refresh=True)
    bad = httpx.post(
        f"{double.url}/2/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        auth=(double.app.client_id, "wrong-secret"),
    )
    assert bad.status_code == 401


def test_an_expired_token_is_refused_with_401(double: XDouble) -> None:
    brand = double.user("brand")
    token = double.token(brand)
    double.expire(token)
    answer = httpx.get(f"{double.url}/2/users/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.json() == {
        "title": "Unauthorized",
        "type": "about:blank",
        "status": 401,
        "detail": "Unauthorized",
    }


def test_rate_limit_headers_count_down_then_429(double: XDouble) -> None:
    brand = double.user("brand")
    token = double.token(brand)
    double.limit("GET /2/users/me", 2)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        first = httpx.get(f"{double.url}/2/users/me", headers=headers)
        assert first.headers["x-rate-limit-limit"] == "2"
        assert first.headers["x-rate-limit-remaining"] == "1"
        httpx.get(f"{double.url}/2/users/me", headers=headers)
        third = httpx.get(f"{double.url}/2/users/me", headers=headers)
        assert third.status_code == 429
        assert third.headers["x-rate-limit-remaining"] == "0"
        assert int(third.headers["x-rate-limit-reset"]) > 0
    finally:
        double.reset()


def test_the_same_text_twice_is_refused_as_a_duplicate(double: XDouble) -> None:
    brand = double.user("brand")
    headers = {"Authorization": f"Bearer {double.token(brand)}"}
    first = httpx.post(f"{double.url}/2/tweets", json={"text": "Fresh bread"}, headers=headers)
    assert first.status_code == 201
    second = httpx.post(f"{double.url}/2/tweets", json={"text": "Fresh bread"}, headers=headers)
    assert second.status_code == 403
    assert "duplicate content" in second.json()["detail"]


def test_an_unknown_body_field_or_parameter_is_refused(double: XDouble) -> None:
    brand = double.user("brand")
    headers = {"Authorization": f"Bearer {double.token(brand)}"}
    body = httpx.post(f"{double.url}/2/tweets", json={"text": "x", "txet": "y"}, headers=headers)
    assert body.status_code == 400
    param = httpx.get(f"{double.url}/2/users/me", params={"tweet.fields": "id"}, headers=headers)
    assert param.status_code == 400
    assert param.json()["errors"][0]["parameters"] == {"tweet.fields": ["id"]}


def test_injected_faults(double: XDouble) -> None:
    brand = double.user("brand")
    headers = {"Authorization": f"Bearer {double.token(brand)}"}
    double.fail("/2/tweets", status=503)
    assert (
        httpx.post(f"{double.url}/2/tweets", json={"text": "a"}, headers=headers).status_code == 503
    )
    double.rate_limit("/2/tweets", reset_in=60)
    limited = httpx.post(f"{double.url}/2/tweets", json={"text": "a"}, headers=headers)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["x-rate-limit-reset"]) - double.world.now() <= 61
    assert (
        httpx.post(f"{double.url}/2/tweets", json={"text": "a"}, headers=headers).status_code == 201
    )


def test_a_missing_scope_is_refused(double: XDouble) -> None:
    brand = double.user("brand")
    headers = {"Authorization": f"Bearer {double.token(brand, scope='tweet.read users.read')}"}
    answer = httpx.post(f"{double.url}/2/tweets", json={"text": "a"}, headers=headers)
    assert answer.status_code == 403


def test_links_come_back_shortened_with_their_entities(double: XDouble) -> None:
    brand = double.user("brand")
    headers = {"Authorization": f"Bearer {double.token(brand)}"}
    text = "Horaires https://lumiere.example/horaires ici"
    made = httpx.post(f"{double.url}/2/tweets", json={"text": text}, headers=headers).json()
    assert "https://t.co/" in made["data"]["text"] and "lumiere.example" not in made["data"]["text"]
    read = httpx.get(
        f"{double.url}/2/tweets",
        params={"ids": made["data"]["id"], "post.fields": "entities"},
        headers=headers,
    ).json()["data"][0]
    [url] = read["entities"]["urls"]
    assert url["expanded_url"] == "https://lumiere.example/horaires"
    assert read["text"][url["start"] : url["end"]] == url["url"]
