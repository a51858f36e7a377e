"""Logging in and tokens: Facebook Login's dialog and code exchange, long-lived user tokens,
Page tokens (/me/accounts), /debug_token, revoking (DELETE /me/permissions); Threads' own
login, code exchange, long-lived tokens and their refresh.

Facebook: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
          https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
          https://developers.facebook.com/docs/graph-api/reference/debug_token
Threads:  https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
          https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
"""

from __future__ import annotations

import html
import urllib.parse
from typing import Any

from tests.networks.meta.server import (
    Call,
    GraphError,
    Html,
    Many,
    Redirect,
    invalid_param,
    route,
    view,
)
from tests.networks.meta.state import (
    CODE_SECONDS,
    DAY,
    LONG_LIVED_SECONDS,
    SHORT_LIVED_SECONDS,
    Page,
    Person,
    ThreadsUser,
    Token,
)

LOGIN_DOC = "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow"
THREADS_LOGIN_DOC = (
    "https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions"
)
LONG_LIVED_DOC = (
    "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived"
)
THREADS_LONG_LIVED_DOC = (
    "https://developers.facebook.com/docs/threads/get-started/long-lived-tokens"
)
DEBUG_TOKEN_DOC = "https://developers.facebook.com/docs/graph-api/reference/debug_token"

# The permissions a Facebook Login for Business configuration grants in the double.
FACEBOOK_SCOPES = [
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_manage_metadata",
    "pages_messaging",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "read_insights",
    "business_management",
]
THREADS_SCOPES = [
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_insights",
    "threads_keyword_search",
    "threads_manage_mentions",
    "threads_delete",
]


# --- Facebook Login ---------------------------------------------------------------------


def _dialog_error(message: str) -> Html:
    return Html(
        f"<!doctype html><title>Error</title><h1>Error</h1><p>{html.escape(message)}</p>", 400
    )


def _redirect(uri: str, **params: str) -> Redirect:
    parts = urllib.parse.urlsplit(uri)
    query = urllib.parse.parse_qsl(parts.query) + list(params.items())
    return Redirect(urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query))))


@route(
    "GET",
    "/",
    "dialog/oauth",
    returns="Html",
    base="www",
    auth="none",
    params={
        "client_id": "string",
        "redirect_uri": "string",
        "state": "string",
        "response_type": "string",
        "scope": "string",
        "config_id": "string",
        "override_default_response_type": "bool",
        "auth_type": "string",
    },
    doc=LOGIN_DOC,
)
def facebook_dialog(call: Call, _: None) -> Html:
    """The consent page: whoever drives it (a test, a browser) picks the person and Pages."""
    problem = _check_dialog(call, call.double.app.id)
    if problem:
        return _dialog_error(problem)
    people = [p for p in call.world.of(Person) if p.pages]
    rows = []
    for person in people:
        pages = "".join(
            f'<label><input type="checkbox" name="pages" value="{page.id}" data-person="{person.id}" checked> '
            f"{html.escape(page.name)}</label><br>"
            for page_id in person.pages
            if isinstance(page := call.world.get(page_id), Page)
        )
        rows.append(
            f'<fieldset><legend><label><input type="radio" name="person" value="{person.id}" '
            f'data-name="{html.escape(person.name)}"> {html.escape(person.name)}</label></legend>{pages}</fieldset>'
        )
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(call.params.get(k, ""))}">'
        for k in ("client_id", "redirect_uri", "state", "scope", "config_id")
    )
    return Html(
        "<!doctype html><html><head><title>Log in with Facebook</title></head><body>"
        "<h1>Log in with Facebook (Graph API double)</h1>"
        f'<form method="post" action="{call.double.login_url}/{call.double.version}/dialog/oauth/confirm">'
        f"{hidden}{''.join(rows)}"
        '<button type="submit" name="decision" value="allow">Continue</button> '
        '<button type="submit" name="decision" value="cancel">Cancel</button>'
        "</form></body></html>"
    )


def _check_dialog(call: Call, app_id: str) -> str:
    if call.params.get("client_id") != app_id:
        return "Invalid App ID: the client_id is not this app's."
    if not call.params.get("redirect_uri", "").startswith(("http://", "https://")):
        return "redirect_uri is missing or is not an absolute URL."
    if call.params.get("response_type", "code") != "code":
        return "Only response_type=code is served by the double."
    return ""


