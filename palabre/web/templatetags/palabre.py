from __future__ import annotations

from typing import Any

from django import template

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
