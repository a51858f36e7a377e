"""The X API double as tests hold it: `XDouble`, the server (server.py) with its endpoints
(api.py, oauth.py) loaded, and a handle to make the world a test needs.

    double = XDouble().start()                  # or the `x_double` fixture (fixtures.py)
    brand = double.user("lumiere", "Boulangerie Lumière", followers=1200)
    token = double.token(brand)                  # a user token with every scope Palabre asks
    fan = double.user("fanny", "Fanny Fan")
    mention = double.post(fan, "@lumiere open on Sunday?")
    reply = double.post(fan, "Lovely!", reply_to=brand_post_id)
    double.expire(token); double.revoke(token)
    double.fail("/2/tweets", status=503); double.rate_limit("/2/tweets", reset_in=60)
    double.plan_media(polls=2, outcome="failed")  # the next video's processing
    double.tweet_names = True                     # answer in X's documented tweet names
    double.posts_by(brand)                        # what the account holds, newest first
    double.settings()                             # the PALABRE_* values pointing at it

Tests share one server per session: each makes its own accounts (unique usernames);
`reset()` (the fixture calls it after each test) clears faults, plans, limits and the clock
offset, not data.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from tests.networks.x import api, oauth  # noqa: F401 (routes)
from tests.networks.x.server import DoubleServer, Fault
from tests.networks.x.state import ACCESS_SECONDS, App, Post, Token, User, new_id

CLIENT_ID = "ZG91YmxlLXgtY2xpZW50OjE6Y2k"
CLIENT_SECRET = "double-x-client-secret-0123456789abcdef"  # noqa: S105 (a test double's)
# What Palabre asks for (issue 17).
SCOPES = "tweet.read tweet.write users.read offline.access tweet.moderate.write media.write"

_names = itertools.count(1)


class XDouble(DoubleServer):
    def __init__(self, *, port: int = 0) -> None:
        super().__init__(app=App(CLIENT_ID, CLIENT_SECRET, "Palabre (double)"), port=port)

    def start(self) -> XDouble:
        super().start()
        return self

    def settings(self) -> dict[str, Any]:
        return {
            "PALABRE_X_API_URL": self.url,
            "PALABRE_X_AUTHORIZE_URL": f"{self.url}/i/oauth2/authorize",
            "PALABRE_X_CLIENT_ID": self.app.client_id,
            "PALABRE_X_CLIENT_SECRET": self.app.client_secret,
        }

    def reset(self) -> None:
        with self.world.lock:
            self.faults.clear()
            self.media_plans.clear()
            self.limits.clear()
            self.spent.clear()
            self.world.offset = 0.0
            self.tweet_names = False

    # -- accounts and tokens -------------------------------------------------------------

    def user(
        self, username: str = "", name: str = "", *, followers: int = 0, exact: bool = False
    ) -> User:
        """A new account; `username` is made unique for the server's life (a suffix), unless
        `exact` (make x-local's ready accounts)."""
        base = (username or "account")[:10]
        unique = username if exact else f"{base}{next(_names)}"
        with self.world.lock:
            user = User(new_id(), unique, name or unique, followers=followers)
            self.world.users[user.id] = user
        return user

    def token(self, user: User, *, scope: str = SCOPES, refresh: bool = False) -> Any:
        """An access token for `user` (what connecting stores); with `refresh`, the whole
        token answer (`access_token`, `refresh_token`, `expires_in`…)."""
        with self.world.lock:
            answer = oauth.issue(self, user.id, self.app.client_id, scope)
        return answer if refresh else answer["access_token"]

    def access(self, value: str) -> Token:
        return self.world.tokens[value]

    def expire(self, token: str) -> None:
        with self.world.lock:
            self.world.tokens[token].expires_at = self.world.now() - 1

    def revoke(self, token: str) -> None:
        with self.world.lock:
            self.world.tokens[token].revoked = True

    def revoke_app(self, user_id: str) -> None:
        """The person removed the app in X's "Connected apps": every token of theirs dies,
        refresh tokens included."""
        with self.world.lock:
            for grant in [*self.world.tokens.values(), *self.world.refreshes.values()]:
                if grant.user_id == user_id:
                    grant.revoked = True

    def later(self, seconds: float = ACCESS_SECONDS + 1) -> None:
        """Move the double's clock on (tokens expire)."""
        with self.world.lock:
            self.world.offset += seconds

    # -- what people do on X ----------------------------------------------------------

    def post(
        self,
        author: User,
        text: str,
        *,
        reply_to: str | None = None,
        quote_of: str | None = None,
        likes: int = 0,
        reposts: int = 0,
        impressions: int = 0,
        lang: str = "und",
    ) -> Post:
        with self.world.lock:
            parent = self.world.posts[reply_to] if reply_to else None
            post = api.add_post(self.world, author, text, parent=parent, quote_of=quote_of)
            post.likes, post.reposts, post.impressions = likes, reposts, impressions
            post.lang = lang
        return post

    def get(self, post_id: str) -> Post | None:
        return self.world.posts.get(post_id)

    def posts_by(self, user: User) -> list[Post]:
        """The account's live posts, newest first."""
        with self.world.lock:
            return [p for p in self.world.live_posts() if p.author_id == user.id]

    def media(self, media_id: str) -> Any:
        return self.world.media.get(media_id)

    # -- behaviour --------------------------------------------------------------------

    def fail(
        self, path: str, *, status: int = 503, times: int = 1, method: str = "*", detail: str = ""
    ) -> None:
        """The next `times` requests to `path` (a glob) fail with `status`."""
        with self.world.lock:
            self.faults.append(Fault(method, path, status, times, detail))

    def rate_limit(
        self, path: str, *, reset_in: int = 900, times: int = 1, method: str = "*"
    ) -> None:
        """The next `times` requests to `path` answer 429 with `x-rate-limit-reset` in
        `reset_in` seconds."""
        with self.world.lock:
            self.faults.append(Fault(method, path, 429, times, reset_in=reset_in))

    def malformed(self, path: str, *, times: int = 1) -> None:
        """The next `times` requests to `path` get a 200 whose JSON is cut short."""
        with self.world.lock:
            self.faults.append(Fault("*", path, 200, times, kind="malformed"))

    def hang(self, path: str, *, seconds: float, times: int = 1) -> None:
        """The next `times` requests to `path` wait `seconds` before any answer."""
        with self.world.lock:
            self.faults.append(Fault("*", path, 503, times, kind="hang", seconds=seconds))

    def limit(self, route_glob: str, per_window: int) -> None:
        """Requests per 15 minutes allowed on routes matching `route_glob` ("GET /2/users/*")."""
        with self.world.lock:
            self.limits[route_glob] = per_window

    def plan_media(self, *, polls: int = 1, outcome: str = "succeeded") -> None:
        with self.world.lock:
            self.media_plans.append((polls, outcome))

    def new_secret(self) -> str:
        return secrets.token_urlsafe(8)
