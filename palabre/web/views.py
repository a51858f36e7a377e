"""The workspace dashboard, and the manifest that lets a phone install Palabre."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import Action, can, membership_for, scoped
from palabre.channels.models import Channel


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_WORKSPACE)
    workspace = membership.workspace
    context = {
        "membership": membership,
        "section": "dashboard",
        "channels": scoped(Channel.objects.all(), workspace),
        "member_count": workspace.memberships.count(),
        "can_inbox": can(membership, Action.VIEW_INBOX),
    } | _unanswered(workspace)
    return render(request, "web/dashboard.html", context)


def _unanswered(workspace: Workspace) -> dict[str, object]:
    """Product rule 2: the number we fight, on the first page everyone sees."""
    from palabre.inbox.models import WAITING, Interaction

    waiting = scoped(Interaction.objects.all(), workspace).filter(WAITING)
    return {"waiting": waiting.count(), "oldest": waiting.order_by("created_at").first()}


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
