"""Facebook Page objects (Graph API JSON, or a webhook's `feed` change) read into the
connector's dataclasses.

Read by hand, field by field: one malformed comment must not lose the page. Whatever is
missing gets a safe default; an item with no id is skipped, and only that one. Polling and
webhooks go through the same `comment` and `visitor_post` so that the inbox receives the
same remote ids and the same threading from both, and keeps each interaction once.

Shapes: Comment https://developers.facebook.com/docs/graph-api/reference/comment,
Page Post https://developers.facebook.com/docs/graph-api/reference/pagepost,
Story Attachment https://developers.facebook.com/docs/graph-api/reference/story-attachment
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import Author, IncomingInteraction, InteractionKind, RecentPost

# StoryAttachment `media_type` or `type` values that are one medium each (an "album" counts
# its subattachments; a "link" or a "share" is a preview, not a medium).
MEDIA_TYPES = frozenset(
    {
        "photo",
        "video",
        "video_inline",
        "video_autoplay",
        "animated_image_video",
        "animated_image_share",
    }
)

# The error code Facebook puts in front of its words: "(#368) The action attempted…".
ERROR_CODE = re.compile(r"^\(#\d+\)\s*")


def plain(reason: str) -> str:
    """Facebook's words for a person, without the error code in front of them."""
    return ERROR_CODE.sub("", reason, count=1).strip() or reason


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def node_id(value: Any) -> str:
    """A Graph id: a string of digits and underscores (an int, from a careless sender)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value and len(value) <= 200 else ""


def dict_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def moment(value: Any) -> datetime | None:
    """Meta's times: `2026-12-02T10:00:00+0000` in the Graph API, Unix seconds in webhooks.
    None when unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def author(raw: Any) -> Author:
    """`from` {id, name}: a Facebook person has a name, not a handle. Meta leaves `from` out
    of comments by people who have not allowed apps to see them: they read as unknown."""
    raw = dict_of(raw)
    name = text(raw.get("name"))[:200]
    remote = node_id(raw.get("id"))
    return Author(remote_id=remote, handle=name or remote or "unknown", display_name=name)


def author_id(raw: Any) -> str:
    return node_id(dict_of(dict_of(raw).get("from")).get("id"))


def comment(
    raw: Any, *, post_id: str, parent_id: str = "", page_id: str
) -> IncomingInteraction | None:
    """A comment or a reply on the Page's post `post_id`: it answers its parent comment, or
    the post itself; the thread's root is the post. None for the Page's own comments (what
    the brand wrote is not its inbox) and for what has no id."""
    raw = dict_of(raw)
    remote = node_id(raw.get("id"))
    created = moment(raw.get("created_time"))
    if not remote or created is None or not post_id or author_id(raw) == page_id:
        return None
    parent = parent_id or node_id(dict_of(raw.get("parent")).get("id"))
    return IncomingInteraction(
        remote_id=remote,
        kind=InteractionKind.COMMENT,
        author=author(raw.get("from")),
        created_at=created,
        text=text(raw.get("message")),
        in_reply_to=parent or post_id,
        root=post_id,
    )


def visitor_post(raw: Any, *, page_id: str) -> IncomingInteraction | None:
    """A post someone else published on the Page: addressed to the brand, a mention."""
    raw = dict_of(raw)
    remote = node_id(raw.get("id"))
    created = moment(raw.get("created_time"))
    poster = author_id(raw)
    if not remote or created is None or not poster or poster == page_id:
        return None
    return IncomingInteraction(
        remote_id=remote,
        kind=InteractionKind.MENTION,
        author=author(raw.get("from")),
        created_at=created,
        text=text(raw.get("message")),
    )


def media_count(attachments: Any) -> int:
    """How many photos or videos a post's attachments hold (its `/attachments` edge)."""
    found = 0
    data = dict_of(attachments).get("data")
    for attachment in data if isinstance(data, list) else []:
        attachment = dict_of(attachment)
        inner = dict_of(attachment.get("subattachments")).get("data")
        if isinstance(inner, list) and inner:
            found += sum(1 for sub in inner if _is_medium(dict_of(sub)))
        elif _is_medium(attachment):
            found += 1
    return found


def _is_medium(attachment: dict[str, Any]) -> bool:
    kind = text(attachment.get("media_type")) or text(attachment.get("type"))
    return kind in MEDIA_TYPES


def recent_post(raw: Any, *, in_reply_to: str | None = None, media: int = 0) -> RecentPost | None:
    """One of the Page's own posts or comments, as reconciliation compares it."""
    raw = dict_of(raw)
    remote = node_id(raw.get("id"))
    created = moment(raw.get("created_time"))
    if not remote or created is None:
        return None
    return RecentPost(
        remote_id=remote,
        text=text(raw.get("message")),
        created_at=created,
        url=text(raw.get("permalink_url")),
        media_count=media,
        in_reply_to=in_reply_to,
    )
