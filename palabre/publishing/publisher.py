"""Publishing post targets through their channel's connector: exactly once, or a person decides.

`attempted_at` is set on the target just before each send that may reach the network (the
post, each thread part, the first comment) and cleared once what came back is recorded. Set
on a retry, a send was interrupted (a worker died, a request timed out). On a network that
takes an idempotency key the send is resumed with the same key (the network returns the
post it has); elsewhere Palabre looks for the piece on the network first
(networks/reconcile.py), records it if it is there, and sends it only once it surely is
not. What cannot be decided becomes `unknown` and waits for a person: a duplicate post is
worse than a late one.

A new post on a channel whose network sets a daily quota waits while the quota is used up
(limits.py); media for a network that fetches files itself go as signed addresses
(public_media.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import User
from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.models import ChannelStatus
from palabre.channels.services import channel_mark_needs_reconnect, channel_recorded_ids
from palabre.lib import faults
from palabre.networks.base import (
    AuthExpired,
    Connector,
    Media,
    MediaUpload,
    OutgoingPost,
    PublishedPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.networks.reconcile import PersonDecides, left_behind
from palabre.publishing.content import post_content
from palabre.publishing.limits import LimitReached, publishing_limit_check
from palabre.publishing.models import MediaItem, Post, PostTarget, TargetStatus
from palabre.publishing.public_media import media_public_url
from palabre.publishing.quotes import quoted_post_id
from palabre.publishing.signals import target_published
from palabre.publishing.workflow import post_edited, post_may_go_out, post_settle
from palabre.worker.jobs import LeaseLost, RetryAt, held_for_send, held_write

log = logging.getLogger("palabre.publishing")


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
    if checked is None:
        return _changed(target)
    channel = target.channel
    connector = connector_for(channel)
    if channel.status != ChannelStatus.ACTIVE:
        _settle(target, TargetStatus.HELD, _("The channel needs reconnecting."))
        return None
    _write(target, status=TargetStatus.PUBLISHING)
    try:
        _send(target, connector, content, checked)
    except ContentChanged:
        return _changed(target)
    except TooLate:
        reason = _(
            "Its time passed hours ago while it waited (its channel needed reconnecting, or "
            "the network did not answer): Palabre does not publish it this late by itself. "
            "Retry to publish it now, or give it a new time."
        )
        _settle(target, TargetStatus.FAILED, reason)
        return None
    except LimitReached as full:
        _settle(target, _waiting(target), full.reason)
        _due_again(target, full.when)
        raise RetryAt(full.when, full.reason) from None
    except PersonDecides as undecided:
        reason = _(
            "Publishing was interrupted and Palabre cannot tell whether the post went out "
            "(%(why)s). Check it there."
        ) % {"why": undecided.reason}
        _settle(target, TargetStatus.UNKNOWN, reason)
        return None
    except RateLimited as error:
        _settle(target, _waiting(target), error.reason)
        wait = wait_out(error)
        _due_again(target, wait.when)
        raise wait from None
    except Unavailable as error:
        _settle(target, _waiting(target), error.reason)
        raise  # the worker retries with backoff
    except Rejected as error:
        reason = _("The network refused this post: %(reason)s") % {"reason": error.reason}
        _settle(target, TargetStatus.FAILED, reason)
        return None
    except AuthExpired as error:
        channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        _settle(target, TargetStatus.HELD, _("The channel needs reconnecting."))
        return None
    _write(target, status=TargetStatus.PUBLISHED, published_at=timezone.now(), error="")
    post_settle(post=target.post)
    target_published.send(sender=PostTarget, target=target)
    return None


def _too_late(target: PostTarget) -> bool:
    """A post not on the network yet, long past its time: "tomorrow at 10" a week later
    would say what nobody approved. Its time is the target's: the approved one, a
    person's retry (target_retry), or the one Palabre itself made it wait for (a daily
    quota, a rate limit: `_due_again`)."""
    limit = timedelta(hours=settings.PALABRE_PUBLISH_LATE_HOURS)
    return not target.remote_id and timezone.now() - target.publish_at > limit


def _due_again(target: PostTarget, when: datetime) -> None:
    """Palabre makes it wait (a quota, a rate limit) and says when it goes: that is its time
    now, from which lateness counts."""
    target.publish_at = max(target.publish_at, when)
    _write(target, publish_at=target.publish_at)


class ContentChanged(Exception):
    """The post is no longer the content cleared to go out."""


class TooLate(Exception):
    """Not on the network yet, and long past its time (`_too_late`)."""


def _changed(target: PostTarget) -> datetime | None:
    """Checked here, at the moment of publishing, whatever path changed the content. Where
    the workspace approves, the post goes back to review; where it does not, the content
    as it is now goes out, read again at once (a photo deleted meanwhile: without it)."""
    if not target.post.workspace.approval_required:
        return timezone.now()
    reason = _("Changed since its approval: not published, back to review.")
    # Failed before the edit is told: a publication not out is withdrawn with the others.
    _write(target, status=TargetStatus.FAILED, error=reason)
    post_edited(post=target.post, actor=None, reason=reason)
    return None


def _waiting(target: PostTarget) -> str:
    """A send that began may be on the network: the target stays `publishing` (an edit cannot
    replace it) and the retry looks for it first."""
    return TargetStatus.PUBLISHING if target.attempted_at else TargetStatus.SCHEDULED


def _send(
    target: PostTarget, connector: Connector, content: dict[str, Any], checked: dict[str, Any]
) -> None:
    """The post, then its thread's parts, then the first comment (`checked`: the variant's
    content as checked); each recorded as it goes, so a resumed publish skips what already
    went out. Each has its own idempotency key; on a network that takes none, what an
    interrupted send may have left is looked for first (`_left_behind`)."""
    key = target.idempotency_key
    if not target.remote_id:
        post = _left_behind(target, connector, checked["text"], len(checked["media"]))
        if post is None:
            if _too_late(target):
                _late(target, connector)
            if not post_may_go_out(target.post, content):
                raise ContentChanged
            # A new post: within the channel's daily quota, or it waits (limits.py).
            publishing_limit_check(target=target, connector=connector)
            outgoing = _outgoing(target, connector, checked)  # uploads: no post yet
            with _attempt(target):
                post = connector.publish(outgoing)
            faults.point("publish.after_network")
        target.remote_id, target.remote_url = post.remote_id, _web_address(post.url)
        _record(target, remote_id=post.remote_id, remote_url=target.remote_url)
    parent = target.remote_id
    for index, text in enumerate(checked["thread"], start=2):
        if index - 2 < len(target.part_ids):
            parent = target.part_ids[index - 2]
            continue
        moment = target.created_at + timedelta(microseconds=index)
        part = _left_behind(target, connector, text, 0, parent)
        if part is None:
            with _attempt(target):
                part = connector.reply(
                    to_remote_id=parent,
                    text=text,
                    idempotency_key=f"{key}-{index}",
                    created_at=moment,
                )
            faults.point("publish.after_part")
        target.part_ids = [*target.part_ids, part.remote_id]
        _record(target, part_ids=target.part_ids)
        parent = part.remote_id
    if checked["first_comment"] and not target.comment_id:
        comment = _left_behind(target, connector, checked["first_comment"], 0, target.remote_id)
        if comment is None:
            with _attempt(target):
                comment = connector.reply(
                    to_remote_id=target.remote_id,
                    text=checked["first_comment"],
                    idempotency_key=f"{key}-comment",
                    created_at=target.created_at + timedelta(milliseconds=1),
                )
            faults.point("publish.after_comment")
        target.comment_id = comment.remote_id
        _record(target, comment_id=comment.remote_id)


def _late(target: PostTarget, connector: Connector) -> None:
    """Not sent this late. An interrupted send on a network that takes keys was not looked
    for (a resend would have found it): it may be there, and a person decides."""
    if target.attempted_at and connector.idempotent:
        raise PersonDecides(_("its send began hours ago and it is too late to send it now"))
    raise TooLate


def _left_behind(
    target: PostTarget,
    connector: Connector,
    text: str,
    media_count: int,
    in_reply_to: str | None = None,
) -> PublishedPost | None:
    """What an interrupted send of this piece left on the network (reconcile.left_behind).
    Only the first piece not recorded can have been interrupted: pieces go out one after the
    other, each attempt recorded."""
    return left_behind(
        connector,
        attempted_at=target.attempted_at,
        text=text,
        media_count=media_count,
        in_reply_to=in_reply_to,
        recorded=partial(channel_recorded_ids, channel=target.channel),
    )


@contextmanager
def _attempt(target: PostTarget) -> Iterator[None]:
    """Around a send that may reach the network: when it began, for a retry to look. A send
    the network refused (a refusal, a rate limit, revoked credentials) left nothing there."""
    _begin_send(target)
    faults.point("publish.before_network")
    try:
        yield
    except (Rejected, RateLimited, AuthExpired):
        _set_attempted(target, None)
        raise


def _begin_send(target: PostTarget) -> None:
    """Record the attempt, only while the worker still holds the target (the post cancelled
    meanwhile, another worker took it: LeaseLost, nothing is sent)."""
    now = timezone.now()
    held_for_send(target, attempted_at=now)
    target.attempted_at = now


def _set_attempted(target: PostTarget, when: datetime | None) -> None:
    _write(target, attempted_at=when)
    target.attempted_at = when


def _write(target: PostTarget, **fields: Any) -> None:
    """Every write of a publish: only while this worker holds the target (held_write)."""
    try:
        held_write(target, **fields)
    except LeaseLost:
        if {"remote_id", "part_ids", "comment_id"} & fields.keys():
            # On the network, and another worker holds the target: it looks for what this
            # send left (its attempt is recorded) unless it already sent its own.
            log.warning("post target %s: sent %s after its lease was lost", target.pk, fields)
        raise


# Where a post's page may link to: the web, and the demo network's own addresses (which
# no browser opens). A `javascript:` address would run on the post's page.
LINKABLE = ("http", "https", "demo")


def _web_address(url: str) -> str:
    """The post's address as the network gave it, kept when a link may lead there
    (LINKABLE) and it fits its column (else recording a post that went out would fail,
    and each retry with it)."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    limit = PostTarget._meta.get_field("remote_url").max_length or 0
    return url if scheme in LINKABLE and len(url) <= limit else ""


