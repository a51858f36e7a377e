"""A channel is one account on one network, connected to one workspace."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from palabre.accounts.models import Workspace
from palabre.lib import crypto
from palabre.networks.base import Capability, Connector
from palabre.networks.kinds import NETWORK_CHOICES, NETWORKS
from palabre.networks.registry import connector_class
from palabre.worker.models import JobFields

BILLED_CONNECTORS = ("x", "demo_x")


def channel_title(name: str, network: str) -> str:
    """A channel as people read it: "Lumière sur Mastodon", "Page Facebook Lumière",
    "Lumière (LinkedIn)". The network's label is added unless the name already says where,
    in any language of the interface: "Page Facebook Lumière" read in English gains no
    "(Facebook Page)". "X-Men fans" or "Boxe x 2" on X do not say where."""
    labels = network_labels_in_every_language(network)
    if any(
        name.startswith(f"{label} ") or name.endswith((f" {label}", f"({label})"))
        for label in labels
    ):
        return name
    return f"{name} ({NETWORKS[network].label})"


@functools.cache
def network_labels_in_every_language(network: str) -> frozenset[str]:
    label = NETWORKS[network].label
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(label))
    return frozenset(labels)


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    DISABLED = "disabled", _("Disabled")


class Channel(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="channels")
    # `network` decides the rules a post must follow; `connector` how Palabre talks to it.
    # The demo connector stands in for any network.
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES)
    connector = models.CharField(max_length=16, default="demo")
    name = models.CharField(_("name"), max_length=100)
    handle = models.CharField(_("account"), max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=ChannelStatus.choices, default=ChannelStatus.ACTIVE
    )
    status_reason = models.CharField(max_length=500, blank=True)
    # The network's own text limit for this account when it has one (a Mastodon instance).
    max_chars = models.PositiveIntegerField(null=True, blank=True)
    # What the channel's server says of itself, where servers differ (Mastodon-compatible
    # ones): software, version, limits, whether it honours idempotency keys, when checked.
    server = models.JSONField(default=dict, blank=True, editable=False)
    # Planning: posts per week this channel aims for, and its usual times
    # ("weekday HH:MM" in the workspace's time zone, Monday = 0).
    cadence_per_week = models.PositiveSmallIntegerField(
        _("posts per week (goal)"), null=True, blank=True
    )
    time_slots = models.JSONField(_("time slots"), default=list, blank=True)
    # Never rendered nor logged: only the connector reads it, decrypted.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    # When the stored token stops working unless refreshed first (Threads' 60-day tokens);
    # None: it does not expire, or the network does not say.
    credentials_expire_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The network's own id for the account (a Facebook Page's, an Instagram or Threads
    # user's): how a webhook finds its channel, and why an account is one workspace's only.
    account_id = models.CharField(max_length=100, blank=True, editable=False)
    # How often the inbox asks the network for news, in minutes; None: the network's default
    # (settings.INBOX_POLL_SECONDS). X bills each request: there it is the brand's choice.
    poll_minutes = models.PositiveIntegerField(
        _("look for replies every (minutes)"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "account_id"],
                condition=~models.Q(account_id=""),
                name="one_channel_per_account",
            )
        ]

    def __str__(self) -> str:
        return channel_title(self.name, self.network)

    def __repr__(self) -> str:
        # Keep credentials out of tracebacks and logs.
        return f"<Channel {self.pk} {self.network}/{self.connector}>"

    @property
    def network_label(self) -> str:
        return str(NETWORKS[self.network].label)

    @property
    def on_demo_network(self) -> bool:
        """The built-in demo network, whichever connector plays it ("demo", "demo_mastodon")."""
        return self.connector.startswith("demo")

    @property
    def hides_replies(self) -> bool:
        """Whether the network can hide other people's replies (Mastodon cannot)."""
        return Capability.HIDE in connector_class(self.connector).capabilities

    @property
    def deletes_comments(self) -> bool:
        """Whether the brand may delete other people's comments on its posts (LinkedIn):
        where replies cannot be hidden, what the inbox offers instead."""
        cls = connector_class(self.connector)
        return cls.deletes_comments and Capability.DELETE in cls.capabilities

    @property
    def server_summary(self) -> str:
        """What the channel's server said of itself, on one line ("" when it said nothing):
        "takahe 0.11.0 · 500 characters · 4 media"."""
        server = self.server if isinstance(self.server, dict) else {}
        found = server.get("limits")
        limits: dict[str, Any] = found if isinstance(found, dict) else {}
        name = " ".join(str(server.get(k) or "") for k in ("software", "version")).strip()
        parts = [name[:60]] if name else []
        if isinstance(limits.get("characters"), int):
            count = limits["characters"]
            parts.append(
                ngettext("%(count)s character", "%(count)s characters", count) % {"count": count}
            )
        if isinstance(limits.get("media_attachments"), int):
            count = limits["media_attachments"]
            parts.append(ngettext("%(count)s media", "%(count)s media", count) % {"count": count})
        return " · ".join(parts) if name else ""

    @property
    def credentials(self) -> dict[str, Any]:
        return crypto.decrypt_json(self.credentials_encrypted)

    def save_credentials(self, credentials: dict[str, Any]) -> None:
        self.credentials_encrypted = crypto.encrypt_json(credentials)
        self.save(update_fields=["credentials_encrypted"])

    def save_credentials_if_unchanged(self, credentials: dict[str, Any]) -> bool:
        """Written only over the credentials this copy was read with: a token refreshed in
        the background must not bring back what a data-deletion request or a disconnection
        forgot meanwhile, nor replace a reconnection's. False when they changed."""
        new = crypto.encrypt_json(credentials)
        seen = Channel.objects.filter(pk=self.pk, credentials_encrypted=self.credentials_encrypted)
        if not seen.update(credentials_encrypted=new):
            return False
        self.credentials_encrypted = new
        return True

    @property
    def bills_requests(self) -> bool:
        """X bills each API request: its channels (and the demo's, which plays X) count them
        and stop polling at the workspace's cap (channels/x_cost.py)."""
        return self.connector in BILLED_CONNECTORS

    def get_connector(self) -> Connector:
        return connector_class(self.connector)(self)


