"""Showing what people wrote: always escaped, links marked as user content."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from palabre.inbox import audience as audiences
from palabre.inbox.models import Interaction, Reply
from palabre.lib.durations import duration_text
from palabre.networks.base import InteractionKind, Visibility

register = template.Library()

# What someone did, as people read it (Interaction.kind stores the key).
KIND_LABELS = {
    InteractionKind.COMMENT: _("comment"),
    InteractionKind.MENTION: _("mention"),
    InteractionKind.QUOTE: _("quote"),
    InteractionKind.MESSAGE: _("message"),
    InteractionKind.LIKE: _("like"),
    InteractionKind.REPOST: _("repost"),
    InteractionKind.FOLLOW: _("follow"),
}

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    shown = url if len(url) <= 60 else url[:57] + "…"
    return format_html(
        '<a href="{}" rel="nofollow noopener ugc" target="_blank">{}</a>', url, shown
    ) + escape(tail)


@register.filter
def ugc(text: str) -> SafeString:
    """User-generated content: escaped first, then http(s) links made clickable."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        parts.append(_link(match))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


@register.filter
def waiting(since: datetime) -> str:
    """ "3 h 20 min", "2 d 4 h": how long someone has been waiting."""
    return duration_text((timezone.now() - since).total_seconds())


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


@register.filter
def audience(row: Interaction | Reply) -> str:
    """Who can read an interaction or an answer: "public", "unlisted", "followers", "direct"."""
    if isinstance(row, Reply):
        return audiences.reply_visibility(row).value
    return audiences.audience_of(row).value


@register.filter
def audience_label(row: Interaction | Reply) -> str:
    """The same, in words: "Private message", "Followers only"…"""
    return str(audiences.LABELS[Visibility(audience(row))])


@register.filter
def kind_label(kind: str) -> str:
    """ "comment", "mention"… in the reader's language, never the stored key."""
    try:
        return str(KIND_LABELS[InteractionKind(kind)])
    except ValueError:
        return ""
