"""Threads media objects, read from the API's raw JSON (polling and webhooks alike).

Parsed by hand: one malformed reply must not lose the page. Whatever is missing gets a
safe default; an item with no id is skipped, and only that one.

The shapes, from Meta's documentation:
- a reply or a mention (`id`, `text`, `username`, `timestamp`, `replied_to {id}`,
  `root_post {id}`, `is_reply_owned_by_me`):
  https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations
- the account's own posts and replies (`children`, `media_type`, `permalink`):
  https://developers.facebook.com/docs/threads/reference/user
- insights (`data[] {name, values[{value}] | total_value {value}}`):
  https://developers.facebook.com/docs/threads/insights
- keyword and topic tag search (media fields, without `owner`):
  https://developers.facebook.com/docs/threads/keyword-search
- timestamps: ISO 8601 with a `+0000` offset ("2024-08-07T10:33:16+0000").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import (
    Author,
    IncomingInteraction,
    InteractionKind,
    PostMetrics,
    PublicPost,
    RecentPost,
)

# The fields Palabre asks for on replies and mentions: what `interaction` reads.
INTERACTION_FIELDS = (
    "id,text,username,timestamp,permalink,replied_to,root_post,is_reply_owned_by_me,hide_status"
)
# The fields Palabre asks for on the account's own posts and replies: what `recent_post` reads.
OWN_FIELDS = "id,text,timestamp,permalink,media_type,children,replied_to,root_post"
# The fields Palabre asks for on someone's post a search found: what `public_post` reads.
SEARCH_FIELDS = "id,text,media_type,permalink,timestamp,username"
# Media types with no attached media, as the API names them on a published post.
WITHOUT_MEDIA = {"TEXT_POST", "TEXT", "REPOST_FACADE", ""}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def moment(value: Any) -> datetime | None:
    """A Threads timestamp; None when it is missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ref(value: Any) -> str | None:
    """The id of a `{"id": ...}` reference (replied_to, root_post), or None."""
    return _id(_dict(value).get("id")) or None


def interaction(raw: Any, kind: InteractionKind) -> IncomingInteraction | None:
    """A reply (COMMENT) or a mention (MENTION), threaded under what it answers."""
    raw = _dict(raw)
    remote_id = _id(raw.get("id"))
    if not remote_id:
        return None
    # The API gives the author's username only (no user id on replies): it stands for both.
    username = _text(raw.get("username")) or "unknown"
    return IncomingInteraction(
        remote_id=remote_id,
        kind=kind,
        author=Author(remote_id=username, handle=username),
        created_at=moment(raw.get("timestamp")) or datetime.now(UTC),
        text=_text(raw.get("text")),
        in_reply_to=ref(raw.get("replied_to")),
        root=ref(raw.get("root_post")),
    )


def media_count(raw: dict[str, Any]) -> int:
    """How many images or videos a published post carries: a carousel its children."""
    children = _dict(raw.get("children")).get("data")
    if isinstance(children, list):
        return len(children)
    return 0 if _text(raw.get("media_type")) in WITHOUT_MEDIA else 1


def recent_post(raw: Any) -> RecentPost | None:
    """One of the account's own posts or replies, for reconciliation."""
    raw = _dict(raw)
    remote_id = _id(raw.get("id"))
    created = moment(raw.get("timestamp"))
    if not remote_id or created is None:
        return None  # no time, no match: the matcher needs both
    return RecentPost(
        remote_id=remote_id,
        text=_text(raw.get("text")),
        created_at=created,
        url=_text(raw.get("permalink")),
        media_count=media_count(raw),
        in_reply_to=ref(raw.get("replied_to")),
    )


def public_post(raw: Any) -> PublicPost | None:
    """Someone's post a keyword search found (listening). The search gives no user id (it
    leaves `owner` out): the username stands for both, as on replies. One without an id, a
    time or an author is skipped: it could not be answered, dated or erased by author."""
    raw = _dict(raw)
    remote_id = _id(raw.get("id"))
    created = moment(raw.get("timestamp"))
    username = _text(raw.get("username"))
    if not remote_id or created is None or not username:
        return None
    return PublicPost(
        remote_id=remote_id,
        url=_text(raw.get("permalink")),
        author=Author(remote_id=username, handle=username),
        text=_text(raw.get("text")),
        created_at=created,
    )


def metric_values(raw: Any) -> dict[str, int]:
    """{metric name: value} of an insights answer; both documented value shapes."""
    found: dict[str, int] = {}
    data = _dict(raw).get("data")
    for item in data if isinstance(data, list) else []:
        item = _dict(item)
        name = _text(item.get("name"))
        total = _dict(item.get("total_value")).get("value")
        values = item.get("values")
        if total is None and isinstance(values, list) and values:
            total = _dict(values[-1]).get("value")  # lifetime: one value; a series: the last
        if name and isinstance(total, int) and not isinstance(total, bool):
            found[name] = total
    return found


def post_metrics(values: dict[str, int]) -> PostMetrics:
    # Threads' shares (the post sent elsewhere) count with its reposts, as Meta's shares do
    # on Facebook and Instagram (networks/base.py: shares → reposts); views are impressions.
    return PostMetrics(
        likes=values.get("likes", 0),
        replies=values.get("replies", 0),
        reposts=values.get("reposts", 0) + values.get("shares", 0),
        quotes=values.get("quotes", 0),
        impressions=values.get("views"),
    )
