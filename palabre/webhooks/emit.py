"""Where each event is told, and what it says: one function per kind of thing, called in a
line from the service where the thing happens (publishing/workflow.py, inbox/ingest.py…).

Each builds its `data` only when a subscription wants the event (webhook_event_emit), from
the rows as they are then. `data` holds ids and what a receiver acts on: never a secret nor
an e-mail address. The key keeps what belongs together in order: a post's events
(`post:<id>`), a conversation's (`conversation:<channel>:<thread>`), a channel's alerts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from palabre.inbox.audience import is_private
from palabre.publishing.models import Post, PostStatus, PostTarget
from palabre.webhooks import events
from palabre.webhooks.models import Delivery
from palabre.webhooks.services import Data, webhook_event_emit

if TYPE_CHECKING:
    from palabre.accounts.models import User
    from palabre.analytics.models import ReachAlert
    from palabre.inbox.models import Interaction
    from palabre.strategy.models import Conversion

# The post's status a transition reaches → the event it is.
POST_STATUS_EVENTS = {
    PostStatus.IN_REVIEW: events.POST_NEEDS_APPROVAL,
    PostStatus.APPROVED: events.POST_APPROVED,
    PostStatus.FAILED: events.POST_FAILED,
    PostStatus.UNKNOWN: events.POST_FAILED,
}


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _person(user: User | None) -> Data | None:
    return {"id": user.pk, "name": user.name} if user is not None else None


# --- Posts -----------------------------------------------------------------------------


def post_data(post: Post) -> Data:
    variants = post.variants.prefetch_related("channels")
    return {
        "id": post.pk,
        "idea": post.idea,
        "category": post.category,
        "status": post.status,
        "publish_at": post.publish_at,
        "author": _person(post.author),
        "variants": [
            {
                "network": v.network,
                "text": v.text,
                "channels": [c.pk for c in v.channels.all()],
            }
            for v in variants
        ],
        "url": _site(reverse("post_edit", args=[post.workspace.slug, post.pk])),
    }


def publication_data(target: PostTarget) -> Data:
    return {
        "id": target.pk,
        "network": target.channel.network,
        "channel": {"id": target.channel_id, "name": target.channel.name},
        "status": target.status,
        "remote_id": target.remote_id,
        "url": target.remote_url,
        "published_at": target.published_at,
        "error": target.error,
    }


def post_moved_emit(*, post: Post, status: str, actor: User | None) -> list[Delivery]:
    """A transition of the post (workflow._move): waiting for approval, approved, failed."""
    event = POST_STATUS_EVENTS.get(PostStatus(status))
    if event is None:
        return []

    def data() -> Data:
        fresh = Post.objects.select_related("workspace", "author").get(pk=post.pk)
        found: Data = {"post": post_data(fresh), "by": _person(actor)}
        if event == events.POST_FAILED:
            targets = fresh.targets.select_related("channel").order_by("pk")
            found["publications"] = [publication_data(t) for t in targets]
        return found

    return webhook_event_emit(
        workspace=post.workspace_id, event=event, key=f"post:{post.pk}", data=data
    )


def post_published_emit(*, target: PostTarget) -> list[Delivery]:
    """One publication is live on its network (one event per network the post went to)."""

    def data() -> Data:
        fresh = PostTarget.objects.select_related("channel", "post__workspace", "post__author")
        live = fresh.get(pk=target.pk)
        return {"post": post_data(live.post), "publication": publication_data(live)}

    return webhook_event_emit(
        workspace=target.post.workspace_id,
        event=events.POST_PUBLISHED,
        key=f"post:{target.post_id}",
        data=data,
    )


# --- Interactions ----------------------------------------------------------------------


def conversation_key(interaction: Interaction) -> str:
    """What a person and the brand say to each other, in order: a private conversation is
    the person's on that channel; a public one, the thread (its root, else the item)."""
    if is_private(interaction) and interaction.identity_id is not None:
        thread = f"person:{interaction.identity_id}"
    else:
        root = interaction.root or interaction.remote_id
        thread = hashlib.sha256(root.encode()).hexdigest()[:16]
    return f"conversation:{interaction.channel_id}:{thread}"


