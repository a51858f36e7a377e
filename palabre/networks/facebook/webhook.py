"""A Page webhook's `entry`, read into the inbox's items.

Meta posts `{"object": "page", "entry": [{"id": <page id>, "time", "changes": [{"field":
"feed", "value": {...}}]}]}`; the `feed` value says what happened on the Page:
`item` (comment, status, post, photo, video, share, reaction…), `verb` (add, edited,
remove, hide, unhide…), `post_id`, `comment_id`, `parent_id` (the post for a comment on it,
the comment for a reply), `from` {id, name}, `message`, `created_time` (Unix seconds).
https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed

The items are made by parse.py, as polling makes them: same remote ids, same threading, the
Page's own comments and posts left out, so the inbox keeps each one once whichever way it
came first. An edited comment is delivered as polling would read it (the inbox keeps the
first version it stored); a removal, a hiding, a reaction carry nothing to add.
"""

from __future__ import annotations

from typing import Any

from palabre.networks.base import IncomingInteraction, WebhookItem
from palabre.networks.facebook import parse

# A visitor's post on the Page comes as one of these items.
POST_ITEMS = frozenset({"status", "post", "photo", "video", "share"})
DELIVERED_VERBS = frozenset({"add", "edited"})
MAX_CHANGES = 100  # per entry: Meta batches a few; more is not from Meta


def items(entry: dict[str, Any]) -> list[WebhookItem]:
    """The inbox items of one webhook entry; whatever cannot be read is left out."""
    page_id = parse.node_id(parse.dict_of(entry).get("id"))
    changes = parse.dict_of(entry).get("changes")
    if not page_id or not isinstance(changes, list):
        return []
    found = []
    for change in changes[:MAX_CHANGES]:
        change = parse.dict_of(change)
        if change.get("field") != "feed":
            continue
        interaction = _interaction(parse.dict_of(change.get("value")), page_id)
        if interaction is not None:
            found.append(WebhookItem(account_id=page_id, interaction=interaction))
    return found


def _interaction(value: dict[str, Any], page_id: str) -> IncomingInteraction | None:
    if value.get("verb") not in DELIVERED_VERBS or value.get("published") == 0:
        return None  # removed, hidden, or not published (a draft, a scheduled post)
    item = value.get("item")
    post_id = parse.node_id(value.get("post_id"))
    if item == "comment":
        # The same shape as a comment read from the Graph API.
        raw = {
            "id": value.get("comment_id"),
            "created_time": value.get("created_time"),
            "from": value.get("from"),
            "message": value.get("message"),
        }
        parent = parse.node_id(value.get("parent_id"))
        return parse.comment(
            raw, post_id=post_id, parent_id="" if parent == post_id else parent, page_id=page_id
        )
    if item in POST_ITEMS and not value.get("comment_id"):
        raw = {
            "id": post_id,
            "created_time": value.get("created_time"),
            "from": value.get("from"),
            "message": value.get("message"),
        }
        return parse.visitor_post(raw, page_id=page_id)
    return None
