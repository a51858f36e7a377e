"""Instagram webhook deliveries (object "instagram") as the inbox's items.

Each entry is `{"id": <IG user id>, "time": <seconds>, "changes": [{"field", "value"}]}`
(Facebook Login for Business; https://developers.facebook.com/docs/instagram-platform/webhooks,
fields at https://developers.facebook.com/docs/graph-api/webhooks/reference/instagram):

- `comments`: `value` = {id, text, from: {id, username}, media: {id, media_product_type},
  parent_id (a reply)}: the same comment, with the same remote id and threading, as a poll
  reads (the delivery gives no timestamp: the entry's time stands for it). The account's own
  comments are left out, as polling leaves them out.
- `mentions`: `value` = {media_id, comment_id (a comment mention)}: nothing else. The mention
  is read back through the channel whose account it names (mentioned_comment /
  mentioned_media); a passing failure there (Unavailable, RateLimited) is raised, so that the
  delivery is answered with an error and Meta delivers it again; a channel gone or
  disconnected, or a mention no longer there, gives nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from palabre.networks.base import AuthExpired, Rejected, WebhookItem
from palabre.networks.instagram import parse

log = logging.getLogger("palabre.networks")


def items(entry: Any) -> list[WebhookItem]:
    entry = parse.as_dict(entry)
    account_id = parse.remote_id(entry.get("id"))
    if not account_id:
        return []
    found = []
    for change in parse.as_list(entry.get("changes")):
        change = parse.as_dict(change)
        value = parse.as_dict(change.get("value"))
        if change.get("field") == "comments":
            item = _comment(value, account_id=account_id, at=entry.get("time"))
        elif change.get("field") == "mentions":
            item = _mention(value, account_id=account_id)
        else:
            continue
        if item is not None:
            found.append(WebhookItem(account_id=account_id, interaction=item))
    return found


def _comment(value: dict[str, Any], *, account_id: str, at: Any) -> Any:
    if parse.is_own(value, account_id=account_id, username=""):
        return None
    media_id = parse.remote_id(parse.as_dict(value.get("media")).get("id"))
    return parse.comment({**value, "timestamp": at}, media_id=media_id)


def _mention(value: dict[str, Any], *, account_id: str) -> Any:
    from palabre.channels.models import Channel
    from palabre.networks.instagram.connector import InstagramConnector

    media_id = parse.remote_id(value.get("media_id"))
    comment_id = parse.remote_id(value.get("comment_id"))
    channel = Channel.objects.filter(connector="instagram", account_id=account_id).first()
    if channel is None or not media_id:
        return None
    try:
        return InstagramConnector(channel).mention(media_id=media_id, comment_id=comment_id)
    except (AuthExpired, Rejected) as error:
        log.info("instagram: mention %s:%s not read: %s", media_id, comment_id, error.reason)
        return None
