"""Sending one delivery: the worker's step (jobs.py).

A POST of the payload as JSON, signed (signing.py), through the outbound guard, with a short
timeout; no redirect is followed. A 2xx answer delivers it. Anything else is retried with
backoff (30 s, doubling, at most an hour apart, with jitter); once a subscription has had
nothing but failures for 24 hours it is disabled, and its creator and the workspace's owners
are told. What waits is kept: enabling it again sends it, in order. The log keeps what was
delivered for 30 days.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palabre.accounts.models import Membership, Role, User
from palabre.lib import outbound
from palabre.lib.excerpt import excerpt
from palabre.lib.storable import storable
from palabre.publishing.notices import notice_send
from palabre.webhooks.models import EXCERPT_MAX, Delivery, DeliveryStatus, Subscription
from palabre.webhooks.services import (
    DISABLED_CREATOR_LEFT,
    DISABLED_FAILING,
    subscription_disable,
    subscriptions_managed,
    subscriptions_previous_secret_forget,
)
from palabre.webhooks.signing import signed_headers
from palabre.worker.jobs import RetryAt, held_write

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
READ_SECONDS = 10.0  # the whole answer, however slowly it trickles
# The whole attempt, its headers trickled a byte at a time included: well within the job's
# lease, so that no other worker takes a delivery while it is under way.
ATTEMPT_SECONDS = 20.0
READ_LIMIT = 64 * 1024  # more is not read (a 2xx still delivers)
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)
LOG_KEPT = timedelta(days=30)
USER_AGENT = "Palabre-Webhooks/1"

# Said in the reader's language when shown (msgids). One text for every way a receiver
# cannot be reached: the guard tells nothing of what is, or is not, at an address.
UNREACHABLE = gettext_noop(
    "The receiver could not be reached: its name is unknown, or nothing answered at that address."
)
TIMED_OUT = gettext_noop("The receiver took longer than 10 seconds to answer.")
# The guard refuses a name that does not resolve as it refuses a private address (telling
# them apart would map a private network's names): said as one.
GUARDED = gettext_noop(
    "Not sent: the address's name is unknown, or it leads to a local or private network, "
    "which Palabre refuses unless PALABRE_OUTBOUND_ALLOWED_HOSTS lists it."
)
# The words of the deliveries logged before 2026-12-07, still translated where they are read.
GUARDED_BEFORE = gettext_noop(
    "Not sent: the address leads to a local or private network, which Palabre refuses unless "
    "PALABRE_OUTBOUND_ALLOWED_HOSTS lists it."
)
NOT_2XX = gettext_noop("The receiver did not answer with a 2xx status.")
TOLD = gettext_noop(
    "Webhook “%(name)s” was disabled: its deliveries failed for 24 hours. The events waiting "
    "are kept: fix the receiver, then enable the webhook again to send them."
)

# Due: its subscription is active, and no older delivery of the same subscription and key
# waits before it (so a receiver gets each post's and each conversation's events in order).
# Subqueries, not joins: PostgreSQL's claim locks every joined row (FOR UPDATE).
_ACTIVE = Exists(Subscription.objects.filter(pk=OuterRef("subscription_id"), active=True))
_OLDER_WAITING = Exists(
    Delivery.objects.filter(
        subscription_id=OuterRef("subscription_id"), key=OuterRef("key"), pk__lt=OuterRef("pk")
    ).exclude(status=DeliveryStatus.DELIVERED)
)
DUE = Q(_ACTIVE) & ~Q(_OLDER_WAITING)


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer at all
    excerpt: str
    error: str  # "" when delivered


def delivery_send(delivery: Delivery) -> datetime | None:
    """The worker's step: None once delivered; raises RetryAt with the next attempt."""
    subscription = delivery.subscription
    if not subscription.active:  # disabled after the claim: kept for when it is enabled
        return timezone.now()
    if not subscriptions_managed(Subscription.objects.filter(pk=subscription.pk)).exists():
        subscription_disable(subscription=subscription, reason=DISABLED_CREATOR_LEFT)
        return timezone.now()  # kept: an owner who enables it again sends it
    answer = delivery_post(subscription=subscription, delivery=delivery)
    now = timezone.now()
    seen: dict[str, Any] = {
        "last_attempt_at": now,
        "response_status": answer.status,
        "response_excerpt": answer.excerpt,
    }
    if not answer.error:
        held_write(delivery, status=DeliveryStatus.DELIVERED, delivered_at=now, **seen)
        Subscription.objects.filter(pk=subscription.pk).exclude(failing_since=None).update(
            failing_since=None
        )
        _forget_delivered(subscription, now)
        if subscription.previous_secret_encrypted and not subscription.previous_secret_signs:
            subscriptions_previous_secret_forget()  # its day is over: not kept (leaked?)
        return None
    # Only while this worker holds it: a late failure written over the delivery another
    # worker made held every later event of its key, for good.
    held_write(delivery, status=DeliveryStatus.FAILED, **seen)
    _failure_record(subscription, now)
    raise RetryAt(now + retry_delay(delivery.attempts + 1), answer.error)


