"""The workspace dashboard, and the manifest that lets a phone install Palabre."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from palabre.accounts.models import User
from palabre.accounts.permissions import Action, can, membership_for, scoped
from palabre.analytics.figures import home_figures
from palabre.channels.models import Channel
from palabre.lib.home_return import home_part
from palabre.web import home


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Home: what needs this person now, in the parts their role may see."""
    membership = membership_for(request, slug, Action.VIEW_WORKSPACE)
    workspace = membership.workspace
    context: dict[str, object] = {
        "membership": membership,
        "section": "dashboard",
        "channels": scoped(Channel.objects.all(), workspace),
        "lead": home.role_sees(membership),
        "can_answer": can(membership, Action.ANSWER),
        "can_approve": can(membership, Action.APPROVE),
        "can_publish": can(membership, Action.PUBLISH),
        "can_compose": can(membership, Action.COMPOSE),
        "can_inbox": can(membership, Action.VIEW_INBOX),
        "can_time": can(membership, Action.LOG_TIME),
        "can_reports": can(membership, Action.VIEW_REPORTS),
        "can_media": can(membership, Action.MANAGE_MEDIA),
    }
    if context["can_inbox"]:
        context["waiting"], context["waiting_count"] = home.waiting_items(workspace)
        context["late_answers"] = home.late_answers(workspace)
    if can(membership, Action.MODERATE):
        context["review"], context["review_count"] = home.review_items(
            workspace, cast(User, request.user)
        )
    if context["can_approve"]:
        context["approvals"], context["approvals_count"] = home.approvals(workspace)
    if context["can_compose"]:
        context["changes"], context["changes_count"] = home.changes_asked(
            workspace, cast(User, request.user)
        )
    if can(membership, Action.VIEW_CALENDAR):
        context["upcoming"] = home.upcoming(workspace)
        context["trouble"] = home.trouble(workspace)
        context["late"] = home.late_publications(workspace)
    if context["can_time"]:
        context |= home.time_week(workspace, cast(User, request.user))
    if context["can_media"]:
        context["media"], context["media_count"] = home.media_without_alt(workspace)
    if context["can_reports"]:
        context["figures"] = home_figures(workspace, timezone.now())
    shown = {
        "waiting": context["can_inbox"],
        "approvals": context["can_approve"],
        "trouble": bool(context.get("trouble")),
    }
    context["messages_at"] = home_part(request, {part for part, on in shown.items() if on})
    return render(request, "web/dashboard.html", context)


GREEN, CREAM = "#2f5d50", "#f7f5f0"  # the favicon's


@require_safe
def web_manifest(request: HttpRequest) -> HttpResponse:
    """ "Add to home screen": Palabre opens full screen, on the person's first workspace.
    Public: browsers fetch it without the session's cookies."""
    icons = [
        {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    manifest = {
        "name": "Palabre",
        "short_name": "Palabre",
        "description": _("Talk with your community, not at it."),
        "lang": get_language(),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": CREAM,
        "theme_color": GREEN,
        "icons": icons,
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