@route(
    "POST",
    "/",
    "dialog/oauth/confirm",
    returns="Html",
    base="www",
    auth="none",
    params={
        "client_id": "string",
        "redirect_uri": "string",
        "state": "string",
        "scope": "string",
        "config_id": "string",
        "person": "string",
        "pages": "string",
        "decision": "string",
    },
    doc=LOGIN_DOC,
)
def facebook_confirm(call: Call, _: None) -> Html | Redirect:
    problem = _check_dialog(call, call.double.app.id)
    if problem:
        return _dialog_error(problem)
    redirect_uri = call.params["redirect_uri"]
    state = call.params.get("state", "")
    if call.params.get("decision") == "cancel":
        return _redirect(
            redirect_uri,
            error="access_denied",
            error_code="200",
            error_description="Permissions error",
            error_reason="user_denied",
            state=state,
        )
    person = call.world.get(call.params.get("person", ""))
    if not isinstance(person, Person):
        return _dialog_error("Pick who logs in.")
    chosen = [p for p in call.multi.get("pages", []) if p in person.pages]
    code = call.world.new_code(
        app_id=call.double.app.id,
        redirect_uri=redirect_uri,
        subject=person.id,
        pages=chosen,
        scopes=list(FACEBOOK_SCOPES),
    )
    return _redirect(redirect_uri, code=code.value, state=state)


def _exchange_code(call: Call, app_id: str) -> Any:
    code = call.world.codes.get(call.params.get("code", ""))
    if code is None or code.app_id != app_id:
        raise GraphError(
            "Invalid verification code format.", code=100, subcode=36007, type="OAuthException"
        )
    if code.used:
        raise GraphError(
            "This authorization code has been used.", code=100, subcode=36009, type="OAuthException"
        )
    if code.issued + CODE_SECONDS < call.world.now():
        raise GraphError(
            "This authorization code has expired.", code=100, subcode=36007, type="OAuthException"
        )
    if call.params.get("redirect_uri") != code.redirect_uri:
        raise GraphError(
            "Error validating verification code. Please make sure your redirect_uri is identical "
            "to the one you used in the OAuth dialog request",
            code=100,
            subcode=36008,
            type="OAuthException",
        )
    code.used = True
    return code


def _check_client(call: Call) -> None:
    app = call.app()
    if call.params.get("client_id") != app.id:
        raise GraphError("Error validating application. Invalid application ID.", code=101)
    if call.params.get("client_secret") != app.secret:
        raise GraphError("Error validating client secret.", code=1, type="OAuthException")


@route(
    "GET",
    "/",
    "oauth/access_token",
    returns="OAuthToken",
    auth="none",
    params={
        "client_id": "string",
        "client_secret": "string",
        "redirect_uri": "string",
        "code": "string",
        "grant_type": "string",
        "fb_exchange_token": "string",
    },
    doc=LONG_LIVED_DOC,
)
def facebook_access_token(call: Call, _: None) -> dict[str, Any]:
    """The code exchange (a short-lived user token) or, with grant_type=fb_exchange_token,
    a long-lived one for a short-lived one."""
    _check_client(call)
    world = call.world
    app = call.double.app
    if call.params.get("grant_type") == "fb_exchange_token":
        old = world.tokens.get(call.params.get("fb_exchange_token", ""))
        if old is None or old.kind != "user" or old.app_id != app.id:
            raise GraphError("Invalid OAuth access token - Cannot parse access token", code=190)
        error = call.double.token_error(old)
        if error is not None:
            raise error
        token = world.new_token(
            app_id=app.id,
            kind="user",
            subject=old.subject,
            person_id=old.person_id,
            expires=world.now() + LONG_LIVED_SECONDS,
            long_lived=True,
            scopes=old.scopes,
            pages=old.pages,
            data_access_expires=world.now() + 90 * DAY,
        )
        return {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": LONG_LIVED_SECONDS,
        }
    if call.params.get("grant_type") not in (None, "authorization_code"):
        raise invalid_param("Unsupported grant_type")
    call.require("code", "redirect_uri")
    code = _exchange_code(call, app.id)
    token = world.new_token(
        app_id=app.id,
        kind="user",
        subject=code.subject,
        person_id=code.subject,
        expires=world.now() + SHORT_LIVED_SECONDS,
        scopes=code.scopes,
        pages=code.pages,
        data_access_expires=world.now() + 90 * DAY,
    )
    return {"access_token": token.value, "token_type": "bearer", "expires_in": SHORT_LIVED_SECONDS}


