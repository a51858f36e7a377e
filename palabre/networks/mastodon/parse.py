"""Mastodon notifications and statuses (as Mastodon.py returns them: dicts, dates parsed).

One malformed notification must not lose the page: whatever is missing gets a safe
default; an item with no id, or of a kind the inbox does not know, is skipped alone.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import (
    Author,
    IncomingInteraction,
    InteractionKind,
    PublicPost,
    RecentPost,
    Visibility,
)
from palabre.networks.mastodon import audience

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
    """The date `value` says; now when it says none (the moment it arrived)."""
    return _dated(value) or datetime.now(UTC)


def _dated(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


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
        if not parent and status.get("visibility") != "direct" and status.get("quote"):
            # A quote that names the account comes twice (mention, quote): one item either way.
            return _quote(status, author, created)
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
            visibility=audience.visibility(status.get("visibility")),
        )
    if kind_name == "quote":
        return _quote(status, author, created)
    reaction = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    note_id = _id(note.get("id"))
    if reaction is None or not note_id:
        return None
    target = _id(status.get("id")) or None
    return IncomingInteraction(
        f"{kind_name}:{note_id}",
        reaction,
        author,
        created,
        in_reply_to=target,
        root=target,
        visibility=audience.visibility(status.get("visibility")) if status else Visibility.PUBLIC,
    )


def _quote(status: dict[str, Any], author: Author, created: datetime) -> IncomingInteraction | None:
    """Someone's status quoting one of the account's (Mastodon 4.5 and later): their words
    about it, answered as a quote is. The quoted status is whole (`quoted_status`) or named
    (`quoted_status_id`, a quote of a quote)."""
    status_id = _id(status.get("id"))
    if not status_id:
        return None
    quote = _dict(status.get("quote"))
    quoted = _id(_dict(quote.get("quoted_status")).get("id")) or _id(quote.get("quoted_status_id"))
    return IncomingInteraction(
        status_id,
        InteractionKind.QUOTE,
        author,
        created,
        plain_text(status.get("content")),
        in_reply_to=quoted or None,
        root=quoted or None,
        visibility=audience.visibility(status.get("visibility")),
    )


def recent_post(raw: Any) -> RecentPost | None:
    """One of the account's own statuses, as reconciliation compares it; None without an id."""
    status = _dict(raw)
    status_id = _id(status.get("id"))
    if not status_id:
        return None
    media = status.get("media_attachments")
    url = status.get("url") or status.get("uri")
    return RecentPost(
        remote_id=status_id,
        text=plain_text(status.get("content")),
        created_at=moment(status.get("created_at")),
        url=url if isinstance(url, str) else "",
        media_count=len(media) if isinstance(media, list) else 0,
        in_reply_to=_id(status.get("in_reply_to_id")) or None,
    )


def public_post(raw: Any, *, domain: str) -> PublicPost | None:
    """Someone's public status, found by a search: None without an id, or when it is not
    public (listening keeps public posts only). `domain`: the instance's own, which its
    local accounts' acct leaves out ("fan" is "fan@<domain>")."""
    status = _dict(raw)
    status_id = _id(status.get("id"))
    if not status_id or status.get("visibility") != "public":
        return None
    account = _dict(status.get("account"))
    author = _author(account)
    acct = author.handle.removeprefix("@")
    if "@" not in acct and domain:
        acct = f"{acct}@{domain}"
    url = status.get("url") or status.get("uri")
    uri = status.get("uri")
    language = status.get("language")
    followers = account.get("followers_count")
    return PublicPost(
        remote_id=status_id,
        url=url if isinstance(url, str) else "",
        author=Author(author.remote_id, acct, author.display_name),
        text=plain_text(status.get("content")),
        created_at=moment(status.get("created_at")),
        langs=(language,) if isinstance(language, str) and language else (),
        reach=followers if _count(followers) else None,
        canonical=uri if isinstance(uri, str) else "",
    )


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def created_at(raw: Any) -> datetime | None:
    """When the server says it made this notification or status; None when it does not say
    (or not as a date)."""
    return _dated(_dict(raw).get("created_at"))


def note_id(raw: Any) -> str:
    """The id of a notification or status, "" when it has none Palabre can order. Mastodon's
    and Takahē's are numbers; GoToSocial's (ULIDs), and Akkoma's and Pleroma's for statuses,
    are letters and digits."""
    value = _id(_dict(raw).get("id"))
    return value if value.isascii() and value.isalnum() else ""  # not "²"


def sort_key(raw: Any) -> tuple[int, str]:
    """Older first, for every server's ids: a number with more digits is newer, and ids of
    one length (ULIDs, Akkoma's) sort as their characters do."""
    value = note_id(raw)
    return len(value), value
