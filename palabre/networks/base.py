"""The interface every network connector implements.

A connector is built for one Channel, reads only that channel's settings and
credentials, and talks to one network. Across the boundary go frozen dataclasses,
never models. Nothing but the four errors below escapes a connector.

Duplicate posts: a connector whose network accepts an idempotency key (a record key,
an Idempotency-Key header) must pass `OutgoingPost.idempotency_key` through, and a
retry with the same key must return the post created the first time. A connector
whose network takes none says so with `idempotent = False`; the publisher then never
retries a publish that may have reached the network, and asks a person instead.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from palabre.channels.models import Channel


class Capability(enum.Flag):
    NONE = 0
    PUBLISH = enum.auto()
    PUBLISH_MEDIA = enum.auto()
    REPLY = enum.auto()
    FETCH_COMMENTS = enum.auto()
    FETCH_MENTIONS = enum.auto()
    FETCH_MESSAGES = enum.auto()
    HIDE = enum.auto()
    POST_METRICS = enum.auto()
    ACCOUNT_METRICS = enum.auto()
    DELETE = enum.auto()


# The method a connector must override for each capability it declares.
REQUIRED_METHODS: dict[Capability, tuple[str, ...]] = {
    Capability.PUBLISH: ("publish",),
    Capability.PUBLISH_MEDIA: ("upload_media",),
    Capability.REPLY: ("reply",),
    Capability.FETCH_COMMENTS: ("fetch_interactions",),
    Capability.FETCH_MENTIONS: ("fetch_interactions",),
    Capability.FETCH_MESSAGES: ("fetch_interactions",),
    Capability.HIDE: ("hide", "unhide"),
    Capability.POST_METRICS: ("post_metrics",),
    Capability.ACCOUNT_METRICS: ("account_metrics",),
    Capability.DELETE: ("delete",),
}


@dataclass(frozen=True)
class Limits:
    max_chars: int
    max_images: int
    max_videos: int
    alt_text_required: bool


@dataclass(frozen=True)
class Media:
    remote_id: str
    alt_text: str = ""


@dataclass(frozen=True)
class MediaUpload:
    filename: str
    content_type: str
    data: bytes
    alt_text: str = ""


@dataclass(frozen=True)
class OutgoingPost:
    text: str
    idempotency_key: str
    media: tuple[Media, ...] = ()
    reply_to: str | None = None
    # Stable across retries (the post target's creation): networks that build their own
    # record keys from time, like Bluesky, need the same one each time.
    created_at: datetime | None = None
    languages: tuple[str, ...] = ()
    content_warning: str = ""  # Mastodon's spoiler text


@dataclass(frozen=True)
class PublishedPost:
    remote_id: str
    url: str = ""


@dataclass(frozen=True)
class Author:
    remote_id: str
    handle: str
    display_name: str = ""


class InteractionKind(enum.StrEnum):
    COMMENT = "comment"
    MENTION = "mention"
    QUOTE = "quote"
    MESSAGE = "message"
    LIKE = "like"
    REPOST = "repost"
    FOLLOW = "follow"


@dataclass(frozen=True)
class IncomingInteraction:
    remote_id: str
    kind: InteractionKind
    author: Author
    created_at: datetime
    text: str = ""
    in_reply_to: str | None = None  # remote id of the post or comment it answers
    root: str | None = None  # remote id of the post that started the thread


@dataclass(frozen=True)
class InteractionPage:
    items: tuple[IncomingInteraction, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class PostMetrics:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    impressions: int | None = None  # None: the network does not say
    reach: int | None = None


@dataclass(frozen=True)
class AccountMetrics:
    followers: int
    following: int | None = None
    reach: int | None = None  # people reached over the last day, where the network says


class ConnectorError(Exception):
    """Base of the four errors; `reason` is the network's own words, for the person."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class AuthExpired(ConnectorError):
    """Credentials no longer work: the channel needs reconnecting by a person."""


class RateLimited(ConnectorError):
    def __init__(self, reason: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Rejected(ConnectorError):
    """The network refused this content; trying again will not help."""


class Unavailable(ConnectorError):
    """A passing failure (timeout, 5xx): try again later."""


class NotSupported(Exception):
    """A programming error: the caller asked for a capability the connector did not declare."""


class Connector:
    key: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[Capability]
    idempotent: ClassVar[bool]

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    @property
    def limits(self) -> Limits:
        from palabre.networks.kinds import NETWORKS

        return NETWORKS[self.channel.network].limits

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def publish(self, post: OutgoingPost) -> PublishedPost:
        raise NotSupported

    def upload_media(self, upload: MediaUpload) -> Media:
        raise NotSupported

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
    ) -> PublishedPost:
        raise NotSupported

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        raise NotSupported

    def hide(self, *, remote_id: str) -> None:
        raise NotSupported

    def unhide(self, *, remote_id: str) -> None:
        raise NotSupported

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        raise NotSupported

    def account_metrics(self) -> AccountMetrics:
        raise NotSupported

    def delete(self, *, remote_id: str) -> None:
        raise NotSupported
