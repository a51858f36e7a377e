"""Instagram's Graph API objects (IG Comment, IG Media, insights) as the connector's dataclasses.

One malformed object must not lose the others: whatever is missing gets a safe default, an
object without an id is skipped alone.

Remote ids: a comment is its own id, whether polled or delivered by a webhook; a media the
account is tagged in is "tag:<media id>", a mention delivered by webhook is
"mention:<media id>" (in a caption) or "mention:<media id>:<comment id>" (in a comment).
Those two are someone else's posts: the prefix tells `reply`, `hide` and `delete` that only
the mentions endpoint, or nothing, can act on them.
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment
https://developers.facebook.com/docs/instagram-platform/reference/instagram-media
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import (
    Author,
    IncomingInteraction,
    InteractionKind,
    PostMetrics,
    RecentPost,
)

TAG = "tag:"
MENTION = "mention:"
# The fields read for a comment, its replies nested (field expansion).
COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id,hidden"
COMMENTS_FIELDS = f"{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}"
MEDIA_FIELDS = "id,caption,timestamp,permalink,media_type,media_product_type,username"


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def remote_id(value: Any) -> str:
    """Graph ids are strings; a number is taken as one, anything else as no id."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value.isascii() and value.strip() == value else ""


def moment(value: Any) -> datetime:
    """Graph timestamps ("2017-08-31T18:10:30+0000") or Unix seconds; now when unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # some deliveries count milliseconds
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return datetime.now(UTC)
    if isinstance(value, str):
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            return datetime.now(UTC)
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    return datetime.now(UTC)


def author(raw: dict[str, Any]) -> Author:
    """`from` ({id, username}) where given, else the bare `username`."""
    who = as_dict(raw.get("from"))
    username = text(who.get("username")) or text(raw.get("username"))
    found = remote_id(who.get("id")) or username or "unknown"
    return Author(remote_id=found, handle="@" + (username or found))


def is_own(raw: dict[str, Any], *, account_id: str, username: str) -> bool:
    who = as_dict(raw.get("from"))
    if account_id and remote_id(who.get("id")) == account_id:
        return True
    name = text(who.get("username")) or text(raw.get("username"))
    return bool(username) and name.lower() == username.lower()


def comment(raw: Any, *, media_id: str) -> IncomingInteraction | None:
    """A comment on one of the account's media, or a reply to one, threaded under it."""
    found = as_dict(raw)
    comment_id = remote_id(found.get("id"))
    if not comment_id:
        return None
    parent = remote_id(found.get("parent_id")) or media_id or None
    return IncomingInteraction(
        remote_id=comment_id,
        kind=InteractionKind.COMMENT,
        author=author(found),
        created_at=moment(found.get("timestamp")),
        text=text(found.get("text")),
        in_reply_to=parent,
        root=media_id or None,
    )


def comments_with_replies(raw: Any) -> list[dict[str, Any]]:
    """A comment and the replies nested under it (`replies{…}`), flat."""
    found = as_dict(raw)
    if not found:
        return []
    replies = [as_dict(r) for r in as_list(as_dict(found.get("replies")).get("data"))]
    return [found, *({"parent_id": found.get("id"), **r} for r in replies if r)]


def tag(raw: Any) -> IncomingInteraction | None:
    """Someone's media the account is tagged in (GET /{ig-user-id}/tags)."""
    media = as_dict(raw)
    media_id = remote_id(media.get("id"))
    if not media_id:
        return None
    return IncomingInteraction(
        remote_id=TAG + media_id,
        kind=InteractionKind.MENTION,
        author=author(media),
        created_at=moment(media.get("timestamp")),
        text=text(media.get("caption")),
    )


def mention(raw: Any, *, media_id: str, comment_id: str = "") -> IncomingInteraction | None:
    """A caption (`mentioned_media`) or a comment (`mentioned_comment`) naming the account."""
    found = as_dict(raw)
    if not media_id:
        return None
    return IncomingInteraction(
        remote_id=f"{MENTION}{media_id}" + (f":{comment_id}" if comment_id else ""),
        kind=InteractionKind.MENTION,
        author=author(found),
        created_at=moment(found.get("timestamp")),
        text=text(found.get("text") if comment_id else found.get("caption")),
    )


def split_mention(value: str) -> tuple[str, str]:
    """ "mention:<media>[:<comment>]" → (media id, comment id or "")."""
    media_id, _, comment_id = value.removeprefix(MENTION).partition(":")
    return media_id, comment_id


def recent_media(raw: Any) -> RecentPost | None:
    """One of the account's own media, as reconciliation compares it."""
    media = as_dict(raw)
    media_id = remote_id(media.get("id"))
    if not media_id:
        return None
    count = 1
    if media.get("media_type") == "CAROUSEL_ALBUM":
        count = len(as_list(as_dict(media.get("children")).get("data")))
    return RecentPost(
        remote_id=media_id,
        text=text(media.get("caption")),
        created_at=moment(media.get("timestamp")),
        url=text(media.get("permalink")),
        media_count=count,
    )


def recent_comment(raw: Any, *, in_reply_to: str) -> RecentPost | None:
    found = as_dict(raw)
    comment_id = remote_id(found.get("id"))
    if not comment_id:
        return None
    return RecentPost(
        remote_id=comment_id,
        text=text(found.get("text")),
        created_at=moment(found.get("timestamp")),
        in_reply_to=in_reply_to,
    )


def insight_values(body: dict[str, Any]) -> dict[str, int]:
    """{metric name: value} of an insights answer: each metric's `values[0].value`, or its
    `total_value.value` (both shapes are documented).
    https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
    """
    found: dict[str, int] = {}
    for metric in as_list(body.get("data")):
        metric = as_dict(metric)
        name = text(metric.get("name"))
        values = [as_dict(v).get("value") for v in as_list(metric.get("values"))]
        value = values[0] if values else as_dict(metric.get("total_value")).get("value")
        if name and isinstance(value, int) and not isinstance(value, bool):
            found[name] = value
    return found


def post_metrics(media: dict[str, Any], insights: dict[str, int]) -> PostMetrics:
    """Insights where Instagram gives them, the media's own counts otherwise. `views` counts
    every view of the media (it replaced impressions and plays); a reel's views are its
    video views."""
    video = media.get("media_product_type") == "REELS" or media.get("media_type") == "VIDEO"
    views = insights.get("views")
    return PostMetrics(
        likes=insights.get("likes", _count(media.get("like_count"))),
        replies=insights.get("comments", _count(media.get("comments_count"))),
        reposts=insights.get("shares", 0),
        impressions=views,
        reach=insights.get("reach"),
        saves=insights.get("saved"),
        video_views=views if video else None,
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
