"""X's OAuth 2.0 Authorization Code flow with PKCE, as the double plays it.

https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token

- `GET /i/oauth2/authorize` (x.com): `response_type=code`, `client_id`, `redirect_uri`,
  `scope` (space-separated), `state`, `code_challenge`, `code_challenge_method` (S256 or
  plain). A page asks which account authorizes the app ("Authorize app") or "Cancel";
  the answer goes back to `redirect_uri` with `code` and `state`, or `error=access_denied`.
- `POST /2/oauth2/token`, form-encoded: `grant_type=authorization_code` with `code`,
  `redirect_uri`, `code_verifier` (checked against the challenge) and `client_id`, or
  `grant_type=refresh_token` with `refresh_token`. A confidential client authenticates with
  HTTP Basic (client id and secret). A code works once, within 30 seconds. Access tokens
  live two hours; a refresh token comes with the `offline.access` scope and works **once**:
  each refresh answers a new one and the old one is refused from then on.
- `POST /2/oauth2/revoke`: `token`, `token_type_hint`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import urllib.parse
from typing import Any

from tests.networks.x import declared
from tests.networks.x.server import Call, Html, Redirect, XError, route
from tests.networks.x.state import (
    ACCESS_SECONDS,
    CODE_SECONDS,
    REFRESH_SECONDS,
    Code,
    Refresh,
    Token,
)

SCOPES = frozenset(
    {
        "tweet.read",
        "tweet.write",
        "tweet.moderate.write",
        "users.read",
        "follows.read",
        "follows.write",
        "offline.access",
        "space.read",
        "mute.read",
        "mute.write",
        "like.read",
        "like.write",
        "list.read",
        "list.write",
        "block.read",
        "block.write",
        "bookmark.read",
        "bookmark.write",
        "media.write",
    }
)
INVALID_TOKEN = "Value passed for the token was invalid."


def oauth_error(error: str, description: str, status: int = 400) -> XError:
    return XError(
        status,
        error,
        description,
        body={"error": error, "error_description": description},
        model=declared.OAuthError,
    )


def challenge_of(verifier: str, method: str) -> str:
    if method == "plain":
        return verifier
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _request_problem(call: Call, values: dict[str, str]) -> str:
    """What is wrong with an authorize request, or ""."""
    if values.get("client_id") != call.server.app.client_id:
        return "unknown client_id"
    if values.get("response_type") != "code":
        return "response_type must be code"
    if not values.get("redirect_uri", "").startswith(("http://", "https://")):
        return "redirect_uri is missing"
    if not values.get("state"):
        return "state is missing"
    if not values.get("code_challenge"):
        return "code_challenge is missing"
    if values.get("code_challenge_method", "plain") not in ("S256", "plain"):
        return "code_challenge_method must be S256 or plain"
    scopes = values.get("scope", "").split()
    if not scopes or not set(scopes) <= SCOPES:
        return "scope holds an unknown scope"
    return ""


FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


@route("GET", "/i/oauth2/authorize", returns=None, auth="none")
def authorize_page(call: Call) -> Html:
    problem = _request_problem(call, call.params)
    if problem:
        return Html(f"<h1>Something went wrong</h1><p>{html.escape(problem)}</p>", status=400)
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(call.params.get(name, ""))}">'
        for name in FIELDS
    )
    accounts = "".join(
        f'<option value="{html.escape(u.id)}">@{html.escape(u.username)} ({html.escape(u.name)})</option>'
        for u in sorted(call.world.users.values(), key=lambda u: u.username)
    )
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in call.params["scope"].split())
    return Html(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Authorize app - X (double)</title></head><body>
<h1>{html.escape(call.server.app.name)} wants to access your X account</h1>
<form method="post" action="/i/oauth2/authorize">{hidden}
<label for="account">Account</label> <select id="account" name="account">{accounts}</select>
<p>It will be able to:</p><ul>{scopes}</ul>
<button type="submit" name="decision" value="allow">Authorize app</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>"""
    )


