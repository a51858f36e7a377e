"""Writes about people, workspaces and memberships."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyotp
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.accounts.models import (
    Invitation,
    LoginThrottle,
    Membership,
    Role,
    User,
    Workspace,
)
from palabre.accounts.permissions import Action, members_who
from palabre.lib import crypto
from palabre.lib.oneline import has_control_characters, one_line

log = logging.getLogger("palabre.accounts")


class ServiceError(Exception):
    """A rule refused the change; the message is shown to the person as it is."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_name(name: str) -> None:
    # A workspace's name reaches e-mail subjects, where a line break stops the mail.
    if has_control_characters(name):
        raise ServiceError(
            _("A name cannot contain a line break, a tab or another control character.")
        )


@transaction.atomic
def workspace_create(*, name: str, owner: User, timezone_name: str = "Europe/Paris") -> Workspace:
    _check_name(name)
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
    x_monthly_cap_usd: Decimal | None = None,
) -> Workspace:
    _check_name(name)
    workspace.name = name
    workspace.timezone = timezone_name
    workspace.require_two_factor = require_two_factor
    workspace.crosspost_threshold = crosspost_threshold
    workspace.approval_required = approval_required
    workspace.x_monthly_cap_usd = x_monthly_cap_usd
    workspace.full_clean()
    workspace.save()
    return workspace


def invitation_create(
    *, workspace: Workspace, email: str, role: str, invited_by: User
) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise ServiceError(_("%(email)s is already a member of this workspace.") % {"email": email})
    # Inviting again (another role, a lost e-mail): the newest invitation is the one that
    # counts; an older link finds nothing (not found), instead of giving its own role.
    Invitation.objects.filter(workspace=workspace, email=email, accepted_at__isnull=True).delete()
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, role=role, invited_by=invited_by
    )
    _invitation_send(invitation)
    return invitation


