"""The interface every network connector implements.

A connector is built for one Channel, reads only that channel's settings and
credentials, and talks to one network. Across the boundary go frozen dataclasses,
never models. Nothing but the four errors below escapes a connector.

Duplicate posts: a connector whose network accepts an idempotency key (a record key,
an Idempotency-Key header) must pass `OutgoingPost.idempotency_key` through, and a
retry with the same key must return the post created the first time. A connector whose
network (or whose server: not every Mastodon-compatible server honours the header) takes
none says so with `idempotent` False, and declares RECENT_POSTS instead: after an
interrupted publish or answer, Palabre reads the account's own recent posts back
(`recent_posts(since=..., in_reply_to=...)`) and matches what it was sending (text, media
count, what it answers, time window, ids it has not recorded yet) to record the remote id
rather than post twice (networks/reconcile.py). An absence is trusted only once the post
would show (`read_back_within`); only what cannot be decided that way (no way to read
back, two candidates) waits for a person. A duplicate post is worse than a late one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from palabre.channels.models import Channel


class Visibility(enum.StrEnum):
    """Who may read a post or a reply, from the widest audience to the narrowest."""

    PUBLIC = "public"
    UNLISTED = "unlisted"  # public, but kept off the public timelines
    FOLLOWERS = "followers"
    DIRECT = "direct"  # only the people it mentions: a private message

    @property
    def rank(self) -> int:
        return list(Visibility).index(self)


def narrowest(*visibilities: Visibility | None) -> Visibility | None:
    """The narrowest audience of those given (None: nothing given)."""
    given = [v for v in visibilities if v is not None]
    return max(given, key=lambda v: v.rank) if given else None


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
    # Reads the account's own recent posts back: how an interrupted publish is settled on a
    # network without idempotency keys.
    RECENT_POSTS = enum.auto()
    # What a brand can do about an abusive author where replies cannot be hidden.
    MUTE_AUTHOR = enum.auto()
    BLOCK_AUTHOR = enum.auto()
    REPORT = enum.auto()
    # One private answer to a public comment (Facebook's and Instagram's private replies).
    PRIVATE_REPLY = enum.auto()
    # A daily quota of published posts the network states (Instagram's, Threads').
    PUBLISHING_LIMIT = enum.auto()
    # Reads other people's public posts by word or hashtag (listening: palabre/listening/).
    SEARCH_POSTS = enum.auto()


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
    Capability.RECENT_POSTS: ("recent_posts",),
    Capability.MUTE_AUTHOR: ("mute_author", "unmute_author"),
    Capability.BLOCK_AUTHOR: ("block_author", "unblock_author"),
    Capability.REPORT: ("report",),
    Capability.PRIVATE_REPLY: ("private_reply",),
    Capability.PUBLISHING_LIMIT: ("publishing_limit",),
    Capability.SEARCH_POSTS: ("search_posts",),
}


@dataclass(frozen=True)
class Limits:
    max_chars: int
    max_images: int
    max_videos: int
    alt_text_required: bool


@dataclass(frozen=True)
class Media:
    # What `publish` needs to attach it: the network's id for an uploaded file, or, where the
    # network fetches files itself (`fetches_media_by_url`), the public URL it will fetch.
    remote_id: str
    alt_text: str = ""
    content_type: str = ""  # image/jpeg, video/mp4…: some networks need to know which


@dataclass(frozen=True)
class MediaUpload:
    filename: str
    content_type: str
    data: bytes
    alt_text: str = ""
    # A signed, expiring URL where the network can fetch this file from the instance; given
    # only to connectors that declare `fetches_media_by_url` (Instagram, Threads).
    public_url: str = ""


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
    visibility: Visibility | None = None  # None: the account's own default
    media_format: str = ""  # Instagram: "feed", "reel" or "carousel" ("" = feed)
    # Who may answer (Threads' reply_control: everyone, accounts_you_follow, mentioned_only,
    # parent_post_author_only, followers_only); "" = the network's default.
    reply_control: str = ""
    # The remote id of a post this one quotes (X's quote posts); None: it quotes nothing.
    quote_of: str | None = None


@dataclass(frozen=True)
class RecentPost:
    """One of the account's own posts, read back from the network (reconciliation)."""

    remote_id: str
    # Plain text, as near to what was sent as the network gives it back: links expanded,
    # nothing the network appended; line breaks as whitespace, HTML entities and mentions
    # put in front of an answer may stay (the matcher ignores them).
    text: str
    created_at: datetime  # the network's own clock
    url: str = ""
    media_count: int = 0
    in_reply_to: str | None = None


