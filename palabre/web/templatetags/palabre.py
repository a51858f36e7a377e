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
