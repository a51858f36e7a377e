"""What Threads' webhooks deliver, as the inbox's items (the same ids and shape as polling).

One notification per request, documented at https://developers.facebook.com/docs/threads/webhooks
`{"app_id", "topic", "target_id", "time", "subscription_id", "has_uid_field",
"values": {"field", "value"}}`:
- field `replies` (topic moderate): `value` is the reply, as `/{media}/conversation` gives it
  (`id`, `username`, `text`, `timestamp`, `replied_to {id}`, `root_post {id, owner_id,
  username}`); the brand's account is the owner of the post replied under;
- field `mentions` (topic interaction): `value` is the post that mentions the account, whose
  id (app-scoped) is `target_id`.
Other fields (`publish`, `delete`) are the account's own doing: nothing for the inbox.
The signature (X-Hub-Signature-256) is checked before this is called
(palabre/networks/meta/webhooks.py).
"""

from __future__ import annotations

from typing import Any

from palabre.networks.base import IncomingInteraction, InteractionKind, WebhookItem
from palabre.networks.threads import parse


def items(entry: Any) -> list[WebhookItem]:
    """The interactions one notification carries; whatever is malformed is left out."""
    entry = entry if isinstance(entry, dict) else {}
    values = entry.get("values")
    changes = values if isinstance(values, list) else [values]
    found = []
    for change in changes:
        item = _item(entry, change if isinstance(change, dict) else {})
        if item is not None:
            found.append(item)
    return found


def _item(entry: dict[str, Any], change: dict[str, Any]) -> WebhookItem | None:
    value = change.get("value")
    if not isinstance(value, dict):
        return None
    if change.get("field") == "replies":
        account = _text_id(_dict(value.get("root_post")).get("owner_id"))
        interaction = _reply(value)
    elif change.get("field") == "mentions":
        account = _text_id(entry.get("target_id"))
        interaction = parse.interaction(value, InteractionKind.MENTION)
    else:
        return None
    if not account or interaction is None:
        return None
    return WebhookItem(account_id=account, interaction=interaction)


def _reply(value: dict[str, Any]) -> IncomingInteraction | None:
    if value.get("is_reply_owned_by_me") is True:
        return None  # the account's own answer or thread part, as polling leaves it out
    return parse.interaction(value, InteractionKind.COMMENT)


def _text_id(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
