"""The demo network as Meta's three networks behave, so that the demo's Facebook, Instagram
and Threads channels show what only they offer, with no account anywhere:

- a private reply to a comment (Facebook, Instagram): one per comment, as the networks
  allow; a second is refused in Facebook's own words;
- a daily quota of published posts (Instagram, Threads), counted on the demo's own posts;
- answers that are public, as on those networks: none offers an answer only some may read
  (the private reply is its own action).
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.utils import timezone

from palabre.networks.base import (
    Capability,
    InteractionKind,
    PublishedPost,
    PublishingLimit,
    Rejected,
    Visibility,
)
from palabre.networks.demo.connector import DemoConnector, _activity_pk
from palabre.networks.demo.models import DemoActivity, DemoPost

WINDOW = timedelta(hours=24)


def _private_reply(
    connector: DemoConnector, *, to_remote_id: str, text: str, idempotency_key: str
) -> PublishedPost:
    comment = DemoActivity.objects.filter(
        channel=connector.channel, pk=_activity_pk(to_remote_id), kind=InteractionKind.COMMENT
    ).first()
    if comment is None:
        raise Rejected(f"unknown comment {to_remote_id!r}")
    if not text.strip():
        raise Rejected("A message needs text.")
    # The comment's one private reply is kept under a key naming the comment: the same key
    # again returns it (a retry); another is refused, as Facebook refuses it.
    prefix = f"private:{to_remote_id}:"
    sent = DemoPost.objects.filter(
        channel=connector.channel, idempotency_key__startswith=prefix
    ).first()
    if sent is not None and sent.idempotency_key != prefix + idempotency_key:
        raise Rejected("(#10900) Activity already replied to")
    return connector._create(text, prefix + idempotency_key, to_remote_id, (), Visibility.DIRECT)


def _quota(connector: DemoConnector, total: int) -> PublishingLimit:
    """The account's own posts (not its answers) over the last 24 hours."""
    since = timezone.now() - WINDOW
    used = DemoPost.objects.filter(
        channel=connector.channel, in_reply_to="", created_at__gte=since
    ).count()
    return PublishingLimit(total=total, used=used, window=WINDOW)


class DemoFacebookConnector(DemoConnector):
    key = "demo_facebook"
    label = "Demo network (Facebook)"
    capabilities = DemoConnector.capabilities | Capability.PRIVATE_REPLY
    visibilities = (Visibility.PUBLIC,)

    def private_reply(self, *, to_remote_id: str, text: str, idempotency_key: str) -> PublishedPost:
        return _private_reply(
            self, to_remote_id=to_remote_id, text=text, idempotency_key=idempotency_key
        )


class DemoInstagramConnector(DemoFacebookConnector):
    key = "demo_instagram"
    label = "Demo network (Instagram)"
    capabilities = DemoFacebookConnector.capabilities | Capability.PUBLISHING_LIMIT
    # Meta's documentation now says 100 API-published posts per 24 hours.
    daily_posts: ClassVar[int] = 100

    def publishing_limit(self) -> PublishingLimit:
        return _quota(self, self.daily_posts)


class DemoThreadsConnector(DemoConnector):
    key = "demo_threads"
    label = "Demo network (Threads)"
    capabilities = DemoConnector.capabilities | Capability.PUBLISHING_LIMIT
    visibilities = (Visibility.PUBLIC,)
    daily_posts: ClassVar[int] = 250  # Threads' documented quota

    def publishing_limit(self) -> PublishingLimit:
        return _quota(self, self.daily_posts)
