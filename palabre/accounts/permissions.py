"""Who may do what, in one place.

Every workspace-scoped view starts with `membership_for(request, slug, Action.X)`, and
every workspace-scoped query goes through `scoped()` or `get_scoped_or_404()`. A
workspace the person does not belong to, and any object inside it, answers 404: an
outsider cannot even learn that it exists. A member whose role does not allow the
action gets 403 with a page that says so.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone

from palabre.accounts.models import Membership, Role, User, Workspace

R = Role


class Action(enum.Enum):
    VIEW_WORKSPACE = "view_workspace"
    VIEW_STRATEGY = "view_strategy"
    MANAGE_STRATEGY = "manage_strategy"
    LOG_TIME = "log_time"
    VIEW_CALENDAR = "view_calendar"
    COMPOSE = "compose"
    PUBLISH = "publish"
    MANAGE_MEDIA = "manage_media"
    APPROVE = "approve"
    VIEW_INBOX = "view_inbox"
    ANSWER = "answer"
    MODERATE = "moderate"
    MANAGE_CONTACTS = "manage_contacts"
    VIEW_COMMUNITY = "view_community"
    VIEW_REPORTS = "view_reports"
    MANAGE_REPORTS = "manage_reports"
    VIEW_SETTINGS = "view_settings"
    MANAGE_CHANNELS = "manage_channels"
    MANAGE_WORKSPACE = "manage_workspace"
    MANAGE_MEMBERS = "manage_members"
    # Workspace API tokens and outgoing webhooks (personal tokens: every member).
    MANAGE_INTEGRATIONS = "manage_integrations"
    # Listening: reading what the saved searches heard, and writing the searches.
    VIEW_LISTENING = "view_listening"
    MANAGE_LISTENING = "manage_listening"


_EVERYONE = frozenset(Role)
_READERS = frozenset({R.OWNER, R.MANAGER, R.EDITOR, R.APPROVER, R.ANALYST})
_COMMUNITY = frozenset({R.OWNER, R.MANAGER})

ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_WORKSPACE: _EVERYONE,
    Action.VIEW_STRATEGY: _READERS,
    # The plan, its costs, ad spend, conversions and the webhook's secret.
    Action.MANAGE_STRATEGY: _COMMUNITY,
    # Everyone who works on the accounts logs their time; the client (approver) does not.
    Action.LOG_TIME: frozenset({R.OWNER, R.MANAGER, R.EDITOR, R.CONTRIBUTOR, R.ANALYST}),
    Action.VIEW_CALENDAR: _READERS,
    Action.COMPOSE: frozenset({R.OWNER, R.MANAGER, R.EDITOR}),
    Action.PUBLISH: _COMMUNITY,
    # The photographer's whole job in Palabre is the media library.
    Action.MANAGE_MEDIA: frozenset({R.OWNER, R.MANAGER, R.EDITOR, R.CONTRIBUTOR}),
    Action.APPROVE: frozenset({R.OWNER, R.MANAGER, R.APPROVER}),
    Action.VIEW_INBOX: frozenset({R.OWNER, R.MANAGER, R.EDITOR, R.ANALYST}),
    Action.ANSWER: _COMMUNITY,
    # Hiding, unhiding, rules and the inbox's settings; erasing or exporting a person.
    Action.MODERATE: _COMMUNITY,
    Action.MANAGE_CONTACTS: _COMMUNITY,
    Action.VIEW_COMMUNITY: frozenset({R.OWNER, R.MANAGER, R.ANALYST}),
    Action.VIEW_REPORTS: frozenset({R.OWNER, R.MANAGER, R.APPROVER, R.ANALYST}),
    # How response times are counted and whom the monthly report goes to.
    Action.MANAGE_REPORTS: _COMMUNITY,
    Action.VIEW_SETTINGS: _COMMUNITY,
    Action.MANAGE_CHANNELS: _COMMUNITY,
    Action.MANAGE_WORKSPACE: frozenset({R.OWNER}),
    Action.MANAGE_MEMBERS: frozenset({R.OWNER}),
    Action.MANAGE_INTEGRATIONS: _COMMUNITY,
    # Every member but the contributor (the photographer) reads it; answering from it needs
    # ANSWER too.
    Action.VIEW_LISTENING: _READERS,
    Action.MANAGE_LISTENING: frozenset({R.OWNER, R.MANAGER, R.EDITOR}),
}


def can(membership: Membership | None, action: Action) -> bool:
    return membership is not None and Role(membership.role) in ALLOWED[action]


class SignInRequired(Exception):
    """Nobody is signed in: the page is asked for again once somebody is (a link in an
    e-mail, a session that ended). Whether the workspace exists is not told."""


class TwoFactorRequired(Exception):
    """The workspace requires two-factor login and this person has not set it up."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace


def members_who(workspace: Workspace, action: Action) -> models.QuerySet[User]:
    """The workspace's people whose role allows `action` (whom a comment may be assigned
    to, or a notice about it sent: never someone who could not open it)."""
    roles = [role.value for role in ALLOWED[action]]
    return User.objects.filter(
        memberships__workspace=workspace, memberships__role__in=roles
    ).order_by("email")


def membership_for(request: HttpRequest, slug: str, action: Action) -> Membership:
    """The caller's membership of workspace `slug`, checked for `action`.

    Also makes the workspace's time zone the one every date on the page is shown in.
    """
    if not request.user.is_authenticated:
        raise SignInRequired
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace__slug=slug, user=request.user)
        .first()
    )
    if membership is None:
        raise Http404
    if membership.workspace.require_two_factor and not membership.user.has_totp:
        raise TwoFactorRequired(membership.workspace)
    if not can(membership, action):
        raise PermissionDenied
    timezone.activate(membership.workspace.tzinfo)
    return membership


M = TypeVar("M", bound=models.Model)


def scoped(queryset: models.QuerySet[M], workspace: Workspace) -> models.QuerySet[M]:
    """Only the rows of `workspace`; every scoped model has a `workspace` field."""
    return queryset.filter(workspace=workspace)


def get_scoped_or_404(queryset: models.QuerySet[M], workspace: Workspace, **lookup: Any) -> M:
    obj = scoped(queryset, workspace).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
