"""Listening: saved searches, the public posts they found, and the state of the sources
that find them (docs/listening.md).

A heard post is stored minimally (product rule: only public posts, only what a person needs
to read and answer it): its text, its author's handle and network id, when, its link, and
the moderation model's reading. It is deleted after the workspace's retention period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.worker.models import JobFields


class Role(models.TextChoices):
    BRAND = "brand", _("The brand")
    COMPETITOR = "competitor", _("A competitor")
    TOPIC = "topic", _("A topic")


class Search(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="searches")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("what it follows"), max_length=12, choices=Role.choices)
    # As the person typed them (definitions.py reads them): one term per line.
    terms = models.TextField(_("words, phrases and hashtags"))
    exclusions = models.TextField(_("leave out posts with"), blank=True)
    languages = models.JSONField(default=list, blank=True)  # ["fr"]; empty: any
    networks = models.JSONField(default=list, blank=True)  # ["bluesky"]; empty: any
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)  # lib.concurrency: two people editing

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="search_unique_name"),
            # One search is the brand's (share of voice is counted against it).
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(role="brand"),
                name="search_one_brand",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Heard(models.Model):
    """A public post a search found (on one network, once per workspace)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="heard")
    searches = models.ManyToManyField(Search, related_name="heard")
    network = models.CharField(max_length=16)
    # The server it was read from where ids are the server's own (a Mastodon instance's
    # host): its ids, its authors' ids and the channels that can answer it are that
    # server's. "" where ids are the network's (Bluesky's at:// addresses and DIDs).
    source = models.CharField(max_length=255, blank=True)
    remote_id = models.CharField(max_length=500)  # what a reply answers, on `source`
    # Its address on every server that has a copy (Mastodon's ActivityPub uri): the same
    # post heard through two instances is kept once. "" where ids are the network's.
    canonical = models.CharField(max_length=500, blank=True, default="")
    url = models.URLField(max_length=500, blank=True)
    author_id = models.CharField(max_length=300)  # the network's (a DID, an account id)
    author_handle = models.CharField(max_length=300)
    text = models.TextField()
    posted_at = models.DateTimeField()
    heard_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10)  # "stream" or "search"
    reach = models.PositiveIntegerField(null=True, blank=True)  # followers, where known
    # The moderation model's reading (the inbox's one classification path); its tone is
    # read from the kind (trends.py: praise, criticism and abuse, the rest).
    lang = models.CharField(max_length=8, blank=True)
    kind = models.CharField(max_length=16, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    # What the team did with it.
    seen_at = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The inbox conversation a reply from Listening opened (inbox.Interaction, kind
    # "listened"): the answer goes out through the inbox's exactly-once sending.
    interaction = models.ForeignKey(
        "inbox.Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-posted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "network", "source", "remote_id"], name="heard_once"
            ),
            models.UniqueConstraint(
                fields=["workspace", "network", "canonical"],
                condition=~models.Q(canonical=""),
                name="heard_once_everywhere",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "-posted_at"]),
            models.Index(fields=["workspace", "author_handle"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ListeningSettings(JobFields):
    """The workspace's listening settings; its job (jobs.py) looks for spikes every hour and
    deletes what is past the retention period."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="listening")
    retention_days = models.PositiveSmallIntegerField(
        _("keep what was heard for (days)"), default=90
    )
    # X charges per request: the most searches a day Palabre may send there.
    x_requests_per_day = models.PositiveIntegerField(_("X searches a day at most"), default=0)
    checked_hour = models.DateTimeField(null=True, blank=True)  # the last hour looked at


class SearchPoll(JobFields):
    """One channel's searches, sent to its network's search endpoint in turn (history, and
    what a stream does not carry). `since` per search id: the newest post already read."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="search_poll")
    since = models.JSONField(default=dict, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    requests_day = models.DateField(null=True, blank=True)
    requests_made = models.PositiveIntegerField(default=0)  # on requests_day
    # What the network said when it refused every query of the last run (a permission not
    # given, an app not enrolled): shown on the searches page until a query is answered.
    refused = models.CharField(max_length=500, blank=True)


class StreamLease(models.Model):
    """The one `palabre stream` process that reads a network's whole public stream for
    every workspace's searches (the matcher is held once), and where it is in it."""

    network = models.CharField(max_length=16, unique=True)
    holder = models.CharField(max_length=100, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    cursors = models.JSONField(default=dict, blank=True)  # source → position
    live = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.network}: {self.holder or '-'}"


class Spike(models.Model):
    """An hour when a search heard far more than its usual (trends.py), told once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="spikes")
    search = models.ForeignKey(Search, on_delete=models.CASCADE, related_name="spikes")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField()
    expected = models.FloatField()
    threshold = models.FloatField()
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(fields=["search", "hour"], name="spike_once"),
        ]

    def __str__(self) -> str:
        return f"{self.search_id} {self.hour:%Y-%m-%d %H}h: {self.count}"
