"""X's OAuth 2.0 with PKCE (oauth.py), against the X double's authorization page and token
endpoint (tests/networks/x/oauth.py)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from palabre.networks.base import AuthExpired
from palabre.networks.x import oauth
from palabre.networks.x.tests.consent import x_consent

CALLBACK = "https://palabre.example/channels/x/callback/"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _allowed(double: Any, user: Any) -> tuple[str, str]:
    """A code X gave for `user`, and the verifier that goes with it."""
    verifier, challenge = oauth.pkce_pair()
    url = oauth.authorize_url(redirect_uri=CALLBACK, state="st", code_challenge=challenge)
    back = x_consent(url, user=user)
    assert back.startswith(CALLBACK)
    assert _query(back)["state"] == "st"
    return _query(back)["code"], verifier


def test_the_authorize_url_asks_for_the_scopes_with_an_s256_challenge(x_double: Any) -> None:
    verifier, challenge = oauth.pkce_pair()
    url = oauth.authorize_url(redirect_uri=CALLBACK, state="st", code_challenge=challenge)
    assert url.startswith(f"{x_double.url}/i/oauth2/authorize?")
    query = _query(url)
    assert query["scope"] == (
        "tweet.read tweet.write users.read offline.access tweet.moderate.write media.write"
    )
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert (query["state"], query["redirect_uri"]) == ("st", CALLBACK)
    assert query["client_id"] == x_double.app.client_id
    assert 43 <= len(verifier) <= 128  # RFC 7636


def test_a_code_becomes_tokens_and_the_account(x_double: Any) -> None:
    brand = x_double.user("lumiere", "Lumière")
    code, verifier = _allowed(x_double, brand)
    token = oauth.code_exchange(code=code, redirect_uri=CALLBACK, code_verifier=verifier)
    assert x_double.access(token.access_token).user_id == brand.id
    assert token.refresh_token and token.expires_at is not None
    account = oauth.account_me(access_token=token.access_token)
    assert (account.user_id, account.username, account.name) == (
        brand.id,
        brand.username,
        "Lumière",
    )


def test_a_code_works_once_and_only_with_its_verifier(x_double: Any) -> None:
    code, verifier = _allowed(x_double, x_double.user("lumiere"))
    with pytest.raises(AuthExpired):
        oauth.code_exchange(code=code, redirect_uri=CALLBACK, code_verifier="w" * 64)
    with pytest.raises(AuthExpired):  # spent by the failed try, as X does
        oauth.code_exchange(code=code, redirect_uri=CALLBACK, code_verifier=verifier)


def test_a_refresh_token_works_once(x_double: Any) -> None:
    first = x_double.token(x_double.user("lumiere"), refresh=True)
    fresh = oauth.token_refresh(refresh_token=first["refresh_token"])
    assert fresh.refresh_token and fresh.refresh_token != first["refresh_token"]
    assert fresh.access_token != first["access_token"]
    with pytest.raises(AuthExpired, match="X no longer accepts"):
        oauth.token_refresh(refresh_token=first["refresh_token"])
    assert oauth.token_refresh(refresh_token=fresh.refresh_token).access_token


def test_the_client_authenticates_with_basic(x_double: Any, settings: Any) -> None:
    first = x_double.token(x_double.user("lumiere"), refresh=True)
    settings.PALABRE_X_CLIENT_SECRET = "not-the-secret"
    with pytest.raises(AuthExpired):
        oauth.token_refresh(refresh_token=first["refresh_token"])
    settings.PALABRE_X_CLIENT_SECRET = ""  # a public client: the id alone, in the form
    with pytest.raises(AuthExpired):  # the double's app is confidential: refused
        oauth.token_refresh(refresh_token=first["refresh_token"])