def _invitation_send(invitation: Invitation) -> None:
    link = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALID_DAYS}
    with translation.override(recipient_language(invitation.email)):
        subject = _("You are invited to %(workspace)s on Palabre") % {
            "workspace": one_line(invitation.workspace.name)
        }
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def recipient_language(email: str) -> str:
    """The language of an e-mail to this address: its account's choice, else the instance's
    (not the sender's: an invitation from someone reading English may reach a French team)."""
    user = User.objects.filter(email=email.strip().lower()).first()
    return (user.language if user else "") or settings.LANGUAGE_CODE


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
    member = Membership.objects.filter(workspace=invitation.workspace, user=user).first()
    if member is not None:  # its role is not this invitation's: said, nothing changed
        raise ServiceError(
            _(
                "You are already a member of this workspace, as %(role)s: an owner changes roles on the members page."
            )
            % {"role": member.get_role_display()}
        )
    membership = Membership.objects.create(
        workspace=invitation.workspace, user=user, role=invitation.role
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


@transaction.atomic
def membership_update_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    _assignments_release(membership.workspace, membership.user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    membership.delete()
    _assignments_release(membership.workspace, membership.user)


def _ensure_another_owner(membership: Membership) -> None:
    """Locked (SQLite's transactions take the lock as they begin): two owners demoting each
    other at the same moment leave one, not none."""
    owners = Membership.objects.select_for_update().filter(
        workspace=membership.workspace, role=Role.OWNER
    )
    if not [m for m in owners if m.pk != membership.pk]:
        raise ServiceError(_("A workspace keeps at least one owner."))


def _assignments_release(workspace: Workspace, user: User) -> None:
    """What was assigned to a person who left, or whose role no longer answers it, goes
    back to nobody (the managers are told instead); a rule assigning to them stops (its
    page shows it off). Otherwise it would wait on someone who cannot answer, and notices
    send the comments' words to someone who may not read them."""
    from palabre.inbox.models import Interaction, ModerationRule, RuleAction
    from palabre.listening.models import Heard

    if not members_who(workspace, Action.ANSWER).filter(pk=user.pk).exists():
        Interaction.objects.filter(workspace=workspace, assigned_to=user).update(assigned_to=None)
        rules = ModerationRule.objects.filter(workspace=workspace, assign_to=user)
        rules.filter(action=RuleAction.ASSIGN).update(assign_to=None, enabled=False)
        rules.update(assign_to=None)
    if not members_who(workspace, Action.VIEW_LISTENING).filter(pk=user.pk).exists():
        Heard.objects.filter(workspace=workspace, assigned_to=user).update(assigned_to=None)


def user_update_name(*, user: User, name: str) -> None:
    user.name = name.strip()
    user.save(update_fields=["name"])


def user_update_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Palabre")


TOTP_STEP = 30  # seconds: the authenticator apps' period


def _totp_step(secret: str, code: str) -> int | None:
    """The time step whose code this is, one step of drift either way (phones' clocks are
    rarely exact); None when it matches none."""
    code = code.replace(" ", "")
    if not secret or not (code.isascii() and code.isdigit()):
        return None
    totp, now = pyotp.TOTP(secret), int(time.time()) // TOTP_STEP
    # The newest first: should two steps share a code, the later one is recorded.
    for step in (now + 1, now, now - 1):
        if secrets.compare_digest(totp.at(step * TOTP_STEP), code):
            return step
    return None


def totp_verify(*, secret: str, code: str) -> bool:
    return _totp_step(secret, code) is not None


def _totp_consume(*, user: User, secret: str, code: str) -> None:
    """Accepts a code once: its step must be newer than the last one used, checked and
    recorded by one conditional UPDATE (two sessions typing the same code: one wins)."""
    step = _totp_step(secret, code)
    if step is None:
        raise ServiceError(_("This code is not valid. Check your phone's clock and try again."))
    used = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if not used:
        raise ServiceError(_("This code was already used: wait for the next one in your app."))
    user.totp_last_step = step


def totp_consume(*, user: User, code: str) -> None:
    """The second step of logging in: raises ServiceError with the reason for the person."""
    _totp_consume(user=user, secret=user.totp_secret, code=code)


def user_enable_totp(
    *, user: User, secret: str, code: str, password: str, ip: str | None = None
) -> None:
    """Turns two-factor login on; once on, only user_replace_totp changes the secret. The
    password first, counted against the login limit, as to replace it or turn it off: a
    session left open is not the person, and whoever turned it on holds the only app."""
    if user.has_totp:
        raise ServiceError(_("Two-factor login is already on."))
    if not login_attempt_count(email=user.email, ip=ip):
        raise ServiceError(throttled_message())
    if not user.check_password(password):
        raise ServiceError(_("This password is not the right one."))
    login_attempts_clear(email=user.email, ip=ip)
    _totp_consume(user=user, secret=secret, code=code)
    user.totp_secret_encrypted = crypto.encrypt(secret)
    user.save(update_fields=["totp_secret_encrypted"])


def user_replace_totp(
    *, user: User, password: str, current_code: str, secret: str, code: str, ip: str | None = None
) -> None:
    """Another app in place of the one in use: as for turning it off, the password and a
    current code of the app in use (a session left open is not the person), counted
    against the login limit; then a code of the new app, to know it was set up."""
    if not login_attempt_count(email=user.email, ip=ip):
        raise ServiceError(throttled_message())
    if not user.check_password(password):
        raise ServiceError(_("This password is not the right one."))
    new_step = _totp_step(secret, code)
    if new_step is None:
        raise ServiceError(
            _("The code from your new app is not valid. Scan the QR code again and try again.")
        )
    totp_consume(user=user, code=current_code)
    login_attempts_clear(email=user.email, ip=ip)
    # The new app's code is used too: it does not log in a second time.
    User.objects.filter(pk=user.pk, totp_last_step__lt=new_step).update(totp_last_step=new_step)
    user.totp_secret_encrypted = crypto.encrypt(secret)
    user.save(update_fields=["totp_secret_encrypted"])


def user_disable_totp(*, user: User, password: str, code: str, ip: str | None = None) -> None:
    """Only the person, not merely a session left open: the password and a current code.
    The attempts count against the same limit as logging in."""
    if Membership.objects.filter(user=user, workspace__require_two_factor=True).exists():
        raise ServiceError(_("A workspace you belong to requires two-factor login."))
    if not login_attempt_count(email=user.email, ip=ip):
        raise ServiceError(throttled_message())
    if not user.check_password(password):
        raise ServiceError(_("This password is not the right one."))
    totp_consume(user=user, code=code)
    login_attempts_clear(email=user.email, ip=ip)
    user.totp_secret_encrypted = ""
    user.save(update_fields=["totp_secret_encrypted"])


def user_totp_reset(*, user: User) -> bool:
    """Two-factor login turned off by whoever runs Palabre (`palabre two-factor-off`), for
    a person who lost the phone with the app: the only way back in. Logged, and the person
    is told by e-mail, so that a reset they did not ask for does not go unnoticed. A
    workspace that requires it asks them to set it up again at their next login. False when
    the e-mail could not be sent (whoever ran the command tells them)."""
    user.totp_secret_encrypted = ""
    user.save(update_fields=["totp_secret_encrypted"])
    log.warning("accounts: two-factor login turned off for user %s from the command line", user.pk)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Two-factor login was turned off for your Palabre account")
        body = render_to_string(
            "accounts/email/two_factor_off.txt",
            {"link": settings.SITE_URL + reverse("account")},
        )
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # the mail server refused or did not answer (smtplib's errors too)
        log.exception("accounts: the two-factor notice to user %s was not sent", user.pk)
        return False
    return True


def throttled_message() -> str:
    minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES
    return ngettext(
        "Too many failed attempts. Wait %(minutes)s minute, or reset your password.",
        "Too many failed attempts. Wait %(minutes)s minutes, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def _window() -> datetime:
    """The start of the current window: fixed windows, so that a key has one row in each."""
    seconds = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    start = int(timezone.now().timestamp()) // seconds * seconds
    return datetime.fromtimestamp(start, tz=UTC)


def _throttle_keys(email: str, ip: str | None) -> list[tuple[str, int]]:
    keys = [(f"email:{email.lower()[:254]}", settings.LOGIN_MAX_FAILURES)]
    if ip:
        # Per address as well, so one machine cannot try many accounts.
        keys.insert(0, (f"ip:{ip}", settings.LOGIN_MAX_FAILURES * 4))
    return keys


def _throttle_take(key: str, limit: int, window: datetime) -> bool:
    LoginThrottle.objects.bulk_create(
        [LoginThrottle(key=key, window=window)], ignore_conflicts=True
    )
    # The check and the count in one statement: no request can pass between them.
    taken = LoginThrottle.objects.filter(key=key, window=window, count__lt=limit).update(
        count=F("count") + 1
    )
    return taken == 1


def _throttle_give_back(key: str, window: datetime) -> None:
    LoginThrottle.objects.filter(key=key, window=window, count__gt=0).update(count=F("count") - 1)


def login_attempt_count(*, email: str, ip: str | None) -> bool:
    """Counts one attempt (a password, a code) before it is checked; False when the limit is
    reached, and then nothing is counted and nothing may be checked."""
    window = _window()
    taken: list[str] = []
    for key, limit in _throttle_keys(email, ip):
        if not _throttle_take(key, limit, window):
            for earlier in taken:
                _throttle_give_back(earlier, window)
            return False
        taken.append(key)
    LoginThrottle.objects.filter(window__lt=timezone.now() - timedelta(days=1)).delete()
    return True


def login_attempt_refund(*, email: str, ip: str | None) -> None:
    """The password was right and a code is asked next: that attempt was not a failure."""
    window = _window()
    for key, _limit in _throttle_keys(email, ip):
        _throttle_give_back(key, window)


def login_attempts_clear(*, email: str, ip: str | None) -> None:
    """Logged in: the address starts afresh; the machine gets this attempt back only."""
    keys = _throttle_keys(email, ip)
    LoginThrottle.objects.filter(key=keys[-1][0]).delete()
    if ip:
        _throttle_give_back(keys[0][0], _window())
