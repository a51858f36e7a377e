"""What every page's shell needs: the navigation the person's role allows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Membership
from palabre.accounts.permissions import Action, can

# (url name, label, action that shows it). The order is the product's loop.
SECTIONS = [
    ("strategy", _("Strategy"), Action.VIEW_STRATEGY),
    ("calendar", _("Calendar"), Action.VIEW_CALENDAR),
    ("compose", _("Compose"), Action.COMPOSE),
    ("media", _("Media"), Action.MANAGE_MEDIA),
    ("inbox", _("Inbox"), Action.VIEW_INBOX),
    ("listening", _("Listening"), Action.VIEW_LISTENING),
    ("community", _("Community"), Action.VIEW_COMMUNITY),
    ("reports", _("Reports"), Action.VIEW_REPORTS),
    ("time_spent", _("Time spent"), Action.LOG_TIME),
    ("workspace_settings", _("Settings"), Action.VIEW_SETTINGS),
]


def navigation(membership: Membership, current: str) -> list[dict[str, Any]]:
    slug = membership.workspace.slug
    return [
        {
            "name": name,
            "label": label,
            "url": reverse(name, args=[slug]),
            # The section's own pages ("inbox_item", "inbox_rules"…) light it up too.
            "current": current == name or current.startswith(name + "_"),
        }
        for name, label, action in SECTIONS
        if can(membership, action)
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    here = {"here": page_to_come_back_to(request)}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return here
    workspaces = Membership.objects.filter(user=user).select_related("workspace")
    return here | {"my_memberships": workspaces}


def page_to_come_back_to(request: HttpRequest) -> str:
    """Where the language switch comes back to: this page, or, for a page drawn in answer to
    a form (a refused answer, at /inbox/10/reply/, which takes only POST), the page the form
    was sent from (a 405 otherwise). set_language keeps it only if it is this site's."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    sent_from = urlsplit(request.headers.get("Referer", ""))
    if sent_from.netloc != request.get_host() or not sent_from.path:
        return "/"
    return sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")
