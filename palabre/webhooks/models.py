"""Outgoing webhooks: a workspace's subscriptions, and one delivery per event and subscription.

A delivery is written in the same transaction as what it tells (the post approved, the
comment stored): an event that did not happen is never sent, one that happened is never
lost. The worker then sends it (delivery.py), in order per subscription and key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace
from palabre.lib import crypto
from palabre.webhooks.events import SUBJECT_CHARS, SUBJECT_PATHS, event_label, event_subject
from palabre.worker.models import JobFields

URL_MAX = 2000
EXCERPT_MAX = 1000  # characters of the receiver's answer kept for the log


class Subscription(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.CharField(_("address"), max_length=URL_MAX)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(default=list)  # event types (events.py)
    # Never rendered after creation nor logged: only the signer reads it, decrypted.
    secret_encrypted = models.TextField(editable=False)
    # After "New secret", the one before still signs until then (each event carries both
    # signatures): the receiving tool has a day to take the new one, and nothing fails.
    previous_secret_encrypted = models.TextField(editable=False, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)  # a gettext_noop msgid
    # The first failure since the last success; 24 hours later the subscription is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description or self.url

    def __repr__(self) -> str:
        # Keep the secret out of tracebacks and logs.
        return f"<Subscription {self.pk} workspace={self.workspace_id}>"

    @property
    def event_labels(self) -> list[tuple[str, str]]:
        """Each chosen event: its code (what a receiver sees) and its name in the reader's
        language."""
        return [(event, event_label(event)) for event in self.events]

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @property
    def previous_secret_signs(self) -> bool:
        until = self.previous_secret_until
        return bool(self.previous_secret_encrypted) and until is not None and until > timezone.now()

    @property
    def secrets_signing(self) -> list[str]:
        """The secret, and the one before it while it still signs."""
        if self.previous_secret_signs:
            return [self.secret, crypto.decrypt(self.previous_secret_encrypted)]
        return [self.secret]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    FAILED = "failed", _("Failed, will retry")
    DELIVERED = "delivered", _("Delivered")


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def with_subject(self) -> DeliveryQuerySet:
        """Rows with what each event is about (`Delivery.subject`), whole payloads unread.
        Cut in the query: a comment's text may be long."""
        cut = SUBJECT_CHARS * 2  # more than shown: the subject then says it was cut
        parts = {
            f"about_{k}": Substr(KT(f"payload__{p}"), 1, cut) for k, p in SUBJECT_PATHS.items()
        }
        return self.defer("payload").annotate(**parts)


class Delivery(JobFields):
    """One event for one subscription. Its job: send it, until the receiver answers 2xx."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The Standard Webhooks `webhook-id`: the same on every attempt, so a receiver that got
    # it already can tell.
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40)
    # What must arrive in order ("post:12", "conversation:3:…"): a delivery waits while an
    # older one of its subscription and key is not delivered.
    key = models.CharField(max_length=100)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        indexes = [
            # "Is an older one of this key still undelivered?", asked for every due row.
            models.Index(fields=["subscription", "key", "status"], name="webhook_delivery_key_idx"),
            # The log's delivered events past their time, forgotten (delivery.py).
            models.Index(fields=["subscription", "delivered_at"], name="webhook_delivery_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id}"

    @property
    def event_label(self) -> str:
        return event_label(self.event)

    @property
    def subject(self) -> str:
        """What the event is about; "" unless read by `with_subject()`."""
        return event_subject({k: getattr(self, f"about_{k}", None) for k in SUBJECT_PATHS})
