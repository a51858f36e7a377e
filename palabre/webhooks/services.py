"""Subscriptions and deliveries: what the pages (and the API) do with them, and the one
service every event goes through, `webhook_event_emit`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from palabre.accounts.models import Role, User, Workspace
from palabre.lib import crypto, outbound
from palabre.lib.oneline import has_control_characters
from palabre.webhooks.events import EVENT_NAMES, EVENT_TYPES, WEBHOOK_TEST
from palabre.webhooks.models import URL_MAX, Delivery, DeliveryStatus, Subscription
from palabre.webhooks.signing import secret_new

Data = dict[str, Any]

URL_REFUSED = gettext_lazy(
    "Palabre cannot send webhooks to this address. Type a public address that starts with "
    "https:// (or http://): addresses on a local or private network, and names that do not "
    "resolve, are refused. A receiver on your own network must first be listed by whoever "
    "runs Palabre in PALABRE_OUTBOUND_ALLOWED_HOSTS, for the web server and the worker."
)
NO_EVENTS = gettext_lazy("Choose at least one event.")
SECRET_OVERLAP = timedelta(days=1)  # the replaced secret still signs this long
# Why a subscription is off: stored as msgids, said in the reader's language when shown.
DISABLED_BY_PERSON = gettext_noop("Disabled by a person.")
DISABLED_FAILING = gettext_noop("Disabled after 24 hours of failed deliveries.")
DISABLED_CREATOR_LEFT = gettext_noop(
    "Disabled: the member who created it no longer manages this workspace."
)


def subscriptions_managed(rows: QuerySet[Subscription]) -> QuerySet[Subscription]:
    """Those whose creator is still an owner or manager of their workspace: as a token
    never outlives its creator's role, a webhook does not keep sending the workspace's
    conversations to someone who left or was moved to a smaller role."""
    return rows.filter(
        created_by__memberships__workspace=F("workspace"),
        created_by__memberships__role__in=(Role.OWNER, Role.MANAGER),
    )


class SubscriptionRefused(ValueError):
    """The subscription cannot be created as asked; the message is for the person."""


def subscription_url_check(url: str) -> str:
    """`url` when the outbound guard would let the worker reach it now: http(s), a host, and
    every address the name resolves to public (or listed in PALABRE_OUTBOUND_ALLOWED_HOSTS).
    The worker's guard checks again at each delivery: a name may resolve elsewhere later."""
    url = url.strip()
    try:
        if len(url) > URL_MAX or " " in url or has_control_characters(url):
            raise outbound.OutboundRefused()
        parts = urlsplit(outbound.check_url(url))
        host = parts.hostname or ""
        if not outbound.host_is_listed(host):
            outbound.resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except outbound.OutboundRefused:
        raise SubscriptionRefused(str(URL_REFUSED)) from None
    return url


def subscription_create(
    *,
    workspace: Workspace,
    actor: User,
    url: str,
    events: Iterable[str],
    description: str = "",
) -> tuple[Subscription, str]:
    """The new subscription and its secret: the only moment the secret is given out."""
    url = subscription_url_check(url)
    chosen = set(events)
    wanted = [name for name, _label in EVENT_TYPES if name in chosen]
    if not wanted:
        raise SubscriptionRefused(str(NO_EVENTS))
    secret = secret_new()
    subscription = Subscription.objects.create(
        workspace=workspace,
        url=url,
        description=description.strip(),
        events=wanted,
        secret_encrypted=crypto.encrypt(secret),
        created_by=actor,
        created_at=timezone.now(),
    )
    return subscription, secret


def subscription_disable(*, subscription: Subscription, reason: str = DISABLED_BY_PERSON) -> bool:
    """Stop sending; what waits is kept. False when it was disabled already (a worker that
    disables it at the same moment tells people once)."""
    now = timezone.now()
    changed = Subscription.objects.filter(pk=subscription.pk, active=True).update(
        active=False, disabled_at=now, disabled_reason=reason
    )
    subscription.refresh_from_db()
    return bool(changed)


@transaction.atomic
def subscription_enable(*, subscription: Subscription) -> int:
    """Send again: every delivery not delivered is due now (still oldest first per key).
    Returns how many were waiting."""
    Subscription.objects.filter(pk=subscription.pk).update(
        active=True, disabled_at=None, disabled_reason="", failing_since=None
    )
    subscription.refresh_from_db()
    waiting = subscription.deliveries.exclude(status=DeliveryStatus.DELIVERED)
    return int(waiting.update(next_attempt_at=timezone.now()))


