"""People, workspaces (one per brand or client) and what each person may do in each."""

from __future__ import annotations

import datetime
import secrets
import zoneinfo
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from palabre.lib import crypto
from palabre.lib.oneline import validate_one_line


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=now)
    # Encrypted with PALABRE_ENCRYPTION_KEYS; empty while two-factor login is off.
    totp_secret_encrypted = models.TextField(blank=True, editable=False)
    # The time step (30 s) of the last code accepted: a code is good once (RFC 6238, 5.2).
    totp_last_step = models.BigIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret_encrypted)

    @property
    def totp_secret(self) -> str:
        return crypto.decrypt(self.totp_secret_encrypted) if self.totp_secret_encrypted else ""


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone, e.g. Europe/Paris."),
            code="invalid_timezone",
            params={"value": value},
        )


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Workspace(models.Model):
    """One brand, association or client: everything else belongs to exactly one."""

    name = models.CharField(_("name"), max_length=100, validators=[validate_one_line])
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_timezone]
    )
    require_two_factor = models.BooleanField(_("require two-factor login"), default=False)
    approval_required = models.BooleanField(
        _("posts need approval before publishing"), default=False
    )
    # The owner's logo, re-drawn as a small PNG (accounts/logo.py), for the monthly report.
    logo_png = models.BinaryField(blank=True, default=b"", editable=False)
    # The calendar's read-only iCal address contains this; resetting it revokes old links.
    ical_token = models.CharField(max_length=64, default=_new_token, editable=False)
    # Variants of one post at least this alike are flagged "same text everywhere".
    crosspost_threshold = models.FloatField(
        _("similarity that flags the same text everywhere"),
        default=0.9,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
    )
    # Inbox: a question or criticism waiting this long alerts its assignee (twice as long:
    # the managers); ingested content older than the retention period is erased.
    answer_alert_hours = models.PositiveSmallIntegerField(
        _("alert when a question waits (hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep ingested content (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # Analytics: response times may be counted in business hours only; the content mix is
    # measured against this share of promotional posts (the strategy sets it).
    business_hours = models.BooleanField(_("count response times in business hours"), default=False)
    business_start = models.TimeField(_("business hours start"), default=datetime.time(9, 0))
    business_end = models.TimeField(_("business hours end"), default=datetime.time(18, 0))
    business_days = models.CharField(_("business days"), max_length=7, default="01234")
    # X bills each API request: polling stops (with a notice) before the month's estimated
    # spending of the workspace's X channels passes this, in US dollars. None: no cap.
    x_monthly_cap_usd = models.DecimalField(
        _("monthly cap on X API spending (USD)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_promotional_percent = models.PositiveSmallIntegerField(
        _("maximum share of promotional posts (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
    )
    netiquette = models.TextField(_("netiquette"), blank=True)
    netiquette_public = models.BooleanField(_("publish the netiquette page"), default=False)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return self.name

    def managers(self) -> list[User]:
        """Owners and community managers: who is told when something needs a decision."""
        members = self.memberships.filter(role__in=[Role.OWNER, Role.MANAGER])
        return [m.user for m in members.select_related("user")]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_date(self, moment: datetime.datetime | None = None) -> datetime.date:
        """The day it is (or was at `moment`) in the workspace's time zone."""
        return (moment or now()).astimezone(self.tzinfo).date()


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Community manager")
    EDITOR = "editor", _("Editor")
    CONTRIBUTOR = "contributor", _("Contributor (media only)")
    APPROVER = "approver", _("Approver (client)")
    ANALYST = "analyst", _("Analyst (read only)")


# What each role may do, in the words the members page shows. accounts/permissions.py
# decides: a change there is a change here.
ROLE_TEXTS = {
    Role.OWNER: _("Everything, the workspace's settings and its members included."),
    Role.MANAGER: _(
        "Writes, approves and publishes posts; answers and moderates the inbox; manages the "
        "channels, the strategy, listening, the reports' settings and the integrations. Not "
        "the workspace's general settings, nor its members."
    ),
    Role.EDITOR: _(
        "Writes posts and sends them for approval, or schedules them where the workspace asks "
        "for none; adds to the media library; reads the inbox, the calendar and the strategy; "
        "writes listening's searches; notes the time spent. Never publishes at once; answers "
        "nobody."
    ),
    Role.CONTRIBUTOR: _(
        "Adds photos, videos and documents to the media library, and notes the time spent. "
        "Nothing else."
    ),
    Role.APPROVER: _(
        "Reads the posts and approves them or asks for changes; reads the calendar, the "
        "strategy, listening and the reports."
    ),
    Role.ANALYST: _(
        "Reads the inbox, the calendar, the strategy, listening, the community and the "
        "reports, and notes the time spent. Changes nothing else."
    ),
}


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"


class Invitation(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace}"


class LoginThrottle(models.Model):
    """Attempts counted for one key (an e-mail address, an IP address) in one window of time.

    The count is raised by a conditional UPDATE that also checks the limit (services.
    login_attempt_count): parallel requests cannot both take the last place.
    """

    key = models.CharField(max_length=300)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window"], name="one_throttle_per_key_and_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.count} from {self.window:%Y-%m-%d %H:%M}"