@view("person", "User", defaults=("name", "id"))
def person_view(call: Call, person: Person) -> dict[str, Any]:
    first, _, last = person.name.partition(" ")
    return {"id": person.id, "name": person.name, "first_name": first, "last_name": last or None}


@route("GET", "person", "", returns="User", sdk="User.api_get", auth="any")
def person_get(call: Call, person: Person) -> Person:
    return person


@route("GET", "person", "accounts", returns="list<Page>", sdk="User.get_accounts")
def person_accounts(call: Call, person: Person) -> Many:
    """The Pages the token was granted, each with a Page token (never expiring when the user
    token is long-lived). https://developers.facebook.com/docs/pages-api/getting-started"""
    token = call.token
    assert token is not None
    pages = [
        p
        for p in (call.world.get(i) for i in token.pages)
        if isinstance(p, Page) and person.id in p.admins
    ]
    call.context["page_tokens"] = {p.id: call.double.page_token_for(token, p) for p in pages}
    return Many(pages)


@route(
    "DELETE",
    "person",
    "permissions",
    returns="Success",
    sdk="User.delete_permissions",
    doc="https://developers.facebook.com/docs/facebook-login/guides/permissions/request-revoke",
)
def person_revoke(call: Call, person: Person) -> dict[str, Any]:
    """Revoking all permissions: every token the person gave this app stops working (190/458)."""
    for token in list(call.world.tokens.values()):
        if token.person_id == person.id and token.app_id == call.double.app.id:
            token.invalid_subcode = 458
    return {"success": True}


@route(
    "GET",
    "/",
    "debug_token",
    returns="DebugToken",
    auth="app",
    params={"input_token": "string"},
    doc=DEBUG_TOKEN_DOC,
)
def debug_token(call: Call, _: None) -> dict[str, Any]:
    call.require("input_token")
    token = call.world.tokens.get(call.params["input_token"])
    app = call.app()
    if token is None or token.app_id != app.id:
        return {
            "data": {
                "is_valid": False,
                "error": {"code": 190, "message": "Invalid OAuth access token."},
                "scopes": [],
            }
        }
    error = call.double.token_error(token)
    data: dict[str, Any] = {
        "app_id": app.id,
        "type": {"user": "USER", "page": "PAGE", "threads": "USER"}.get(token.kind, "APP"),
        "application": app.name,
        "data_access_expires_at": int(token.data_access_expires),
        "expires_at": int(token.expires) if token.expires else 0,
        "is_valid": error is None,
        "issued_at": int(token.issued),
        "scopes": token.scopes,
        "granular_scopes": [
            {
                "scope": s,
                **({"target_ids": token.pages} if s.startswith("pages_") and token.pages else {}),
            }
            for s in token.scopes
        ],
        "user_id": token.person_id or token.subject,
    }
    if token.kind == "page":
        data["profile_id"] = token.subject
    if error is not None:
        data["error"] = {"code": error.code, "message": error.message, "subcode": error.subcode}
    return {"data": data}


# --- Threads login ----------------------------------------------------------------------


@route(
    "GET",
    "/",
    "oauth/authorize",
    returns="Html",
    base="threads-www",
    auth="none",
    params={
        "client_id": "string",
        "redirect_uri": "string",
        "scope": "string",
        "response_type": "string",
        "state": "string",
    },
    doc=THREADS_LOGIN_DOC,
)
def threads_dialog(call: Call, _: None) -> Html:
    problem = _check_dialog(call, call.double.threads_app.id)
    if problem:
        return _dialog_error(problem)
    rows = "".join(
        f'<label><input type="radio" name="user" value="{u.id}" data-username="{html.escape(u.username)}"> '
        f"@{html.escape(u.username)}</label><br>"
        for u in call.world.of(ThreadsUser)
    )
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(call.params.get(k, ""))}">'
        for k in ("client_id", "redirect_uri", "state", "scope")
    )
    return Html(
        "<!doctype html><html><head><title>Log in to Threads</title></head><body>"
        "<h1>Allow access to your Threads profile (Graph API double)</h1>"
        f'<form method="post" action="{call.double.threads_login_url}/oauth/authorize/confirm">{hidden}{rows}'
        '<button type="submit" name="decision" value="allow">Allow</button> '
        '<button type="submit" name="decision" value="cancel">Cancel</button>'
        "</form></body></html>"
    )