def _record(target: PostTarget, **remote: Any) -> None:
    """A piece is on the network and recorded: nothing is in flight any more."""
    _write(target, attempted_at=None, **remote)
    target.attempted_at = None


def _outgoing(target: PostTarget, connector: Connector, checked: dict[str, Any]) -> OutgoingPost:
    network = checked["network"]
    quote_of = _quoted(checked) if network == "x" else None  # before any upload
    alt_texts = dict(checked["media"])  # {media id: the alt text checked}
    items = list(MediaItem.objects.filter(pk__in=alt_texts))  # the library's order
    if len(items) != len(alt_texts):  # deleted since the content was checked
        raise ContentChanged
    media: tuple[Media, ...] = ()
    for item in items:
        media += (connector.upload_media(_upload(connector, item, alt_texts[item.pk])),)
    return OutgoingPost(
        text=checked["text"],
        idempotency_key=target.idempotency_key,
        media=media,
        created_at=target.created_at,
        content_warning=checked["content_warning"],
        media_format=checked["instagram_format"] if network == "instagram" else "",
        # Absent from the content where it is the network's default (content.py).
        reply_control=checked.get("reply_control", "") if network == "threads" else "",
        quote_of=quote_of,
    )


def _quoted(checked: dict[str, Any]) -> str | None:
    """The id of the post an X variant quotes (absent from the content: none). Only the
    first post of a thread quotes: its parts go out as answers (`_send`)."""
    address = checked.get("quote_url", "")
    if not address:
        return None
    post_id = quoted_post_id(address)
    if post_id is None:  # the composer refuses such an address; another path may not
        raise Rejected(
            _("The quoted post's address is not one of X's: %(address)s")
            % {"address": address[:100]}
        )
    return post_id


def _upload(connector: Connector, item: MediaItem, alt_text: str) -> MediaUpload:
    """The file for the connector: its bytes, or, for a network that fetches media itself,
    the signed address it fetches it from (the file is then never read here: a reel may
    weigh hundreds of MB)."""
    if connector.fetches_media_by_url:
        url = media_public_url(item)
        return MediaUpload(item.name, item.content_type, b"", alt_text, public_url=url)
    with item.file.open("rb") as f:
        return MediaUpload(item.name, item.content_type, f.read(), alt_text)


def _settle(target: PostTarget, status: str, reason: str) -> None:
    _write(target, status=status, error=reason)
    if status not in (TargetStatus.SCHEDULED, TargetStatus.PUBLISHING):
        post_settle(post=target.post)
