"""Publishing post targets through their channel's connector: exactly once, or a person decides.

A target claimed while already `publishing` means a worker died mid-publish. On a network
that takes an idempotency key the publish is resumed with the same key (the network
returns the post it has); elsewhere it becomes `unknown` and waits for a person: a
duplicate post is worse than a late one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import User
from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.models import ChannelStatus
from palabre.channels.services import channel_mark_needs_reconnect
from palabre.lib import faults
from palabre.networks.base import (
    AuthExpired,
    Connector,
    Media,
    MediaUpload,
    OutgoingPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.publishing.content import post_content
from palabre.publishing.models import MediaItem, Post, PostTarget, TargetStatus
from palabre.publishing.signals import target_published
from palabre.publishing.workflow import post_edited, post_may_go_out, post_settle


def post_publish_now(*, post: Post, actor: User | None = None) -> list[PostTarget]:
    """Schedule for now: the worker picks the targets up at once."""
    from palabre.publishing.workflow import post_schedule

    return post_schedule(post=post, actor=actor, publish_at=timezone.now())


def post_target_publish(target: PostTarget) -> datetime | None:
    """The worker's step: returns when to try again, or None when the target is settled."""
    # The content is read once, checked, and what is sent is that very content: a save
    # that lands after the check does not reach the network (it sends the post back).
    content = post_content(target.post)
    checked = next((v for v in content["variants"] if v["network"] == target.variant.network), None)
    if checked is None or (not target.remote_id and not post_may_go_out(target.post, content)):
        # Checked here, at the moment of publishing, whatever path changed the content.
        reason = _("Changed since its approval: not published, back to review.")
        post_edited(post=target.post, actor=None, reason=reason)
        PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.FAILED, error=reason)
        return None
    channel = target.channel
    connector = connector_for(channel)
    if channel.status != ChannelStatus.ACTIVE:
        _settle(target, TargetStatus.HELD, _("The channel needs reconnecting."))
        return None
    if target.status == TargetStatus.PUBLISHING and not connector.idempotent:
        _settle(
            target,
            TargetStatus.UNKNOWN,
            _(
                "Publishing was interrupted; this network cannot tell whether the post went out. Check it there."
            ),
        )
        return None
    PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.PUBLISHING)
    try:
        _send(target, connector, checked)
    except RateLimited as error:
        _settle(target, TargetStatus.SCHEDULED, error.reason)
        raise wait_out(error) from None
    except Unavailable as error:
        _settle(target, TargetStatus.SCHEDULED, error.reason)
        raise  # the worker retries with backoff
    except Rejected as error:
        reason = _("The network refused this post: %(reason)s") % {"reason": error.reason}
        _settle(target, TargetStatus.FAILED, reason)
        return None
    except AuthExpired as error:
        channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        _settle(target, TargetStatus.HELD, _("The channel needs reconnecting."))
        return None
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.PUBLISHED, published_at=timezone.now(), error=""
    )
    post_settle(post=target.post)
    target_published.send(sender=PostTarget, target=target)
    return None


def _send(target: PostTarget, connector: Connector, checked: dict[str, Any]) -> None:
    """The post, then its thread's parts, then the first comment (`checked`: the variant's
    content as checked); each recorded as it goes, and each with its own idempotency key, so
    a resumed publish skips what already went out."""
    key = target.idempotency_key
    if not target.remote_id:
        published = connector.publish(_outgoing(target, connector, checked))
        faults.point("publish.after_network")
        target.remote_id, target.remote_url = published.remote_id, published.url
        PostTarget.objects.filter(pk=target.pk).update(
            remote_id=published.remote_id, remote_url=published.url
        )
    parent = target.remote_id
    for index, text in enumerate(checked["thread"], start=2):
        if index - 2 < len(target.part_ids):
            parent = target.part_ids[index - 2]
            continue
        moment = target.created_at + timedelta(microseconds=index)
        part = connector.reply(
            to_remote_id=parent, text=text, idempotency_key=f"{key}-{index}", created_at=moment
        )
        target.part_ids = [*target.part_ids, part.remote_id]
        PostTarget.objects.filter(pk=target.pk).update(part_ids=target.part_ids)
        parent = part.remote_id
    if checked["first_comment"] and not target.comment_id:
        moment = target.created_at + timedelta(milliseconds=1)
        comment = connector.reply(
            to_remote_id=target.remote_id,
            text=checked["first_comment"],
            idempotency_key=f"{key}-comment",
            created_at=moment,
        )
        PostTarget.objects.filter(pk=target.pk).update(comment_id=comment.remote_id)


def _outgoing(target: PostTarget, connector: Connector, checked: dict[str, Any]) -> OutgoingPost:
    alt_texts = dict(checked["media"])  # {media id: the alt text checked}
    media: tuple[Media, ...] = ()
    for item in MediaItem.objects.filter(pk__in=alt_texts):  # the library's order
        with item.file.open("rb") as f:
            upload = MediaUpload(item.name, item.content_type, f.read(), alt_texts[item.pk])
        media += (connector.upload_media(upload),)
    return OutgoingPost(
        text=checked["text"],
        idempotency_key=target.idempotency_key,
        media=media,
        created_at=target.created_at,
        content_warning=checked["content_warning"],
    )


def _settle(target: PostTarget, status: str, reason: str) -> None:
    PostTarget.objects.filter(pk=target.pk).update(status=status, error=reason)
    if status != TargetStatus.SCHEDULED:
        post_settle(post=target.post)
