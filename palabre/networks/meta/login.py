"""Facebook Login for Business: from the login dialog to the Pages (and their Instagram
professional accounts) the person manages, with a token for each.

1. The dialog, with the instance's login configuration (`config_id`), which holds the
   permissions: https://developers.facebook.com/docs/facebook-login/facebook-login-for-business
2. The code for a user token: GET /oauth/access_token?client_id&redirect_uri&client_secret&code
   https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow#confirm
3. That short-lived token for a long-lived one (grant_type=fb_exchange_token): Page tokens
   obtained with a long-lived user token do not expire.
   https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
4. Who logged in (/me: the app-scoped user id the deauthorize and deletion callbacks name)
   and their Pages: /me/accounts?fields=id,name,access_token,instagram_business_account{id,username}
   https://developers.facebook.com/docs/graph-api/reference/user/accounts
   https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/page
5. Each Page picked (or whose Instagram account is picked) is subscribed to the app's
   webhooks with its Page token (page_subscribe).

The user token is used for steps 3 and 4 and then dropped: nothing keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

from palabre.lib import outbound
from palabre.networks.base import ConnectorError, Unavailable
from palabre.networks.meta.graph import ID, Graph

PAGE_FIELDS = "id,name,access_token,instagram_business_account{id,username}"
MAX_PAGES = 20  # of 100 Pages each: an agency's person rarely manages more than 2,000


@dataclass(frozen=True)
class Account:
    """A Page or an Instagram professional account the person may connect."""

    connector: str  # "facebook" or "instagram"
    account_id: str  # the Page id, or the Instagram user id
    name: str
    handle: str
    page_id: str
    page_token: str

    def credentials(self) -> dict[str, str]:
        """What the connector reads (docs: the brief's interface, channel.credentials)."""
        if self.connector == "instagram":
            return {
                "ig_user_id": self.account_id,
                "page_id": self.page_id,
                "page_token": self.page_token,
            }
        return {"page_id": self.page_id, "page_token": self.page_token}


@dataclass(frozen=True)
class Login:
    user_id: str  # the app-scoped id of the person who logged in
    accounts: tuple[Account, ...]


def configured() -> bool:
    return bool(
        settings.PALABRE_META_APP_ID
        and settings.PALABRE_META_APP_SECRET
        and settings.PALABRE_META_CONFIG_ID
    )


def dialog_url(*, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "client_id": settings.PALABRE_META_APP_ID,
            "redirect_uri": redirect_uri,
            "config_id": settings.PALABRE_META_CONFIG_ID,
            "state": state,
            "response_type": "code",
            # Facebook Login for Business answers with a code for a server, not a token.
            "override_default_response_type": "true",
        }
    )
    base = settings.PALABRE_META_LOGIN_URL
    return f"{base}/{settings.PALABRE_META_API_VERSION}/dialog/oauth?{query}"


def _graph(token: str = "") -> Graph:
    return Graph(
        base_url=settings.PALABRE_META_GRAPH_URL,
        version=settings.PALABRE_META_API_VERSION,
        token=token,
        app_secret=settings.PALABRE_META_APP_SECRET,
    )


def login_finish(*, code: str, redirect_uri: str) -> Login:
    """Exchange the code, then read who logged in and what they manage. Raises the
    connector errors (AuthExpired/Rejected: the code was refused; Unavailable)."""
    app = {
        "client_id": settings.PALABRE_META_APP_ID,
        "client_secret": settings.PALABRE_META_APP_SECRET,
    }
    graph = _graph()
    try:
        short = _token_of(
            graph.get("oauth/access_token", **app, redirect_uri=redirect_uri, code=code)
        )
        long_lived = _token_of(
            graph.get(
                "oauth/access_token", **app, grant_type="fb_exchange_token", fb_exchange_token=short
            )
        )
    finally:
        graph.close()
    graph = _graph(long_lived)
    try:
        me = graph.get("me", fields="id")
        pages = list(graph.edge("me/accounts", max_pages=MAX_PAGES, fields=PAGE_FIELDS, limit=100))
    finally:
        graph.close()
    user_id = me.get("id")
    if not isinstance(user_id, str) or not ID.fullmatch(user_id):  # kept for the callbacks
        raise Unavailable(outbound.UNREACHABLE)
    return Login(user_id=user_id, accounts=tuple(_accounts(pages)))


def _token_of(answer: dict[str, object]) -> str:
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise Unavailable(outbound.UNREACHABLE)  # not the answer this endpoint gives
    return token


def _accounts(pages: list[dict[str, object]]) -> list[Account]:
    """Each Page with a token, then its Instagram professional account when it has one.
    A Page listed without a token (a task that does not allow acting for it) is left out."""
    found: list[Account] = []
    for page in pages:
        page_id, name, token = page.get("id"), page.get("name"), page.get("access_token")
        # An id becomes a channel's account and a Graph path: anything else is no Page.
        if not (isinstance(page_id, str) and ID.fullmatch(page_id) and isinstance(token, str)):
            continue
        if not token:
            continue
        name = str(name or page_id)[:100]
        found.append(Account("facebook", page_id, name, name, page_id, token))
        ig = page.get("instagram_business_account")
        if isinstance(ig, dict) and isinstance(ig.get("id"), str) and ID.fullmatch(ig["id"]):
            username = str(ig.get("username") or ig["id"])[:100]
            found.append(Account("instagram", ig["id"], username, "@" + username, page_id, token))
    return found


def page_subscribe(*, page_id: str, page_token: str) -> bool:
    """Subscribe the Page to the app's webhooks (its `feed`; the Instagram account linked to
    it then gets the app's Instagram fields too). Needs `pages_manage_metadata`; whether it
    worked: when not, nothing is lost, the inbox polls.
    https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps#Creating
    https://developers.facebook.com/docs/graph-api/webhooks/getting-started/webhooks-for-instagram
    """
    graph = _graph(page_token)
    try:
        answer = graph.post(f"{page_id}/subscribed_apps", data={"subscribed_fields": ["feed"]})
    except ConnectorError:
        return False
    finally:
        graph.close()
    return answer.get("success") is True
