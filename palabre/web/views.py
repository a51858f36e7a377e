"""The workspace dashboard and the sections still to come, each with an honest empty state."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import Action, can, membership_for, scoped
from palabre.channels.models import Channel

# section → (action, title, what it will do, issue that builds it)
UPCOMING = {
    "strategy": (
        Action.VIEW_STRATEGY,
        _("Strategy"),
        _(
            "Audiences, chosen networks and their weekly time budget, editorial guidelines and "
            "objectives measured against real figures."
        ),
    ),
}


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


def upcoming(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    action, title, promise = UPCOMING[section]
    membership = membership_for(request, slug, action)
    context = {"membership": membership, "section": section, "title": title, "promise": promise}
    return render(request, "web/upcoming.html", context)


def _unanswered(workspace: Workspace) -> dict[str, object]:
    """Product rule 2: the number we fight, on the first page everyone sees."""
    from palabre.inbox.models import WAITING, Interaction

    waiting = scoped(Interaction.objects.all(), workspace).filter(WAITING)
    return {"waiting": waiting.count(), "oldest": waiting.order_by("created_at").first()}
