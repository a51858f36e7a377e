"""The double's world, in memory: apps, people, Pages, Instagram and Threads accounts, posts,
comments, media containers and access tokens. Every object is a `Node` with a Graph id;
`World.nodes` finds any of them by id, as the Graph API does.

Ids are numeric strings unique for the server's whole life (tests sharing one server pick
their own objects, never a fixed id). Time is `World.now()`, which tests may move forward
(`advance`) to expire tokens and containers.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Page tokens got from a long-lived user token never expire; short-lived user tokens last
# about an hour, long-lived ones about 60 days.
# https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
SHORT_LIVED_SECONDS = 3600
LONG_LIVED_SECONDS = 60 * 24 * 3600
CODE_SECONDS = 600
# Instagram: 100 API-published posts per 24 hours; containers expire after 24 hours.
# https://developers.facebook.com/docs/instagram-platform/content-publishing
IG_QUOTA = 100
CONTAINER_SECONDS = 24 * 3600
# Threads: 250 posts and 1000 replies per 24 hours.
# https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting
THREADS_QUOTA = 250
THREADS_REPLY_QUOTA = 1000
DAY = 24 * 3600


@dataclass
class Node:
    id: str
    kind: ClassVar[str] = ""

    @property
    def owner(self) -> str:
        """Whose token may act on it: a Page, a Threads user, a person."""
        return self.id


@dataclass
class App:
    id: str
    secret: str
    name: str
    platform: str  # "facebook" or "threads"


@dataclass
class Person(Node):
    """Somebody with a Facebook account (a Page's admin, or a fan)."""

    kind: ClassVar[str] = "person"
    name: str = ""
    pages: list[str] = field(default_factory=list)  # the Pages this person administers


@dataclass
class Page(Node):
    kind: ClassVar[str] = "page"
    name: str = ""
    username: str = ""
    category: str = "Bakery"
    fan_count: int = 0
    followers_count: int = 0
    ig_user_id: str | None = None
    admins: list[str] = field(default_factory=list)
    tasks: list[str] = field(
        default_factory=lambda: ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]
    )
    follows_by_day: dict[str, int] = field(default_factory=dict)  # "2026-05-01" → new follows
    reach_by_day: dict[str, int] = field(default_factory=dict)  # "2026-05-01" → people reached
    # The fields the app is subscribed to for this Page's webhooks (subscribed_apps).
    subscribed_fields: list[str] = field(default_factory=list)

    @property
    def link(self) -> str:
        return f"https://www.facebook.com/{self.username or self.id}"


@dataclass
class Post(Node):
    """A post on a Page: published by the Page, or a visitor's post on it (`by` a person)."""

    kind: ClassVar[str] = "post"
    page_id: str = ""
    by: str = ""  # the page id, or the visitor's person id
    message: str = ""
    link: str | None = None
    created: float = 0.0
    published: bool = True
    photos: list[str] = field(default_factory=list)
    video_id: str | None = None
    is_hidden: bool = False
    tagged: bool = False  # a post elsewhere that tags the Page
    stats: dict[str, Any] = field(default_factory=dict)  # insights and counts a test sets

    @property
    def owner(self) -> str:
        return self.page_id


@dataclass
class Photo(Node):
    kind: ClassVar[str] = "photo"
    page_id: str = ""
    url: str | None = None
    size: int = 0
    caption: str = ""
    alt_text: str = ""
    published: bool = True
    created: float = 0.0
    post_id: str | None = None

    @property
    def owner(self) -> str:
        return self.page_id


@dataclass
class Video(Node):
    kind: ClassVar[str] = "video"
    page_id: str = ""
    url: str | None = None
    size: int = 0
    title: str = ""
    description: str = ""
    created: float = 0.0
    post_id: str | None = None

    @property
    def owner(self) -> str:
        return self.page_id


@dataclass
class Comment(Node):
    """A comment on a Page's post (or a reply: `parent_id` is then a comment)."""

    kind: ClassVar[str] = "comment"
    page_id: str = ""
    post_id: str = ""
    parent_id: str | None = None
    by: str = ""  # a person id or the page id
    message: str = ""
    created: float = 0.0
    is_hidden: bool = False
    private_reply_sent: bool = False

    @property
    def owner(self) -> str:
        return self.page_id


@dataclass
class IGUser(Node):
    """An Instagram professional account (linked to a Page), or a fan's account (no Page)."""

    kind: ClassVar[str] = "ig_user"
    username: str = ""
    name: str = ""
    page_id: str | None = None
    followers_count: int = 0
    follows_count: int = 0
    biography: str = ""
    published_at: list[float] = field(default_factory=list)  # for the 24-hour quota
    quota_total: int = IG_QUOTA
    follower_count_by_day: dict[str, int] = field(default_factory=dict)
    subscribed_fields: list[str] = field(default_factory=list)

    @property
    def owner(self) -> str:
        return self.page_id or self.id


@dataclass
class Container(Node):
    """A media container (Instagram or Threads) waiting to be published.

    Its status is IN_PROGRESS for `polls_left` reads, then `outcome` (FINISHED, ERROR,
    EXPIRED); PUBLISHED once published; EXPIRED 24 hours after creation."""

    kind: ClassVar[str] = "container"
    platform: str = "instagram"  # or "threads"
    user_id: str = ""  # the IG user or Threads user
    media_type: str = "IMAGE"
    image_url: str | None = None
    video_url: str | None = None
    text: str = ""  # caption (Instagram) or text (Threads)
    alt_text: str = ""
    is_carousel_item: bool = False
    children: list[str] = field(default_factory=list)
    reply_to_id: str | None = None
    reply_control: str | None = None
    created: float = 0.0
    polls_left: int = 0
    outcome: str = "FINISHED"
    error: str = ""  # why it went ERROR
    published_id: str | None = None
    fetched: dict[str, int] = field(default_factory=dict)  # url → bytes read
    owner_page: str | None = None

    @property
    def owner(self) -> str:
        return self.owner_page or self.user_id


