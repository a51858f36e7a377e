"""Bluesky notifications and searched posts, read from the network's raw JSON.

Parsed by hand rather than through the SDK's models: one malformed notification must not
lose the whole page. Whatever is missing gets a safe default; an item with no address
(uri) or of a kind the inbox does not know is skipped, and only that one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import Author, IncomingInteraction, InteractionKind, PublicPost

KINDS = {
    "reply": InteractionKind.COMMENT,
    "mention": InteractionKind.MENTION,
    "quote": InteractionKind.QUOTE,
    "like": InteractionKind.LIKE,
    "repost": InteractionKind.REPOST,
    "follow": InteractionKind.FOLLOW,
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def moment(value: Any) -> datetime:
    """An ISO date from the network; now when it is missing or unreadable."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def notification(raw: Any) -> IncomingInteraction | None:
    raw = _dict(raw)
    kind = KINDS.get(_text(raw.get("reason")))
    uri = _text(raw.get("uri"))
    if kind is None or not uri:
        return None
    author = _dict(raw.get("author"))
    did = _text(author.get("did"))
    handle = _text(author.get("handle")) or did or "unknown"
    record = _dict(raw.get("record"))
    reply = _dict(record.get("reply"))
    subject = _text(raw.get("reasonSubject")) or None
    parent = _text(_dict(reply.get("parent")).get("uri")) or subject
    root = _text(_dict(reply.get("root")).get("uri")) or subject
    return IncomingInteraction(
        remote_id=uri,
        kind=kind,
        author=Author(did or handle, handle, _text(author.get("displayName"))),
        created_at=moment(raw.get("indexedAt") or record.get("createdAt")),
        text=_text(record.get("text")),
        in_reply_to=parent,
        root=root,
    )


def page(raw: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The notifications of one listNotifications answer, and its cursor."""
    raw = _dict(raw)
    items = raw.get("notifications")
    found = [n for n in items if isinstance(n, dict)] if isinstance(items, list) else []
    cursor = raw.get("cursor")
    return found, cursor if isinstance(cursor, str) and cursor else None


def searched(raw: Any) -> tuple[list[PublicPost], str | None]:
    """The posts of one searchPosts answer (those without an address skipped), and its
    cursor."""
    raw = _dict(raw)
    items = raw.get("posts")
    views = items if isinstance(items, list) else []
    posts = [p for p in map(public_post, views) if p is not None]
    cursor = raw.get("cursor")
    return posts, cursor if isinstance(cursor, str) and cursor else None


def public_post(raw: Any) -> PublicPost | None:
    """A post view (app.bsky.feed.defs#postView) as listening keeps it."""
    view = _dict(raw)
    uri = _text(view.get("uri"))
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3:
        return None
    author = _dict(view.get("author"))
    did = _text(author.get("did")) or parts[0]
    handle = _text(author.get("handle"))
    if not handle or handle == "handle.invalid":
        handle = did  # bsky.app opens a profile by its DID as well
    record = _dict(view.get("record"))
    return PublicPost(
        remote_id=uri,
        url=f"https://bsky.app/profile/{handle}/post/{parts[2]}",
        author=Author(did, handle, _text(author.get("displayName"))),
        text=_text(record.get("text")),
        created_at=moment(record.get("createdAt") or view.get("indexedAt")),
        langs=_languages(record.get("langs")),
    )


def _languages(value: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in value if _text(v)) if isinstance(value, list) else ()