def _forget_delivered(subscription: Subscription, now: datetime) -> None:
    """The log keeps what was delivered for LOG_KEPT: a busy webhook's would grow forever.
    What is not delivered stays, however old."""
    Delivery.objects.filter(
        subscription=subscription, status=DeliveryStatus.DELIVERED, delivered_at__lt=now - LOG_KEPT
    ).delete()


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour; ±20% so that the retries of
    many deliveries do not come in waves."""
    # The exponent is bounded: 2**60 seconds fits no timedelta, and attempts add up over a
    # webhook's life (a re-enabled one goes on counting).
    delay = min(RETRY_BASE * 2 ** min(max(attempts - 1, 0), 16), RETRY_MAX)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not security)


def delivery_post(*, subscription: Subscription, delivery: Delivery) -> Answer:
    """One attempt. The body is signed as sent; the timestamp is the wall clock's, which is
    what the receiver compares it with."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signed_headers(
        secrets=subscription.secrets_signing,
        message_id=delivery.message_id,
        timestamp=int(time.time()),
        body=body,
    )
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    try:
        with (
            outbound.deadline(ATTEMPT_SECONDS),
            httpx.Client(**outbound.httpx_options(), timeout=TIMEOUT) as client,
            client.stream("POST", subscription.url, content=body, headers=headers) as response,
        ):
            raw = _read(response)
    except httpx.TimeoutException:
        return Answer(status=None, excerpt="", error=TIMED_OUT)
    except (httpx.HTTPError, OSError) as failure:
        # The guard refuses before any connection (httpx wraps its refusal): saying so
        # reveals nothing of what is at the address, and tells the operator what to change.
        guarded = _caused_by(failure, outbound.OutboundRefused)
        return Answer(status=None, excerpt="", error=GUARDED if guarded else UNREACHABLE)
    text = excerpt(storable(raw.decode("utf-8", "replace")), EXCERPT_MAX)
    delivered = 200 <= response.status_code < 300
    return Answer(status=response.status_code, excerpt=text, error="" if delivered else NOT_2XX)


def _caused_by(failure: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = failure
    for _depth in range(10):  # a chain is short; a cycle must not hang the worker
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read(response: httpx.Response) -> bytes:
    deadline = time.monotonic() + READ_SECONDS
    try:
        return outbound.read_httpx_bounded(response, limit=READ_LIMIT, deadline=deadline)
    except outbound.OutboundCutShort:
        return b""  # the status decides; the log shows no excerpt


def _failure_record(subscription: Subscription, now: datetime) -> None:
    Subscription.objects.filter(pk=subscription.pk, failing_since=None).update(failing_since=now)
    since = (
        Subscription.objects.filter(pk=subscription.pk)
        .values_list("failing_since", flat=True)
        .first()
    )
    if since is None or now - since < GIVE_UP_AFTER:
        return
    if subscription_disable(subscription=subscription, reason=DISABLED_FAILING):
        subscription_failing_tell(subscription=subscription)


def subscription_failing_tell(*, subscription: Subscription) -> list[User]:
    """Its creator (while still a member) and the workspace's owners, in the app and by
    e-mail, each in their own language."""
    members = Membership.objects.filter(workspace_id=subscription.workspace_id)
    owners = Q(role=Role.OWNER) | Q(user_id=subscription.created_by_id)
    people = [m.user for m in members.filter(owners).select_related("user", "workspace")]
    workspace = subscription.workspace
    link = reverse("workspace_settings_webhook", args=[workspace.slug, subscription.pk])
    for user in people:
        notice_send(
            workspace=workspace,
            user=user,
            message=TOLD,
            params={"name": excerpt(str(subscription), 120)},
            url=link,
        )
    return people
