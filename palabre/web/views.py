"""The workspace dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
