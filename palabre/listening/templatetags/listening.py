"""Showing what was heard: the moderation model's kind and an answer's state, as the inbox
shows them."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from palabre.inbox.models import AbuseKind, Category, Reply, ReplyStatus
from palabre.listening.trends import tone_of
from palabre.networks.kinds import NETWORKS

register = template.Library()


@register.filter
def kind_category(kind: str) -> str:
    """The category a kind belongs to (an abuse kind is abuse): the badge's colour."""
    return Category.ABUSE.value if kind in AbuseKind.values else kind


@register.filter
def kind_said(kind: str) -> str:
    """ "Question", "Abuse · Insult": the kind in the reader's language, never its key."""
    if kind in AbuseKind.values:
        return f"{Category.ABUSE.label} · {AbuseKind(kind).label}"
    if kind in Category.values:
        return str(Category(kind).label)
    return ""


TONES_SAID = {
    "positive": _("positive tone"),
    "neutral": _("neutral tone"),
    "negative": _("negative tone"),
}


@register.filter
def tone_said(kind: str) -> str:
    """The post's tone as the trends count it, read from its kind ("" for spam)."""
    tone = tone_of(kind) if kind else None
    return str(TONES_SAID[tone]) if tone else ""


@register.filter
def network_said(network: str) -> str:
    found = NETWORKS.get(network)
    return str(found.label) if found else network


BADGES = {ReplyStatus.QUEUED: "scheduled", ReplyStatus.SENT: "published"}


@register.filter
def reply_badge(reply: Reply) -> str:
    return BADGES.get(ReplyStatus(reply.status), "failed")


@register.filter
def last_reply(heard: object) -> Reply | None:
    """The latest answer to a heard post, from the replies prefetched with it."""
    interaction = getattr(heard, "interaction", None)
    if interaction is None:
        return None
    replies = list(interaction.replies.all())
    return replies[-1] if replies else None
