"""Strategy and return. So far: tracked short links and their clicks."""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace
from palabre.networks.kinds import NETWORK_CHOICES

CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7  # 62^7: guessing a live code is hopeless, and it stays short in a post


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class ShortLink(models.Model):
    """Palabre's own short link, /l/<code>: it redirects only to the address stored here."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="links")
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    label = models.CharField(_("label"), max_length=100, blank=True)
    destination = models.URLField(_("destination"), max_length=2000)
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES, blank=True)
    utm_source = models.CharField(_("utm_source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("utm_medium"), max_length=100, default="social")
    utm_campaign = models.CharField(_("utm_campaign"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"/l/{self.code}"


class Click(models.Model):
    """One person's click (crawlers, previews and prefetches are not written)."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["link", "at"])]

    def __str__(self) -> str:
        return f"click on {self.link_id} at {self.at:%Y-%m-%d %H:%M}"
