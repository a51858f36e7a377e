"""What Settings → Channels says of a Facebook, Instagram or Threads channel: whether images
can be published there, the webhook address to register, whether webhooks arrive, and how
much of its daily publishing quota is used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from palabre.channels.models import Channel, ChannelGrant
from palabre.lib.reachable import site_unreachable_reason
from palabre.networks.registry import connector_class

register = template.Library()


@dataclass(frozen=True)
class MetaNotes:
    webhook_url: str  # to register in the app dashboard
    webhook_at: datetime | None  # when a delivery for this account last arrived
    subscribed: bool | None  # the Page's subscription at connection (None: not per account)
    poll_minutes: int  # how often the inbox asks instead
    unreachable: str  # why the internet cannot reach this instance ("" when it may)
    fetches_images: bool  # the network fetches images from Palabre's address (Instagram, Threads)


def channel_meta_notes(channel: Channel) -> MetaNotes | None:
    """Webhooks and published images for a Facebook, Instagram or Threads channel."""
    from palabre.inbox.ingest import poll_interval  # the inbox builds on channels

    if channel.connector not in ("facebook", "instagram", "threads"):
        return None
    hook = "threads_webhook" if channel.connector == "threads" else "meta_webhook"
    grant = ChannelGrant.objects.filter(channel=channel).first()
    return MetaNotes(
        webhook_url=settings.SITE_URL + reverse(hook),
        webhook_at=grant.webhook_received_at if grant else None,
        subscribed=grant.webhook_subscribed if grant else None,
        poll_minutes=max(1, round(poll_interval(channel).total_seconds() / 60)),
        unreachable=site_unreachable_reason(settings.SITE_URL),
        fetches_images=connector_class(channel.connector).fetches_media_by_url,
    )


@register.filter
def meta_notes(channel: Channel) -> MetaNotes | None:
    return channel_meta_notes(channel)


@dataclass(frozen=True)
class QuotaNote:
    used: int  # posts in the network's window, as last read plus Palabre's since
    total: int
    hours: int  # the window


@register.filter
def daily_quota(channel: Channel) -> QuotaNote | None:
    """The channel's publishing quota as last read (Instagram's, Threads'), or None: never
    read, or the network has none. Read from what is stored: the page asks nothing."""
    from palabre.publishing.limits import known_limit, used_now  # publishing builds on channels

    known = known_limit(channel)
    if known is None:
        return None
    hours = max(1, round(known.window.total_seconds() / 3600))
    return QuotaNote(
        used=min(used_now(channel, known), known.total), total=known.total, hours=hours
    )


@register.filter
def x_month(channel: Channel) -> Any:
    """An X channel's requests this month and their estimated cost (channels/x_cost.py)."""
    from palabre.channels.x_cost import channel_x_month

    return channel_x_month(channel) if channel.bills_requests else None


@register.filter
def network_poll_minutes(channel: Channel) -> int:
    """How often the inbox polls the channel when its people chose nothing, in minutes."""
    from palabre.inbox.ingest import poll_interval

    channel_default = Channel(connector=channel.connector, poll_minutes=None)
    return max(1, round(poll_interval(channel_default).total_seconds() / 60))


@dataclass(frozen=True)
class AccessNote:
    ends: datetime
    refreshed: bool  # LinkedIn granted a refresh token: the worker renews it ahead


@register.filter
def linkedin_access(channel: Channel) -> AccessNote | None:
    """A LinkedIn channel's access: when it ends, and whether Palabre renews it."""
    from palabre.channels.grants import linkedin_can_refresh

    if channel.connector != "linkedin" or channel.credentials_expire_at is None:
        return None
    return AccessNote(channel.credentials_expire_at, linkedin_can_refresh(channel))
