"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import Membership, User, Workspace
from palabre.accounts.permissions import Action, can, scoped
from palabre.api.models import ApiToken, Scope

PREFIX = "palabre_"
LONGEST_LIFE = timedelta(days=366)


class TokenRefused(ValueError):
    """A token cannot be created as asked; the message says why, in the person's language."""


class TokenInvalid(Exception):
    """The bearer is not a usable token: unknown, revoked, expired, or its creator left."""


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *,
    workspace: Workspace,
    creator: User,
    name: str,
    kind: str,
    scopes: list[str],
    expires_at: datetime,
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is never shown again (only its digest is kept)."""
    membership = Membership.objects.filter(workspace=workspace, user=creator).first()
    if membership is None:
        raise TokenRefused(_("Only a member of this workspace can create its tokens."))
    if kind == ApiToken.Kind.WORKSPACE and not can(membership, Action.MANAGE_INTEGRATIONS):
        raise TokenRefused(_("Only owners and managers create workspace tokens."))
    if not scopes or not set(scopes) <= set(Scope.values):
        raise TokenRefused(_("Choose at least one scope."))
    now = timezone.now()
    if not now < expires_at <= now + LONGEST_LIFE:
        raise TokenRefused(_("A token expires in the future, within a year."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=workspace,
        created_by=creator,
        kind=kind,
        name=name,
        prefix=secret[: len(PREFIX) + 6],
        digest=token_digest(secret),
        scopes=sorted(set(scopes), key=Scope.values.index),
        expires_at=expires_at,
    )
    return token, secret


def token_revoke(*, token: ApiToken) -> None:
    """At once: the next call with it is refused (nothing caches a token)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token, and its creator's membership as it stands now."""

    token: ApiToken
    membership: Membership

    @property
    def workspace(self) -> Workspace:
        return self.membership.workspace

    @property
    def user(self) -> User:
        return self.membership.user


def token_authenticate(secret: str) -> Caller:
    token = ApiToken.objects.select_related("workspace").filter(digest=token_digest(secret)).first()
    if token is None or not token.usable:
        raise TokenInvalid
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace=token.workspace_id, user=token.created_by_id, user__is_active=True)
        .first()
    )
    if membership is None:
        raise TokenInvalid  # its creator left the workspace: the token left with them
    if membership.workspace.require_two_factor and not membership.user.has_totp:
        raise TokenInvalid  # as the pages: no work in this workspace without two-factor login
    return Caller(token=token, membership=membership)


def tokens_manageable(*, membership: Membership) -> QuerySet[ApiToken]:
    """The tokens this member sees and may revoke: their own; owners and managers, every
    token of the workspace (the workspace's and each member's personal ones)."""
    rows = scoped(ApiToken.objects.select_related("created_by"), membership.workspace)
    if not can(membership, Action.MANAGE_INTEGRATIONS):
        rows = rows.filter(created_by=membership.user)
    return rows.order_by("-created_at")
