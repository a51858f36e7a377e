from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from palabre.networks.base import AuthExpired
from palabre.networks.x import oauth
from palabre.networks.x.tests.tokenserver import CLIENT_ID, TokenServer

CALLBACK = "https://palabre.example/channels/x/callback/"


def test_the_authorize_url_asks_for_the_scopes_with_an_s256_challenge(token_server: TokenServer):
    verifier, challenge = oauth.pkce_pair()
    url = oauth.authorize_url(redirect_uri=CALLBACK, state="st", code_challenge=challenge)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path == "/i/oauth2/authorize"
    assert query["scope"] == (
        "tweet.read tweet.write users.read offline.access tweet.moderate.write media.write"
    )
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert (query["client_id"], query["state"], query["redirect_uri"]) == (
        CLIENT_ID,
        "st",
        CALLBACK,
    )
    assert 43 <= len(verifier) <= 128


def test_a_code_becomes_tokens_with_the_verifier_and_basic_auth(token_server: TokenServer):
    verifier, challenge = oauth.pkce_pair()
    token_server.state.codes["c0de"] = (challenge, CALLBACK)
    token = oauth.code_exchange(code="c0de", redirect_uri=CALLBACK, code_verifier=verifier)
    assert token.access_token in token_server.state.access_tokens
    assert token.refresh_token in token_server.state.refresh_tokens
    assert token.expires_at is not None
    sent = token_server.state.requests[-1]
    assert sent["grant_type"] == "authorization_code"
    assert sent["authorization"].startswith("Basic ")
    assert "client_secret" not in sent  # the secret goes in the header only
    account = oauth.account_me(access_token=token.access_token)
    assert (account.user_id, account.username) == ("2244994945", "lumiere")


def test_a_wrong_verifier_is_refused(token_server: TokenServer):
    _verifier, challenge = oauth.pkce_pair()
    token_server.state.codes["c0de"] = (challenge, CALLBACK)
    with pytest.raises(AuthExpired):
        oauth.code_exchange(code="c0de", redirect_uri=CALLBACK, code_verifier="another" * 7)


def test_a_refresh_token_works_once(token_server: TokenServer):
    first = token_server.state.grant()
    fresh = oauth.token_refresh(refresh_token=first["refresh_token"])
    assert fresh.refresh_token != first["refresh_token"]
    with pytest.raises(AuthExpired, match="X no longer accepts"):
        oauth.token_refresh(refresh_token=first["refresh_token"])


def test_a_public_client_sends_its_id_in_the_form(token_server: TokenServer, settings):
    settings.PALABRE_X_CLIENT_SECRET = ""
    with pytest.raises(AuthExpired):  # this double's app is confidential: refused
        oauth.token_refresh(refresh_token="r")
    sent = token_server.state.requests[-1]
    assert sent["client_id"] == CLIENT_ID and sent["authorization"] is None
