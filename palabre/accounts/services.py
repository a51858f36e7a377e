"""Writes about people, workspaces and memberships."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from palabre.accounts.models import (
    Invitation,
    LoginFailure,
    Membership,
    Role,
    User,
    Workspace,
)
from palabre.lib import crypto


class ServiceError(Exception):
    """A rule refused the change; the message is shown to the person as it is."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(*, name: str, owner: User, timezone_name: str = "Europe/Paris") -> Workspace:
    workspace = Workspace(name=name, slug=_unique_slug(name), timezone=timezone_name)
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def workspace_update(
    *,
    workspace: Workspace,
    name: str,
    timezone_name: str,
    require_two_factor: bool,
    crosspost_threshold: float,
    approval_required: bool = False,
) -> Workspace:
    workspace.name = name
    workspace.timezone = timezone_name
    workspace.require_two_factor = require_two_factor
    workspace.crosspost_threshold = crosspost_threshold
    workspace.approval_required = approval_required
    workspace.full_clean()
    workspace.save()
    return workspace


def invitation_create(
    *, workspace: Workspace, email: str, role: str, invited_by: User
) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise ServiceError(_("%(email)s is already a member of this workspace.") % {"email": email})
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, role=role, invited_by=invited_by
    )
    _invitation_send(invitation)
    return invitation


def _invitation_send(invitation: Invitation) -> None:
    link = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALID_DAYS}
    subject = _("You are invited to %(workspace)s on Palabre") % {
        "workspace": invitation.workspace.name
    }
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_is_valid(invitation: Invitation) -> bool:
    age = timezone.now() - invitation.created_at
    return invitation.accepted_at is None and age < timedelta(days=settings.INVITATION_VALID_DAYS)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    if not invitation_is_valid(invitation):
        raise ServiceError(_("This invitation has expired or was already used."))
    if user.email.lower() != invitation.email.lower():
        raise ServiceError(
            _("This invitation is for %(email)s; log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def invitation_accept_as_new_user(*, invitation: Invitation, name: str, password: str) -> User:
    if User.objects.filter(email=invitation.email).exists():
        raise ServiceError(_("An account already exists for this address: log in to accept."))
    user = User.objects.create_user(
        invitation.email, password, name=name, language=translation.get_language() or "fr"
    )
    invitation_accept(invitation=invitation, user=user)
    return user


def membership_update_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    membership.delete()


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(workspace=membership.workspace, role=Role.OWNER).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ServiceError(_("A workspace keeps at least one owner."))


def user_update_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Palabre")


def totp_verify(*, secret: str, code: str) -> bool:
    code = code.replace(" ", "")
    # One step of drift either way: phones' clocks are rarely exact.
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def user_enable_totp(*, user: User, secret: str, code: str) -> None:
    if not totp_verify(secret=secret, code=code):
        raise ServiceError(_("This code is not valid. Check your phone's clock and try again."))
    user.totp_secret_encrypted = crypto.encrypt(secret)
    user.save(update_fields=["totp_secret_encrypted"])


def user_disable_totp(*, user: User) -> None:
    if Membership.objects.filter(user=user, workspace__require_two_factor=True).exists():
        raise ServiceError(_("A workspace you belong to requires two-factor login."))
    user.totp_secret_encrypted = ""
    user.save(update_fields=["totp_secret_encrypted"])


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def login_is_throttled(*, email: str, ip: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(email=email.lower()).count() >= settings.LOGIN_MAX_FAILURES:
        return True
    # Per address as well, so one machine cannot try many accounts.
    limit = settings.LOGIN_MAX_FAILURES * 4
    return ip is not None and recent.filter(ip=ip).count() >= limit


def login_failure_record(*, email: str, ip: str | None) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], ip=ip)
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()