class GrantApp(models.TextChoices):
    META = "meta", "Meta"  # Facebook Login for Business: Pages and Instagram accounts
    THREADS = "threads", "Threads"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"


class ChannelGrant(JobFields):
    """How Palabre was let in to a channel's account through a network's login (Meta's,
    Threads'): the app-scoped id of the person who logged in, so that their deauthorization
    or data-deletion request (channels/meta.py) finds the channels they connected; when the
    token is next refreshed (the job's `next_attempt_at`; None: it does not expire); and when
    the network last pushed news to the webhook."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="grant")
    app = models.CharField(max_length=16, choices=GrantApp.choices)
    granted_by = models.CharField(max_length=100, db_index=True)
    granted_at = models.DateTimeField(default=timezone.now)
    webhook_received_at = models.DateTimeField(null=True, blank=True)
    # Whether the account's Page was subscribed to the app's webhooks at connection
    # (Facebook, Instagram: POST /{page-id}/subscribed_apps); None where the subscription is
    # the app's alone (Threads).
    webhook_subscribed = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return f"grant of channel {self.channel_id}"


class ConnectPending(JobFields):
    """The accounts a Facebook login found, while the person picks which become channels.

    Their Page tokens are kept encrypted here, on the server, for a few minutes; the session
    holds only this row's id. The row goes when the person has picked, and otherwise the
    worker deletes it when it expires (its job is due at `expires_at`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.CharField(max_length=100)
    accounts_encrypted = models.TextField(editable=False)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"accounts found for workspace {self.workspace_id}"


class DataDeletion(models.Model):
    """A data-deletion request a network sent for a person, with what it did: the status page
    (its confirmation code in the address) shows this and nothing about the person."""

    code = models.CharField(max_length=40, unique=True)
    app = models.CharField(max_length=16, choices=GrantApp.choices)
    received_at = models.DateTimeField(default=timezone.now)
    channels_forgotten = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"data deletion {self.code}"


class ApiUsage(models.Model):
    """The requests Palabre made to a network for one channel in one calendar month (UTC),
    by kind of request (X bills each: channels/usage.py sets them against its price table)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="usage")
    month = models.DateField()  # the month's first day
    requests = models.PositiveIntegerField(default=0)
    # What the network bills, by kind: requests, or posts read ({"post_create": 3, "post_read": 120})
    by_kind = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "month"], name="one_usage_per_channel_month")
        ]

    def __str__(self) -> str:
        return f"usage of channel {self.channel_id} in {self.month:%Y-%m}"


class XCapNotice(models.Model):
    """The workspace's people were told that X polling stopped for the month at its cap
    (channels/x_cost.py): once a month, whichever worker got there first."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the month's first day
    told_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "month"], name="one_x_cap_notice_a_month")
        ]

    def __str__(self) -> str:
        return f"X cap notice of workspace {self.workspace_id} for {self.month:%Y-%m}"
