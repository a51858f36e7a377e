"""Mastodon notifications (as Mastodon.py returns them: dicts, dates already parsed).

One malformed notification must not lose the page: whatever is missing gets a safe
default; an item with no id, or of a kind the inbox does not know, is skipped alone.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import Author, IncomingInteraction, InteractionKind

KINDS = {
    "favourite": InteractionKind.LIKE,
    "reblog": InteractionKind.REPOST,
    "follow": InteractionKind.FOLLOW,
}
_TAGS = re.compile(r"<[^>]+>")


def plain_text(content: Any) -> str:
    """Statuses come as HTML; paragraphs and line breaks become newlines."""
    if not isinstance(content, str):
        return ""
    content = re.sub(r"<br\s*/?>|</p>\s*<p>", "\n", content)
    return html.unescape(_TAGS.sub("", content)).strip()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def moment(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            value = None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _author(account: dict[str, Any]) -> Author:
    acct = account.get("acct") if isinstance(account.get("acct"), str) else ""
    name = account.get("display_name")
    remote = _id(account.get("id")) or acct or "unknown"
    return Author(remote, "@" + (acct or remote), name if isinstance(name, str) else "")


def notification(raw: Any) -> IncomingInteraction | None:
    note = _dict(raw)
    kind_name = note.get("type")
    status = _dict(note.get("status"))
    author = _author(_dict(note.get("account")))
    created = moment(note.get("created_at"))
    if kind_name == "mention":
        status_id = _id(status.get("id"))
        if not status_id:
            return None
        parent = _id(status.get("in_reply_to_id")) or None
        if status.get("visibility") == "direct":
            kind = InteractionKind.MESSAGE
        elif parent:
            kind = InteractionKind.COMMENT
        else:
            kind = InteractionKind.MENTION
        return IncomingInteraction(
            status_id,
            kind,
            author,
            created,
            plain_text(status.get("content")),
            in_reply_to=parent,
            root=parent,
        )
    reaction = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    note_id = _id(note.get("id"))
    if reaction is None or not note_id:
        return None
    target = _id(status.get("id")) or None
    return IncomingInteraction(
        f"{kind_name}:{note_id}", reaction, author, created, in_reply_to=target, root=target
    )


def sort_key(raw: Any) -> int:
    value = _id(_dict(raw).get("id"))
    return int(value) if value.isascii() and value.isdigit() else 0  # not "²"