@route(
    "POST",
    "/",
    "oauth/authorize/confirm",
    returns="Html",
    base="threads-www",
    auth="none",
    params={
        "client_id": "string",
        "redirect_uri": "string",
        "state": "string",
        "scope": "string",
        "user": "string",
        "decision": "string",
    },
    doc=THREADS_LOGIN_DOC,
)
def threads_confirm(call: Call, _: None) -> Html | Redirect:
    problem = _check_dialog(call, call.double.threads_app.id)
    if problem:
        return _dialog_error(problem)
    redirect_uri = call.params["redirect_uri"]
    state = call.params.get("state", "")
    if call.params.get("decision") == "cancel":
        return _redirect(
            redirect_uri,
            error="access_denied",
            error_reason="user_denied",
            error_description="Permissions error",
            state=state,
        )
    user = call.world.get(call.params.get("user", ""))
    if not isinstance(user, ThreadsUser):
        return _dialog_error("Pick a Threads profile.")
    scopes = [s for s in call.params.get("scope", "").replace(" ", ",").split(",") if s] or list(
        THREADS_SCOPES
    )
    code = call.world.new_code(
        app_id=call.double.threads_app.id,
        redirect_uri=redirect_uri,
        subject=user.id,
        pages=[],
        scopes=scopes,
    )
    # Threads appends "#_" to the redirect; the code is what precedes it.
    location = _redirect(redirect_uri, code=code.value, state=state).location
    return Redirect(location + "#_")


@route(
    "POST",
    "/",
    "oauth/access_token",
    returns="ThreadsShortToken",
    base="threads",
    auth="none",
    params={
        "client_id": "string",
        "client_secret": "string",
        "grant_type": "string",
        "redirect_uri": "string",
        "code": "string",
    },
    doc=THREADS_LOGIN_DOC,
)
def threads_code_exchange(call: Call, _: None) -> dict[str, Any]:
    _check_client(call)
    if call.params.get("grant_type") != "authorization_code":
        raise invalid_param("grant_type must be authorization_code")
    call.require("code", "redirect_uri")
    app = call.double.threads_app
    code = _exchange_code(call, app.id)
    token = call.world.new_token(
        app_id=app.id,
        kind="threads",
        subject=code.subject,
        person_id=code.subject,
        expires=call.world.now() + SHORT_LIVED_SECONDS,
        scopes=code.scopes,
    )
    return {"access_token": token.value, "user_id": int(code.subject)}


def _threads_long_lived(call: Call, old: Token) -> dict[str, Any]:
    token = call.world.new_token(
        app_id=old.app_id,
        kind="threads",
        subject=old.subject,
        person_id=old.person_id,
        expires=call.world.now() + LONG_LIVED_SECONDS,
        long_lived=True,
        scopes=old.scopes,
    )
    return {"access_token": token.value, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS}


@route(
    "GET",
    "/",
    "access_token",
    returns="OAuthToken",
    base="threads",
    auth="none",
    params={"grant_type": "string", "client_secret": "string", "access_token": "string"},
    doc=THREADS_LONG_LIVED_DOC,
)
def threads_exchange(call: Call, _: None) -> dict[str, Any]:
    if call.params.get("grant_type") != "th_exchange_token":
        raise invalid_param("grant_type must be th_exchange_token")
    if call.params.get("client_secret") != call.double.threads_app.secret:
        raise GraphError("Error validating client secret.", code=1)
    old = call.double.authenticate(call)
    if old.kind != "threads" or old.long_lived:
        raise invalid_param("A short-lived Threads user access token is expected")
    return _threads_long_lived(call, old)


@route(
    "GET",
    "/",
    "refresh_access_token",
    returns="OAuthToken",
    base="threads",
    auth="none",
    params={"grant_type": "string", "access_token": "string"},
    doc=THREADS_LONG_LIVED_DOC,
)
def threads_refresh(call: Call, _: None) -> dict[str, Any]:
    """A long-lived token at least 24 hours old and not yet expired becomes a new one."""
    if call.params.get("grant_type") != "th_refresh_token":
        raise invalid_param("grant_type must be th_refresh_token")
    old = call.double.authenticate(call)
    if old.kind != "threads" or not old.long_lived:
        raise invalid_param("Only long-lived Threads tokens can be refreshed")
    if old.issued + DAY > call.world.now():
        raise invalid_param("The access token must be at least 24 hours old to be refreshed")
    return _threads_long_lived(call, old)
