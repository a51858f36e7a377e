"""Meta's webhooks (Pages, Instagram, Threads): the subscription handshake, the signature,
and what a delivery says, as (connector, WebhookItem) pairs. No database here: the inbox
finds the channels and stores the interactions (palabre/inbox/webhooks.py).

- Handshake: a GET with `hub.mode=subscribe`, `hub.verify_token` (the token the administrator
  typed in the app dashboard) and `hub.challenge`, to be echoed back.
  https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
- Deliveries: a POST of JSON signed in `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
  body keyed by the app secret>`.
  https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
  Pages and Instagram send `{"object": "page"|"instagram", "entry": [{"id", "time",
  "changes": [...]}]}` (https://developers.facebook.com/docs/graph-api/webhooks/reference/page,
  https://developers.facebook.com/docs/instagram-platform/webhooks); Threads sends one
  notification per POST, `{"app_id", "topic", "target_id", "time", "values": {"field",
  "value"}}` (https://developers.facebook.com/docs/threads/webhooks), read here as one
  entry of object "threads".

Each network's own module reads its entries: `palabre/networks/<network>/webhook.py`,
`items(entry: dict) -> list[WebhookItem]`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from palabre.networks.base import RateLimited, Unavailable, WebhookItem
from palabre.networks.meta.graph import ID

log = logging.getLogger("palabre.networks.meta")

MAX_BODY = 1024 * 1024  # Meta batches up to 1,000 changes; each is well under 1 KB
MAX_ENTRIES = 1000
MAX_CHALLENGE = 200  # Meta's challenges are short numbers; an echo is never a page

# The object a delivery names → the connector whose channels it concerns.
CONNECTOR_OF_OBJECT = {"page": "facebook", "instagram": "instagram", "threads": "threads"}
# Which objects each endpoint takes: each is signed with its own app's secret.
OBJECTS_OF_APP = {"meta": frozenset({"page", "instagram"}), "threads": frozenset({"threads"})}

Parser = Callable[[dict[str, Any]], list[WebhookItem]]


def handshake_challenge(params: dict[str, str], *, verify_token: str) -> str | None:
    """The challenge to echo when the subscription is ours; None otherwise."""
    if not verify_token or params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token", "")
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    challenge = params.get("hub.challenge", "")
    if not challenge or len(challenge) > MAX_CHALLENGE or not challenge.isprintable():
        return None
    return challenge


def signature_valid(body: bytes, header: str, *, app_secret: str) -> bool:
    """Whether `X-Hub-Signature-256` is the body's HMAC-SHA256 with the app secret."""
    scheme, _sep, given = header.strip().partition("=")
    if not app_secret or scheme != "sha256" or not given:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.lower().encode(), expected.encode())


@dataclass(frozen=True)
class Delivery:
    # The interactions carried, each with its connector.
    items: tuple[tuple[str, WebhookItem], ...] = ()
    # Every account a delivery concerned, news or not ((connector, account id)): the
    # channel page says when its webhooks last arrived.
    accounts: frozenset[tuple[str, str]] = frozenset()


def delivery_read(payload: Any, *, app: str) -> Delivery:
    """What a verified delivery carries. Objects this endpoint does not take, entries that
    are not objects and items a parser cannot read are left out: what is unknown is ignored,
    never an error (Meta would only send it again). Unavailable or RateLimited, from a reader
    that must ask the network (an Instagram mention is delivered as ids only), is raised:
    the delivery is then refused, and Meta delivers it again later."""
    if not isinstance(payload, dict):
        return Delivery()
    obj, entries = _object_and_entries(payload, app=app)
    if obj not in OBJECTS_OF_APP.get(app, ()):
        log.info("webhook: object %r ignored on the %s endpoint", obj[:40], app)
        return Delivery()
    parser = _parser(obj)
    connector = CONNECTOR_OF_OBJECT[obj]
    items: list[tuple[str, WebhookItem]] = []
    accounts: set[tuple[str, str]] = set()
    for entry in entries[:MAX_ENTRIES]:
        if not isinstance(entry, dict):
            continue
        account = entry.get("id") if obj != "threads" else entry.get("target_id")
        if isinstance(account, str | int) and not isinstance(account, bool) and _is_id(account):
            accounts.add((connector, str(account)))
        if parser is None:
            continue
        try:
            found = parser(entry)
        except (Unavailable, RateLimited):
            raise  # a reader that had to ask the network and could not: Meta sends it again
        except Exception:  # noqa: BLE001 (a payload the parser did not foresee: skip it)
            log.warning("webhook: a %s entry could not be read", obj, exc_info=True)
            continue
        for item in found if isinstance(found, list) else []:
            if isinstance(item, WebhookItem) and _is_id(item.account_id):
                items.append((connector, item))
                accounts.add((connector, item.account_id))
    return Delivery(tuple(items), frozenset(accounts))


def _is_id(value: str | int) -> bool:
    """A Graph id: the channel is looked for by it (a NUL character, refused by PostgreSQL
    in a query, or any other text names no account)."""
    return bool(ID.fullmatch(str(value)))


def _object_and_entries(payload: dict[str, Any], *, app: str) -> tuple[str, list[Any]]:
    entries = payload.get("entry")
    if isinstance(entries, list):
        return str(payload.get("object", "")), entries
    if app == "threads" and isinstance(payload.get("values"), dict):
        return "threads", [payload]  # Threads' own shape: the notification is the entry
    return str(payload.get("object", "")), []


def _parser(obj: str) -> Parser | None:
    network = CONNECTOR_OF_OBJECT[obj]
    try:
        module = import_module(f"palabre.networks.{network}.webhook")
    except ModuleNotFoundError:
        log.warning("webhook: no reader for %s deliveries yet", network)
        return None
    items: Parser = module.items
    return items
