"""The demo's webhook: the bakery's n8n flow, with a delivery log to read.

Its events are told through the same functions the services call (emit.py), from the demo's
own posts, comments and sales, then dated in the past as the worker would have left them:
three delivered, and a sale the receiver refused with a 500 that waits for its retry. The
address is on the reserved `.example` domain: later events fail to arrive, as they would.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.inbox.models import Category, Interaction
from palabre.lib import crypto
from palabre.publishing.models import Post, PostStatus, PostTarget, TargetStatus
from palabre.strategy.models import Conversion
from palabre.webhooks import emit, events
from palabre.webhooks.delivery import NOT_2XX
from palabre.webhooks.models import Delivery, DeliveryStatus, Subscription
from palabre.webhooks.signing import secret_new

URL = "https://n8n.lumiere.example/webhook/palabre"
DESCRIPTION = "n8n : commandes et questions vers le tableau de l’équipe"
EVENTS = [
    events.POST_PUBLISHED,
    events.POST_NEEDS_APPROVAL,
    events.INTERACTION_RECEIVED,
    events.INTERACTION_WAITING,
    events.CONVERSION_RECORDED,
]
ACCEPTED = '{"ok":true,"executionId":"%s"}'
REFUSED = (
    '{"code":500,"message":"Google Sheets: Quota exceeded for quota metric \'Write requests\' '
    'per minute per user. Try again later."}'
)


def demo_webhooks(workspace: Workspace, creator: User) -> Subscription:
    # Written as it is stored, not through subscription_create: that one resolves the
    # address, and the demo builds without a network.
    subscription = Subscription.objects.create(
        workspace=workspace,
        url=URL,
        description=DESCRIPTION,
        events=EVENTS,
        secret_encrypted=crypto.encrypt(secret_new()),
        created_by=creator,
        created_at=timezone.now() - timedelta(days=3),
    )
    now = timezone.now()
    told = [*_question(workspace), *_approval(workspace), *_publication(workspace)]
    for n, delivery in enumerate(told, start=1):
        _delivered(delivery, now - timedelta(hours=6 * (len(told) - n + 1)), n)
    _refused_sale(subscription, workspace, now)
    subscription.refresh_from_db()
    return subscription


def _question(workspace: Workspace) -> list[Delivery]:
    questions = Interaction.objects.filter(workspace=workspace, category=Category.QUESTION)
    question = questions.order_by("-created_at").first()
    if question is None:
        return []
    return emit.interaction_event_emit(interaction=question, event=events.INTERACTION_RECEIVED)


def _approval(workspace: Workspace) -> list[Delivery]:
    waiting = Post.objects.filter(workspace=workspace, status=PostStatus.IN_REVIEW).first()
    if waiting is None:
        return []
    return emit.post_moved_emit(post=waiting, status=PostStatus.IN_REVIEW, actor=waiting.author)


def _publication(workspace: Workspace) -> list[Delivery]:
    published = PostTarget.objects.filter(
        post__workspace=workspace, status=TargetStatus.PUBLISHED
    ).first()
    return [] if published is None else emit.post_published_emit(target=published)


def _delivered(delivery: Delivery, at: datetime, n: int) -> None:
    _dated(delivery, at)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED,
        attempts=1,
        last_attempt_at=at,
        delivered_at=at,
        next_attempt_at=None,
        response_status=200,
        response_excerpt=ACCEPTED % (4810 + n),
    )


def _refused_sale(subscription: Subscription, workspace: Workspace, now: datetime) -> None:
    """The shop's latest sale: the sheet behind the flow refused it three times."""
    sale = Conversion.objects.filter(workspace=workspace).order_by("-occurred_at", "-pk").first()
    if sale is None:
        return
    first = now - timedelta(minutes=40)
    for delivery in emit.conversion_recorded_emit(conversion=sale, customer=False):
        _dated(delivery, first)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED,
            attempts=3,
            last_attempt_at=now - timedelta(minutes=8),
            next_attempt_at=now + timedelta(minutes=25),
            response_status=500,
            response_excerpt=REFUSED,
            last_error=NOT_2XX,
        )
    Subscription.objects.filter(pk=subscription.pk).update(failing_since=first)


def _dated(delivery: Delivery, at: datetime) -> None:
    payload = {**delivery.payload, "timestamp": DjangoJSONEncoder().default(at)}
    Delivery.objects.filter(pk=delivery.pk).update(created_at=at, payload=payload)
