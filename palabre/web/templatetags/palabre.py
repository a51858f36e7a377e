from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from palabre.lib.durations import minutes_text
from palabre.lib.numbers import number_text
from palabre.lib.percent import colon_text, listed_text, money_text, percent_text, quoted_text
from palabre.web.context_processors import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def section_nav(context: template.Context) -> list[dict[str, Any]]:
    membership = context.get("membership")
    if membership is None:
        return []
    match = context["request"].resolver_match
    return navigation(membership, match.url_name if match else "")


@register.inclusion_tag("web/_reconnect_banner.html", takes_context=True)
def reconnect_banner(context: template.Context) -> dict[str, Any]:
    """Channels whose credentials stopped working: their posts wait until someone reconnects."""
    from palabre.accounts.permissions import Action, can
    from palabre.channels.models import Channel, ChannelStatus

    membership = context.get("membership")
    if membership is None:
        return {}
    broken = Channel.objects.filter(
        workspace=membership.workspace, status=ChannelStatus.NEEDS_RECONNECT
    )
    return {
        "broken": list(broken),
        "membership": membership,
        "can_fix": can(membership, Action.MANAGE_CHANNELS),
    }


# The days as the planning form reads them, in the reader's language (it reads both).
SLOT_DAYS = [
    pgettext_lazy("a time slot's day", "mon"),
    pgettext_lazy("a time slot's day", "tue"),
    pgettext_lazy("a time slot's day", "wed"),
    pgettext_lazy("a time slot's day", "thu"),
    pgettext_lazy("a time slot's day", "fri"),
    pgettext_lazy("a time slot's day", "sat"),
    pgettext_lazy("a time slot's day", "sun"),
]


@register.filter
def slot_label(slot: str) -> str:
    """'0 09:00' → 'mon 09:00' ('lun 09:00' in French), as typed in the planning form."""
    day, _sep, at = slot.partition(" ")
    if day.isascii() and day.isdigit() and int(day) < len(SLOT_DAYS):
        return f"{SLOT_DAYS[int(day)]} {at}"
    return slot


@register.filter
def slot_labels(slots: list[str]) -> str:
    """A channel's slots as the planning form reads them: "mon 09:00, wed 12:30"."""
    return ", ".join(slot_label(slot) for slot in slots or [])


@register.simple_tag(takes_context=True)
def unread_notices(context: template.Context) -> int:
    from palabre.publishing.models import Notice

    membership = context.get("membership")
    if membership is None:
        return 0
    return Notice.objects.filter(
        workspace=membership.workspace, user=membership.user, read_at=None
    ).count()


@register.simple_tag(takes_context=True)
def header_timer(context: template.Context) -> object:
    """The person's running timer, shown in every page's header while it runs."""
    from palabre.strategy.timesheet import running_timer

    membership = context.get("membership")
    if membership is None:
        return None
    return running_timer(workspace=membership.workspace, user=membership.user)


@register.filter
def minutes(value: int | None) -> str:
    """Minutes as time spent reads: '1 h 30 min'."""
    return minutes_text(value or 0)


@register.filter
def elapsed(since: datetime) -> str:
    """Time since `since` in hours and minutes: '0 h 07', '1 h 42' ('0:01' read as a
    second; shell.js ticks it in the same form)."""
    seconds = max(0, int((timezone.now() - since).total_seconds()))
    return f"{seconds // 3600}\u00a0h\u00a0{seconds // 60 % 60:02d}"


@register.filter
def grouped(number: float) -> str:
    """A count with the language's thousands separator: "63 206", "63,206"."""
    return number_text(number, 0) if isinstance(number, float) else number_text(number)


@register.filter
def quoted(text: str) -> str:
    """Someone's words in the language's quotation marks: “pain”, « pain » (escaped)."""
    return quoted_text(str(text))


@register.filter
def priced(amount: float, currency: str) -> str:
    """An amount in the workspace's currency as the language writes it: "16,67 €", "€16.67"."""
    return money_text(amount, currency)


@register.filter
def money(amount: float) -> str:
    """An amount with two decimals, grouped as the language groups: "1 234,50", "1,234.50"."""
    return number_text(amount, 2)


@register.filter
def percent_figure(number: float) -> str:
    """A figure already in percent (77 for 77 %) as the language writes it: "77%", "77 %"."""
    return percent_text(number)


@register.filter
def listed(items: list[str]) -> str:
    """Clauses joined with the language's semicolon ("a; b", "a ; b")."""
    return listed_text(items)


@register.simple_tag
def colon() -> str:
    """The colon after a label written outside a translated sentence ("Bluesky : …")."""
    return colon_text()