@dataclass(frozen=True)
class PublicPost:
    """Someone's public post, found by a search (listening): only what Palabre keeps."""

    remote_id: str  # what `reply` answers
    url: str
    author: Author
    text: str
    created_at: datetime
    langs: tuple[str, ...] = ()  # as the author or the network tagged it
    reach: int | None = None  # the author's followers, where the network says
    # The post's one address on every server that holds a copy (Mastodon's ActivityPub
    # `uri`), where `remote_id` is one server's own: "" where ids are the network's.
    canonical: str = ""


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
    visibility: Visibility = Visibility.PUBLIC  # who can read it on the network


@dataclass(frozen=True)
class WebhookItem:
    """What a network's webhook delivered: an interaction, and the network's id of the
    brand's account it concerns (`Channel.account_id`), by which its channel is found."""

    account_id: str
    interaction: IncomingInteraction


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
    saves: int | None = None
    video_views: int | None = None
    clicks: int | None = None  # clicks on the post's content or link (LinkedIn's)


@dataclass(frozen=True)
class PublishingLimit:
    """The network's own quota of published posts over a rolling window (Instagram's and
    Threads' content publishing limits), as the network states it now."""

    total: int  # posts allowed in the window
    used: int  # posts the account published in the window
    window: timedelta = timedelta(hours=24)

    @property
    def left(self) -> int:
        return max(0, self.total - self.used)


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
    # The audiences a post or an answer can have there (the reply box offers these).
    visibilities: ClassVar[tuple[Visibility, ...]] = (Visibility.PUBLIC,)
    # RECENT_POSTS: how soon the account's new post shows in `recent_posts`. An interrupted
    # send found nowhere counts as not sent only once it began this long ago.
    read_back_within: ClassVar[timedelta] = timedelta(minutes=2)
    # The network fetches media from a public URL instead of taking an upload (Instagram,
    # Threads): the publisher gives `upload_media` a signed, expiring `public_url`.
    fetches_media_by_url: ClassVar[bool] = False
    # HIDE: the kinds of interaction the network hides; None: any it brings. X hides only the
    # replies in the account's own conversations, never a mention or a quote elsewhere.
    hides_kinds: ClassVar[frozenset[str] | None] = None
    # DELETE also takes other people's comments on the account's own posts (LinkedIn: an
    # organization deletes comments on its posts), `delete(remote_id=<the comment's id>)`.
    # Where replies cannot be hidden, the inbox offers this instead.
    deletes_comments: ClassVar[bool] = False

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    # How long the network remembers an idempotency key (None: as long as the post lives).
    # A resend after that is looked for first, as on a network without keys (reconcile.py).
    idempotency_lasts: ClassVar[timedelta | None] = None

    @property
    def idempotent(self) -> bool:
        """Whether a retry with the same idempotency key returns the first post instead of
        making a second. It may depend on the channel's server; when in doubt, False, and
        declare RECENT_POSTS so that an interrupted send can be found (reconcile.py)."""
        return False

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
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        """Answer `to_remote_id` in its thread. The answer never reaches more people than
        what it answers: `visibility` None keeps that audience, a narrower one is kept, a
        wider one is narrowed. Where a private answer is addressed by mention (Mastodon's
        direct visibility), the connector makes sure the person answered is mentioned."""
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
        """Deletes the account's own post or answer, and, where `deletes_comments`, someone
        else's comment on the account's post (its id as `fetch_interactions` gave it)."""
        raise NotSupported

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        """The account's own posts created since `since`, private and direct ones included
        (all of them: a post missing here, `read_back_within` after it was sent, is taken as
        never sent, and sent again). `in_reply_to`: only the account's answers to that post
        (its own thread parts and its answers to a comment or a private message)."""
        raise NotSupported

    def mute_author(self, *, author_id: str) -> None:
        """The account stops seeing the author (the author is not told); reversible."""
        raise NotSupported

    def unmute_author(self, *, author_id: str) -> None:
        raise NotSupported

    def block_author(self, *, author_id: str) -> None:
        """The author can no longer see nor answer the account; reversible."""
        raise NotSupported

    def unblock_author(self, *, author_id: str) -> None:
        raise NotSupported

    def private_reply(self, *, to_remote_id: str, text: str, idempotency_key: str) -> PublishedPost:
        """Answer the author of the public comment `to_remote_id` in a private message (at
        most once per comment, within the network's window: Facebook and Instagram allow
        one, within 7 days). The remote id returned is the message's."""
        raise NotSupported

    def publishing_limit(self) -> PublishingLimit:
        """The quota of published posts and how much of it the last 24 hours used."""
        raise NotSupported

    def search_posts(self, *, query: str, since: datetime | None = None) -> list[PublicPost]:
        """Public posts, newest first, that the network finds for `query`: one word, or a
        hashtag when it starts with "#" (the network's own matching: Palabre applies phrases,
        exclusions and languages itself). `since`: none older than that."""
        raise NotSupported

    def report(self, *, remote_id: str, author_id: str, reason: str) -> None:
        """Report the post `remote_id` by `author_id` to the network's (or the
        instance's) moderators, with the person's reason."""
        raise NotSupported