@route("POST", "/i/oauth2/authorize", returns=None, auth="none")
def authorize_answer(call: Call) -> Html | Redirect:
    values = call.form()
    problem = _request_problem(call, values)
    if problem:
        return Html(f"<h1>Something went wrong</h1><p>{html.escape(problem)}</p>", status=400)
    back = values["redirect_uri"]
    join = "&" if "?" in back else "?"
    if values.get("decision") != "allow":
        query = urllib.parse.urlencode({"error": "access_denied", "state": values["state"]})
        return Redirect(f"{back}{join}{query}")
    user = call.world.users.get(values.get("account", ""))
    if user is None:
        return Html("<h1>Choose an account</h1>", status=400)
    code = secrets.token_urlsafe(32)
    call.world.codes[code] = Code(
        code=code,
        client_id=values["client_id"],
        user_id=user.id,
        redirect_uri=back,
        challenge=values["code_challenge"],
        method=values.get("code_challenge_method", "plain"),
        scope=values["scope"],
        expires_at=call.world.now() + CODE_SECONDS,
    )
    return Redirect(
        f"{back}{join}{urllib.parse.urlencode({'state': values['state'], 'code': code})}"
    )


@route("POST", "/2/oauth2/token", returns=declared.OAuthToken, auth="none")
def token(call: Call) -> dict[str, Any]:
    form = call.form()
    client_id, secret = call.server.client_of(call)
    app = call.server.app
    if client_id != app.client_id or (secret and secret != app.client_secret):
        raise oauth_error("unauthorized_client", "Missing valid authorization header", status=401)
    if "authorization" not in call.headers and app.client_secret:
        # A confidential client (the app has a secret) must authenticate with Basic.
        raise oauth_error("unauthorized_client", "Missing valid authorization header", status=401)
    grant = form.get("grant_type")
    if grant == "authorization_code":
        return _exchange(call, form, client_id)
    if grant == "refresh_token":
        return _refresh(call, form, client_id)
    raise oauth_error("invalid_request", "Missing required parameter [grant_type].")


def _exchange(call: Call, form: dict[str, str], client_id: str) -> dict[str, Any]:
    code = call.world.codes.get(form.get("code", ""))
    if (
        code is None
        or code.used
        or code.expires_at < call.world.now()
        or code.client_id != client_id
    ):
        raise oauth_error("invalid_request", "Value passed for the authorization code was invalid.")
    code.used = True
    if form.get("redirect_uri") != code.redirect_uri:
        raise oauth_error(
            "invalid_request",
            "Value passed for the redirect uri did not match the uri of the authorization code.",
        )
    verifier = form.get("code_verifier", "")
    if not verifier or challenge_of(verifier, code.method) != code.challenge:
        raise oauth_error(
            "invalid_request",
            "Value passed for the code verifier did not match the code challenge.",
        )
    return issue(call.server, code.user_id, client_id, code.scope)


def _refresh(call: Call, form: dict[str, str], client_id: str) -> dict[str, Any]:
    world = call.world
    old = world.refreshes.get(form.get("refresh_token", ""))
    if (
        old is None
        or old.used
        or old.revoked
        or old.client_id != client_id
        or old.expires_at < world.now()
    ):
        raise oauth_error("invalid_request", INVALID_TOKEN)
    old.used = True  # one use: the answer's refresh token replaces it
    return issue(call.server, old.user_id, client_id, old.scope)


def issue(server: Any, user_id: str, client_id: str, scope: str) -> dict[str, Any]:
    world = server.world
    access = secrets.token_urlsafe(40)
    world.tokens[access] = Token(access, user_id, client_id, scope, world.now() + ACCESS_SECONDS)
    out: dict[str, Any] = {
        "token_type": "bearer",
        "expires_in": ACCESS_SECONDS,
        "access_token": access,
        "scope": scope,
    }
    if "offline.access" in scope.split():
        refresh = secrets.token_urlsafe(40)
        world.refreshes[refresh] = Refresh(
            refresh, user_id, client_id, scope, world.now() + REFRESH_SECONDS
        )
        out["refresh_token"] = refresh
    return out


@route("POST", "/2/oauth2/revoke", returns=declared.Revoked, auth="none")
def revoke(call: Call) -> dict[str, Any]:
    form = call.form()
    client_id, _secret = call.server.client_of(call)
    if client_id != call.server.app.client_id:
        raise oauth_error("unauthorized_client", "Missing valid authorization header", status=401)
    value = form.get("token", "")
    if value in call.world.tokens:
        call.world.tokens[value].revoked = True
    if value in call.world.refreshes:
        call.world.refreshes[value].revoked = True
    return {"revoked": True}
