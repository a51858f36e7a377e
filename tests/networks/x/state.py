"""What the X double holds: accounts, posts, media, the OAuth 2.0 app, codes and tokens.

Ids are numeric strings that grow with time, as X's snowflake ids do (a newer post has a
greater id, `since_id` compares them as numbers).
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

ACCESS_SECONDS = 7200  # X's OAuth 2.0 access tokens live two hours
CODE_SECONDS = 30  # an authorization code must be exchanged within 30 seconds
REFRESH_SECONDS = 180 * 86400  # refresh tokens: six months (X documents none; a guess)

_ids = itertools.count(1_866_000_000_000_000_000 + int(time.time() * 1000) % 10**12 * 1000)


def new_id() -> str:
    return str(next(_ids))


@dataclass
class User:
    id: str
    username: str
    name: str
    followers: int = 0
    following: int = 0
    listed: int = 0


@dataclass
class Post:
    id: str
    author_id: str
    text: str
    created_at: float
    conversation_id: str
    in_reply_to: str | None = None  # the post it answers
    in_reply_to_user_id: str | None = None
    quote_of: str | None = None
    media_keys: list[str] = field(default_factory=list)
    hidden: bool = False
    deleted: bool = False
    likes: int = 0
    reposts: int = 0
    bookmarks: int = 0
    impressions: int = 0
    lang: str = "und"  # X's detected language (BCP 47); "und" when it could not tell


@dataclass
class Media:
    id: str
    media_key: str
    owner_id: str
    media_type: str  # image/jpeg, video/mp4…
    category: str  # tweet_image, tweet_video, tweet_gif…
    total_bytes: int
    created_at: float
    chunks: dict[int, bytes] = field(default_factory=dict)
    finalized: bool = False
    # Processing after FINALIZE (videos, GIFs): polls answered "in_progress" before the
    # outcome ("succeeded" or "failed").
    polls_left: int = 0
    outcome: str = "succeeded"
    alt_text: str = ""

    @property
    def size(self) -> int:
        return sum(len(c) for c in self.chunks.values())

    @property
    def state(self) -> str:
        if not self.finalized:
            return "pending"
        return "in_progress" if self.polls_left > 0 else self.outcome

    @property
    def kind(self) -> str:
        if self.category.endswith("gif"):
            return "animated_gif"
        return "video" if self.media_type.startswith("video/") else "photo"


@dataclass
class App:
    client_id: str
    client_secret: str
    name: str


@dataclass
class Code:
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    challenge: str
    method: str
    scope: str
    expires_at: float
    used: bool = False


@dataclass
class Token:
    value: str
    user_id: str
    client_id: str
    scope: str
    expires_at: float
    revoked: bool = False


@dataclass
class Refresh:
    value: str
    user_id: str
    client_id: str
    scope: str
    expires_at: float
    used: bool = False
    revoked: bool = False


@dataclass
class World:
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[str, User] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    refreshes: dict[str, Refresh] = field(default_factory=dict)
    offset: float = 0.0  # seconds added to the clock (tests make tokens expire)

    def now(self) -> float:
        return time.time() + self.offset

    def by_username(self, username: str) -> User | None:
        wanted = username.lower().lstrip("@")
        return next((u for u in self.users.values() if u.username.lower() == wanted), None)

    def live_posts(self) -> list[Post]:
        """Every post not deleted, newest first."""
        return sorted(
            (p for p in self.posts.values() if not p.deleted),
            key=lambda p: int(p.id),
            reverse=True,
        )
