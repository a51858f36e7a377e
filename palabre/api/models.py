"""API tokens and the answers kept for a retried POST (docs/api.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace


class Scope(models.TextChoices):
    """What a token may do, on top of what its creator's role allows."""

    READ = "read", _("Read")
    WRITE = "write", _("Write drafts, notes and replies to approve")
    PUBLISH = "publish", _("Publish, approve, schedule and send replies")
    MODERATE = "moderate", _("Hide and show comments")
    PEOPLE = "people", _("People's data: contacts, merge, export, erase")


# A scope in a word, for the tokens' table (the form says each in full, with its code).
SCOPE_WORDS = {
    Scope.READ: _("Read"),
    Scope.WRITE: _("Write"),
    Scope.PUBLISH: _("Publish"),
    Scope.MODERATE: _("Moderate"),
    Scope.PEOPLE: _("People’s data"),
}


class ApiToken(models.Model):
    """A secret a program sends as `Authorization: Bearer palabre_…`.

    Only the SHA-256 of the secret is kept: a database leak gives no usable token. The token
    acts as its creator, and never beyond the creator's role *now*: a member whose role is
    lowered, or who leaves, takes their tokens down with them on the next call.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        WORKSPACE = "workspace", _("Workspace")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, shown in lists so a person knows which is which.
    prefix = models.CharField(max_length=20)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The pace: calls in the current minute (access.py), kept on the row the call reads anyway.
    rate_window = models.PositiveBigIntegerField(default=0)
    rate_calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_words(self) -> list[tuple[str, str]]:
        """Each of its scopes as a word and in full, in the form's order (one Palabre no
        longer has, as stored)."""
        known = [
            (str(SCOPE_WORDS.get(s, s.label)), str(s.label)) for s in Scope if s in self.scopes
        ]
        return known + [(s, s) for s in self.scopes if s not in Scope.values]

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotentAnswer(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`: a retry gets it again.

    Keyed by the token (its digest) and the key; `fingerprint` is the method, path and body
    the key was first used with, so the same key with another request is refused.
    """

    token_digest = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token_digest", "key"], name="one_answer_per_key")
        ]

    def __str__(self) -> str:
        return self.key
