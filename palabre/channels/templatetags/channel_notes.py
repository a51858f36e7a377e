from __future__ import annotations

from django import template

from palabre.channels.meta import MetaNotes, channel_meta_notes
from palabre.channels.models import Channel

register = template.Library()


@register.filter
def meta_notes(channel: Channel) -> MetaNotes | None:
    """Webhooks and published images of a Facebook, Instagram or Threads channel."""
    return channel_meta_notes(channel)
