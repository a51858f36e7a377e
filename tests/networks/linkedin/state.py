"""What the LinkedIn double holds: members, organizations, tokens, posts, media, comments.
Everything under one lock (`World.lock`); ids are unique for the server's life."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(7_300_000_000_000_000_001)
_small = itertools.count(10_000_001)


def big_id() -> int:
    return next(_ids)


def small_id() -> int:
    return next(_small)


@dataclass
class Member:
    urn: str  # urn:li:person:…
    name: str


@dataclass
class Organization:
    id: int
    name: str
    vanity: str
    followers: int = 0
    # member urn -> role (ADMINISTRATOR, CONTENT_ADMINISTRATOR, ANALYST…)
    roles: dict[str, str] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.id}"


@dataclass
class Token:
    value: str
    member: str
    scope: str
    expires_at: float
    revoked: bool = False


@dataclass
class Refresh:
    value: str
    member: str
    scope: str
    expires_at: float  # a refresh token's life is not extended by refreshing (REFRESH_DOC)


@dataclass
class Code:
    member: str
    redirect_uri: str
    scope: str
    client_id: str
    created: float = field(default_factory=time.time)
    used: bool = False


@dataclass
class Asset:
    """An image, video or document being uploaded or uploaded."""

    urn: str
    kind: str  # image, video, document
    owner: str
    size: int = 0  # videos: the declared size
    parts: list[bytes | None] = field(default_factory=list)
    etags: list[str] = field(default_factory=list)
    data: bytes = b""
    uploaded: bool = False
    finalized: bool = False
    upload_token: str = ""
    polls_left: int = 0  # GET answers PROCESSING this many more times
    failed: bool = False  # then PROCESSING_FAILED (a video LinkedIn could not process)

    @property
    def status(self) -> str:
        if not self.uploaded:
            return "WAITING_UPLOAD"
        if self.kind == "video" and not self.finalized:
            return "WAITING_UPLOAD"
        if self.polls_left > 0:
            return "PROCESSING"
        return "PROCESSING_FAILED" if self.failed else "AVAILABLE"


@dataclass
class Post:
    urn: str
    author: str
    commentary: str
    body: dict[str, Any]  # what was posted, as sent
    created_ms: int
    deleted: bool = False
    impressions: int = 0
    unique_impressions: int = 0
    clicks: int = 0
    likes: int = 0
    shares: int = 0

    @property
    def kind(self) -> str:
        return self.urn.split(":")[2]  # share or ugcPost


@dataclass
class Comment:
    id: str
    post: str  # the post's URN
    actor: str
    text: str
    created_ms: int
    parent: str | None = None  # the parent comment's URN
    deleted: bool = False
    attributes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def urn(self) -> str:
        return f"urn:li:comment:({self.post},{self.id})"


class World:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.members: dict[str, Member] = {}
        self.organizations: dict[int, Organization] = {}
        self.tokens: dict[str, Token] = {}
        self.refreshes: dict[str, Refresh] = {}
        self.codes: dict[str, Code] = {}
        self.assets: dict[str, Asset] = {}
        self.uploads: dict[str, tuple[str, int]] = {}  # upload token -> (asset urn, part)
        self.posts: dict[str, Post] = {}
        self.comments: dict[str, Comment] = {}  # by URN
        self.offset = 0.0  # seconds added to the clock (token expiry tests)

    def now(self) -> float:
        return time.time() + self.offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def comments_on(self, urn: str) -> list[Comment]:
        """The live comments whose parent is `urn` (a post: first-level comments; a comment:
        its replies), oldest first."""
        if urn.startswith("urn:li:comment:"):
            found = [c for c in self.comments.values() if c.parent == urn]
        else:
            found = [c for c in self.comments.values() if c.post == urn and c.parent is None]
        return sorted((c for c in found if not c.deleted), key=lambda c: (c.created_ms, c.id))