@dataclass
class ThreadsContainer(Container):
    kind: ClassVar[str] = "threads_container"
    platform: str = "threads"


@dataclass
class IGMedia(Node):
    kind: ClassVar[str] = "ig_media"
    user_id: str = ""
    caption: str = ""
    media_type: str = "IMAGE"  # IMAGE, VIDEO, CAROUSEL_ALBUM
    product_type: str = "FEED"  # FEED, REELS
    media_url: str | None = None
    alt_text: str = ""
    created: float = 0.0
    children: list[str] = field(default_factory=list)
    parent_id: str | None = None  # a carousel child's album
    shortcode: str = ""
    like_count: int = 0
    tags: list[str] = field(default_factory=list)  # IG users tagged in it
    stats: dict[str, Any] = field(default_factory=dict)
    page_id: str | None = None

    @property
    def owner(self) -> str:
        return self.page_id or self.user_id


@dataclass
class IGComment(Node):
    kind: ClassVar[str] = "ig_comment"
    media_id: str = ""
    parent_id: str | None = None
    by: str = ""  # IG user id
    text: str = ""
    created: float = 0.0
    hidden: bool = False
    like_count: int = 0
    mentions: list[str] = field(default_factory=list)  # IG user ids @mentioned in the text
    page_id: str | None = None  # the Page of the media's account: who moderates it
    private_reply_sent: bool = False

    @property
    def owner(self) -> str:
        return self.page_id or self.by


@dataclass
class ThreadsUser(Node):
    kind: ClassVar[str] = "threads_user"
    username: str = ""
    name: str = ""
    biography: str = ""
    followers_count: int = 0
    published_at: list[float] = field(default_factory=list)
    replied_at: list[float] = field(default_factory=list)
    quota_total: int = THREADS_QUOTA
    reply_quota_total: int = THREADS_REPLY_QUOTA
    views_by_day: dict[str, int] = field(default_factory=dict)


@dataclass
class ThreadsMedia(Node):
    kind: ClassVar[str] = "threads_media"
    user_id: str = ""
    text: str = ""
    media_type: str = "TEXT_POST"  # TEXT_POST, IMAGE, VIDEO, CAROUSEL_ALBUM, AUDIO, REPOST_FACADE
    media_url: str | None = None
    alt_text: str = ""
    created: float = 0.0
    children: list[str] = field(default_factory=list)
    parent_id: str | None = None  # a carousel child's album
    reply_to_id: str | None = None  # the post or reply it answers
    root_id: str | None = None  # the top of its conversation
    reply_audience: str = "EVERYONE"
    hide_status: str = "NOT_HUSHED"
    shortcode: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        """Whose token may act on it: a reply is moderated by the author of the thread."""
        return self.user_id


@dataclass
class Token:
    value: str
    app_id: str
    kind: str  # "user", "page", "threads", "app"
    subject: str  # the person, Page or Threads user it acts as
    person_id: str | None = None  # who granted it
    issued: float = 0.0
    expires: float | None = None  # None: never
    long_lived: bool = False
    scopes: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # the Pages a user token was granted
    parent: str | None = None  # the user token a page token was derived from
    invalid_subcode: int | None = None  # 458 revoked, 460 password changed, 467 logged out
    data_access_expires: float = 0.0


@dataclass
class AuthorizationCode:
    value: str
    app_id: str
    redirect_uri: str
    subject: str  # the person or Threads user
    pages: list[str]
    scopes: list[str]
    issued: float
    used: bool = False


class World:
    """Everything the double knows. One lock guards it: the server has a thread a request."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.nodes: dict[str, Node] = {}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.apps: dict[str, App] = {}
        self.offset = 0.0
        self._ids = itertools.count(int(time.time() * 1000) % 10**9 * 1000 + 100_000_000_000_000)

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def new_id(self) -> str:
        return str(next(self._ids))

    def add(self, node: Node) -> Any:
        with self.lock:
            self.nodes[node.id] = node
        return node

    def get(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    def of(self, cls: type[Any], **where: Any) -> list[Any]:
        """Every node of one class whose attributes match, oldest first."""
        found = [
            n
            for n in list(self.nodes.values())
            if isinstance(n, cls) and all(getattr(n, k) == v for k, v in where.items())
        ]
        return sorted(found, key=lambda n: (getattr(n, "created", 0.0), n.id))

    def remove(self, node_id: str) -> None:
        with self.lock:
            self.nodes.pop(node_id, None)

    def new_token(self, **fields: Any) -> Token:
        token = Token(
            value="EAA" + secrets.token_urlsafe(30).replace("-", "x").replace("_", "y"), **fields
        )
        if not token.issued:
            token.issued = self.now()
        with self.lock:
            self.tokens[token.value] = token
        return token

    def new_code(self, **fields: Any) -> AuthorizationCode:
        code = AuthorizationCode(value=secrets.token_urlsafe(24), issued=self.now(), **fields)
        with self.lock:
            self.codes[code.value] = code
        return code