def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()  # its deliveries with it


def delivery_send_again(*, delivery: Delivery) -> None:
    """Queue it again, whatever became of it; it keeps its `webhook-id`, so a receiver that
    already has it can tell. While older ones of its key wait, it waits behind them."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now(),
        last_error="",
        response_status=None,
        response_excerpt="",
        delivered_at=None,
    )


def subscription_secret_replace(*, subscription: Subscription) -> str:
    """A new secret, returned the only time it is given out. The one before still signs for
    SECRET_OVERLAP (every event carries both signatures meanwhile). Asked again within that
    day (a double click, a second tab), only the new one is replaced: the one before, which
    the receiving tool may still hold, keeps signing until its day ends."""
    secret = secret_new()
    with transaction.atomic():  # locked: of two at once, the second sees the first
        current = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if not current.previous_secret_signs:
            current.previous_secret_encrypted = current.secret_encrypted
            current.previous_secret_until = timezone.now() + SECRET_OVERLAP
        current.secret_encrypted = crypto.encrypt(secret)
        current.save(
            update_fields=["previous_secret_encrypted", "previous_secret_until", "secret_encrypted"]
        )
    subscription.refresh_from_db()
    return secret


def subscriptions_previous_secret_forget() -> int:
    """Replaced secrets whose day is over are not kept (one may have leaked)."""
    over = Subscription.objects.exclude(previous_secret_encrypted="").filter(
        Q(previous_secret_until__isnull=True) | Q(previous_secret_until__lte=timezone.now())
    )
    return int(over.update(previous_secret_encrypted="", previous_secret_until=None))


def subscription_test_send(*, subscription: Subscription) -> Delivery:
    """A test event for this webhook alone, sent by the worker as any other (signed, logged,
    retried): what the receiver shows of it tells the webhook works. One at a time: asked
    again while one waits, that one is sent again rather than another added (a click held
    down must not queue a thousand, nor bill the receiving tool for each)."""
    now = timezone.now()
    data = {"workspace": subscription.workspace.slug, "events": sorted(subscription.events)}
    with transaction.atomic():
        waiting = (
            subscription.deliveries.select_for_update()
            .filter(event=WEBHOOK_TEST)
            .exclude(status=DeliveryStatus.DELIVERED)
            .first()
        )
        if waiting:
            Delivery.objects.filter(pk=waiting.pk).update(
                payload=_payload(WEBHOOK_TEST, now, data), next_attempt_at=now
            )
            waiting.refresh_from_db()
            return waiting
        return Delivery.objects.create(
            subscription=subscription,
            message_id=message_id_new(),
            event=WEBHOOK_TEST,
            key="test",  # test events go one behind another
            payload=_payload(WEBHOOK_TEST, now, data),
            created_at=now,
            next_attempt_at=now,
        )


def _payload(event: str, now: datetime, data: Data) -> dict[str, Any]:
    """What is sent, as JSON will read it back (dates and decimals as text)."""
    body = {"type": event, "timestamp": now, "data": data}
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def message_id_new() -> str:
    return f"msg_{uuid.uuid4().hex}"


def webhook_event_emit(
    *,
    workspace: Workspace | int,
    event: str,
    key: str,
    data: Data | Callable[[], Data],
) -> list[Delivery]:
    """One delivery for each active subscription of the workspace that wants `event`.

    One query when none does, the common case: `data` may be a function, called only then
    (building a payload reads rows). `workspace` may be its id where only that is at hand.
    Written in the caller's transaction: an event rolled back is never sent."""
    if event not in EVENT_NAMES:
        raise ValueError(f"unknown webhook event {event!r}")
    active = subscriptions_managed(Subscription.objects.filter(workspace=workspace, active=True))
    wanted = [pk for pk, events in active.values_list("pk", "events") if event in events]
    if not wanted:
        return []
    now = timezone.now()
    payload = _payload(event, now, data() if callable(data) else data)
    rows = [
        Delivery(
            subscription_id=pk,
            message_id=message_id_new(),
            event=event,
            key=key[:100],
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for pk in wanted
    ]
    return Delivery.objects.bulk_create(rows)
