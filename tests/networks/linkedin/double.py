"""The LinkedIn double as tests hold it: `LinkedInDouble`, the server (server.py) with a
handle to make the world a test needs.

    double = LinkedInDouble().start()        # or the `linkedin_double` fixture (fixtures.py)
    admin = double.member("Brigitte Boulanger")
    org = double.organization(admin, "Boulangerie Lumière", followers=1200)
    token = double.token(admin)              # what connecting stores (60 days)
    access, refresh = double.grant(admin)    # a token with its refresh token
    fan = double.member("Fanny Fan")
    comment = double.comment(post_urn, fan, "Lovely!"); double.comment(post_urn, fan, "…",
                                                                        parent=comment.urn)
    double.stats(post_urn, impressions=120, clicks=7, likes=9, shares=2)
    double.expire(token); double.revoke(token)
    double.fail("posts.create", 429, times=1)  # endpoint keys of declared.ENDPOINTS
    double.settings()                         # the PALABRE_LINKEDIN_* values pointing at it

Tests share one server per session: each makes its own members and organizations (unique
ids); `reset()` (the fixture calls it after each test) clears faults and the clock.
"""

from __future__ import annotations

import secrets
from typing import Any

from tests.networks.linkedin.server import (
    ACCESS_SECONDS,
    DEFAULT_VERSION,
    REFRESH_SECONDS,
    DoubleServer,
)
from tests.networks.linkedin.state import (
    Comment,
    Member,
    Organization,
    Post,
    Refresh,
    Token,
    small_id,
)

CLIENT_ID = "86double0linkedin"
CLIENT_SECRET = "double-linkedin-client-secret-0123"  # noqa: S105 (a test double's)
SCOPES = "w_organization_social r_organization_social rw_organization_admin"


class LinkedInDouble(DoubleServer):
    def __init__(self, *, port: int = 0) -> None:
        super().__init__(port=port, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        self.version = DEFAULT_VERSION

    def start(self) -> LinkedInDouble:
        super().start()
        return self

    @property
    def api_url(self) -> str:
        return self.url  # api.linkedin.com: <api_url>/rest/…

    @property
    def login_url(self) -> str:
        return self.url  # www.linkedin.com: <login_url>/oauth/v2/…

    def settings(self) -> dict[str, Any]:
        return {
            "PALABRE_LINKEDIN_API_URL": self.api_url,
            "PALABRE_LINKEDIN_LOGIN_URL": self.login_url,
            "PALABRE_LINKEDIN_API_VERSION": self.version,
            "PALABRE_LINKEDIN_CLIENT_ID": self.client_id,
            "PALABRE_LINKEDIN_CLIENT_SECRET": self.client_secret,
        }

    def reset(self) -> None:
        with self.world.lock:
            self.faults.clear()
            self.world.offset = 0.0
            self.refuse_duplicates = True
            self.grant_refresh_tokens = True
            self.video_polls = 0
            self.video_fails = False
            self.posted_hook = None

    # -- the world ----------------------------------------------------------------------

    def member(self, name: str) -> Member:
        member = Member(f"urn:li:person:{secrets.token_urlsafe(7)}", name)
        with self.world.lock:
            self.world.members[member.urn] = member
        return member

    def organization(
        self,
        admin: Member,
        name: str,
        *,
        followers: int = 0,
        role: str = "ADMINISTRATOR",
        vanity: str = "",
    ) -> Organization:
        org_id = small_id()
        org = Organization(org_id, name, vanity or f"org-{org_id}", followers, {admin.urn: role})
        with self.world.lock:
            self.world.organizations[org.id] = org
        return org

    def token(self, member: Member, *, scope: str = SCOPES, seconds: int = ACCESS_SECONDS) -> str:
        value = "AQV" + secrets.token_urlsafe(40)
        with self.world.lock:
            self.world.tokens[value] = Token(value, member.urn, scope, self.world.now() + seconds)
        return value

    def grant(
        self, member: Member, *, scope: str = SCOPES, seconds: int = ACCESS_SECONDS
    ) -> tuple[str, str]:
        access = self.token(member, scope=scope, seconds=seconds)
        refresh = "AQX" + secrets.token_urlsafe(40)
        with self.world.lock:
            self.world.refreshes[refresh] = Refresh(
                refresh, member.urn, scope, self.world.now() + REFRESH_SECONDS
            )
        return access, refresh

    def expire(self, token: str) -> None:
        with self.world.lock:
            self.world.tokens[token].expires_at = self.world.now() - 1

    def revoke(self, token: str) -> None:
        with self.world.lock:
            self.world.tokens[token].revoked = True

    def post(self, org: Organization, text: str) -> Post:
        """A post the organization published elsewhere (on LinkedIn itself)."""
        from tests.networks.linkedin.state import big_id

        body = {
            "author": org.urn,
            "commentary": text,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        with self.world.lock:
            post = Post(f"urn:li:share:{big_id()}", org.urn, text, body, self.world.now_ms())
            self.world.posts[post.urn] = post
        return post

    def comment(
        self, post_urn: str, member: Member | Organization, text: str, *, parent: str | None = None
    ) -> Comment:
        from tests.networks.linkedin.state import big_id

        actor = member.urn
        with self.world.lock:
            comment = Comment(
                str(big_id()), post_urn, actor, text, self.world.now_ms(), parent=parent
            )
            self.world.comments[comment.urn] = comment
        return comment

    def stats(
        self,
        post_urn: str,
        *,
        impressions: int = 0,
        unique: int | None = None,
        clicks: int = 0,
        likes: int = 0,
        shares: int = 0,
    ) -> None:
        with self.world.lock:
            post = self.world.posts[post_urn]
            post.impressions, post.clicks, post.likes, post.shares = (
                impressions,
                clicks,
                likes,
                shares,
            )
            post.unique_impressions = impressions if unique is None else unique

    # -- reading what is there (tests check the double's own state) -------------------

    def posts_of(self, org: Organization) -> list[Post]:
        with self.world.lock:
            return sorted(
                (p for p in self.world.posts.values() if p.author == org.urn and not p.deleted),
                key=lambda p: p.created_ms,
            )

    def comments_by(self, actor: str) -> list[Comment]:
        with self.world.lock:
            return sorted(
                (c for c in self.world.comments.values() if c.actor == actor and not c.deleted),
                key=lambda c: c.created_ms,
            )

    def get(self, urn: str) -> Post | Comment | None:
        with self.world.lock:
            found = self.world.posts.get(urn) or self.world.comments.get(urn)
        return None if found is None or found.deleted else found
