"""Strategy and return: the plan (audiences, networks and their weekly time budget,
guidelines, objectives), the time spent, the money spent, and what came back (clicks on
tracked links, conversions)."""

from __future__ import annotations

import secrets
import string
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palabre.accounts.models import Workspace
from palabre.networks.kinds import NETWORK_CHOICES
from palabre.worker.models import JobFields

CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7  # 62^7: guessing a live code is hopeless, and it stays short in a post


def largest_amount(model: type[models.Model], name: str) -> Decimal:
    """The largest amount a DecimalField column holds: 9999999999.99 for 12 digits, 2 after
    the point. Forms, imports and the webhook refuse more, so no row can overflow."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.DecimalField)
    places = field.decimal_places
    return Decimal(10) ** (field.max_digits - places) - Decimal(10) ** -places


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


class Address(models.TextChoices):
    """How posts and replies speak to people, in French: "tu" or "vous"."""

    TU = "tu", _("“tu” (informal)")
    VOUS = "vous", _("“vous” (formal)")


class Strategy(JobFields):
    """The workspace's guidelines and costs. The worker's step reviews each ended week's
    time (next_attempt_at: the coming Monday morning, in the workspace's time zone)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="strategy")
    tone = models.TextField(_("tone"), blank=True)
    address = models.CharField(
        _("address people as"), max_length=4, choices=Address.choices, blank=True
    )
    words_to_avoid = models.TextField(_("words to avoid"), blank=True)  # one per line
    weekly_minimum_minutes = models.PositiveIntegerField(_("minimum time a week"), default=30)
    hourly_cost = models.DecimalField(_("hourly cost"), max_digits=8, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    webhook_token_hash = models.CharField(max_length=64, blank=True)  # sha256 of the token
    last_week_reviewed = models.DateField(null=True, blank=True)  # the Monday of that week
    # Who was told of the week being reviewed: {"period": Monday, "sent": [ids]} (each_once).
    week_told = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)  # of the guidelines: lib/concurrency.py

    def __str__(self) -> str:
        return f"strategy of {self.workspace_id}"

    def avoided_words(self) -> list[str]:
        return [w.strip() for w in self.words_to_avoid.splitlines() if w.strip()]


class Audience(models.Model):
    """A short persona: who we talk to, and what they come for."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A second "Add" (a double click, another tab) would show the persona twice.
            models.UniqueConstraint(Lower("name"), "workspace", name="audience_named_once")
        ]

    def __str__(self) -> str:
        return self.name


class NetworkPlan(models.Model):
    """A network we chose, why, and the time we give it each week: the one place where
    time budgets live. Also its hashtag policy."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="network_plans")
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES)
    reason = models.TextField(_("why this network"), max_length=2000)
    weekly_budget_minutes = models.PositiveIntegerField(_("weekly time budget (minutes)"))
    max_hashtags = models.PositiveSmallIntegerField(
        _("hashtags per post, at most"), null=True, blank=True
    )
    hashtag_note = models.CharField(_("hashtag policy"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=0)  # lib/concurrency.py

    class Meta:
        ordering = ["network"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "network"], name="one_plan_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.network}"


class Metric(models.TextChoices):
    RESPONSE_RATE = "response_rate", _("Response rate (percent)")
    MEDIAN_RESPONSE = "median_response", _("Median response time (minutes)")
    MEMBERS = "members", _("Community members (members and advocates)")
    ENGAGEMENT_RATE = "engagement_rate", _("Engagement rate by followers (percent)")
    CLICKS = "clicks", _("Clicks on tracked links")
    CONVERSIONS = "conversions", _("Conversions")


class Objective(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="objectives")
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)  # lib/concurrency.py

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            # Two targets for one figure on one day contradict each other.
            models.UniqueConstraint(
                "workspace", "metric", "deadline", name="objective_once_per_metric_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.target} by {self.deadline}"


class Activity(models.TextChoices):
    WRITING = "writing", _("Ideas and writing")
    VISUALS = "visuals", _("Visuals")
    PUBLISHING = "publishing", pgettext_lazy("time spent on", "Publishing")
    ANSWERING = "answering", _("Answering")
    ANALYSING = "analysing", _("Analysing")
    ADS = "ads", _("Ads")


class TimeEntry(models.Model):
    """Time given to one network; `minutes` is empty while its timer runs."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES)
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices)
    started_at = models.DateTimeField(default=timezone.now)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "started_at"])]

    def __str__(self) -> str:
        return f"{self.network} {self.activity} {self.minutes} min"


class AdSpend(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="ad_spend")
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES)
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.network} {self.amount} on {self.spent_on}"


class Conversion(models.Model):
    """A sale, sign-up or booking the workspace attributes to social media. `external_id`
    is the workspace's own reference: importing or sending it twice records it once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conversions")
    external_id = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    network = models.CharField(max_length=16, choices=NETWORK_CHOICES, blank=True)
    link = models.ForeignKey(
        ShortLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversions"
    )
    contact = models.ForeignKey(
        "inbox.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8)  # "csv" or "webhook"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"], name="one_conversion_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"conversion {self.external_id} ({self.value})"