def interaction_data(interaction: Interaction) -> Data:
    identity = interaction.identity
    target = interaction.target
    slug = interaction.workspace.slug
    return {
        "id": interaction.pk,
        "kind": interaction.kind,
        "visibility": interaction.visibility,
        "text": interaction.text,
        "created_at": interaction.created_at,
        "channel": {
            "id": interaction.channel_id,
            "name": interaction.channel.name,
            "network": interaction.channel.network,
        },
        "author": {
            "handle": identity.handle,
            "name": identity.display_name,
            "contact_id": identity.contact_id,
        }
        if identity is not None
        else None,
        "parent_id": interaction.parent_id,
        "post_id": target.post_id if target is not None else None,
        "classification": {
            "category": interaction.category,
            "abuse_kind": interaction.abuse_kind,
            "abuse_score": interaction.abuse,
            "lang": interaction.lang,
            "suggested_action": interaction.suggested_action,
            "model_version": interaction.model_version,
        },
        "needs_answer": interaction.needs_answer,
        "in_review": interaction.in_review,
        "hidden": interaction.hidden,
        "url": _site(reverse("inbox_item", args=[slug, interaction.pk])),
    }


def interaction_event_emit(
    *,
    interaction: Interaction,
    event: str,
    details: Callable[[], Data] | None = None,
) -> list[Delivery]:
    """Received, classified, hidden, waiting too long; `details` says more of the moment
    ({"hidden": {...}}, {"waiting": {...}}), read only when a subscription wants it."""

    def data() -> Data:
        return {"interaction": interaction_data(interaction), **(details() if details else {})}

    return webhook_event_emit(
        workspace=interaction.workspace_id,
        event=event,
        key=conversation_key(interaction),
        data=data,
    )


def interaction_hidden_emit(
    *, interaction: Interaction, actor: User | None, rule: str, reason: str, on_network: bool
) -> list[Delivery]:
    hidden = {
        "reason": reason,
        "rule": rule if actor is None else "",
        "by": _person(actor),
        "on_network": on_network,
    }
    return interaction_event_emit(
        interaction=interaction,
        event=events.INTERACTION_HIDDEN,
        details=lambda: {"hidden": hidden},
    )


def interaction_waiting_emit(*, interaction: Interaction, hours: int) -> list[Delivery]:
    """At the workspace's alert delay (`hours`), and at twice it for an assigned one."""

    def details() -> Data:
        return {"waiting": {"hours": hours, "assigned_to": _person(interaction.assigned_to)}}

    return interaction_event_emit(
        interaction=interaction, event=events.INTERACTION_WAITING, details=details
    )


# --- Conversions and alerts ------------------------------------------------------------


def conversion_recorded_emit(*, conversion: Conversion, customer: bool) -> list[Delivery]:
    def data() -> Data:
        link = conversion.link
        return {
            "conversion": {
                "id": conversion.pk,
                "external_id": conversion.external_id,
                "occurred_at": conversion.occurred_at,
                "value": str(conversion.value),
                "network": conversion.network,
                "link": {"id": link.pk, "code": link.code} if link is not None else None,
                "contact_id": conversion.contact_id,
                "customer": customer,
                "source": conversion.source,
            }
        }

    return webhook_event_emit(
        workspace=conversion.workspace_id,
        event=events.CONVERSION_RECORDED,
        key=f"conversion:{conversion.pk}",
        data=data,
    )


def reach_alert_emit(*, alert: ReachAlert) -> list[Delivery]:
    channel = alert.channel

    def data() -> Data:
        return {
            "alert": {
                "id": alert.pk,
                "day": alert.day,
                "reach": alert.reach,
                "threshold": round(alert.threshold, 1),
                "channel": {"id": channel.pk, "name": channel.name, "network": channel.network},
                "url": _site(reverse("reports", args=[channel.workspace.slug]))
                + f"?channel={channel.pk}",
            }
        }

    return webhook_event_emit(
        workspace=channel.workspace_id,
        event=events.REACH_ALERT,
        key=f"channel:{channel.pk}",
        data=data,
    )
