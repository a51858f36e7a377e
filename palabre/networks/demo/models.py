"""The demo network lives in these tables: a whole social network with no account anywhere.

It stands in for any network kind, so the demo workspace and the tests can publish,
receive comments and read metrics without leaving the database.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from palabre.channels.models import Channel
from palabre.worker.models import JobFields


class DemoAccount(models.Model):
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="demo_account")
    followers = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"demo account of channel {self.channel_id}"


class DemoPost(JobFields):
    """A post by the channel's own account. Its job: the simulated audience reacts."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="demo_posts")
    idempotency_key = models.CharField(max_length=200)
    text = models.TextField()
    in_reply_to = models.CharField(max_length=64, blank=True)
    media_ids = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=10, default="public")  # networks.base.Visibility
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # The network's own guarantee: one key, one post, however often it is sent.
            models.UniqueConstraint(
                fields=["channel", "idempotency_key"], name="demo_post_idempotency"
            )
        ]

    @property
    def remote_id(self) -> str:
        return f"post:{self.pk}"


class DemoActivity(models.Model):
    """Something the audience did: a comment, a mention, a like, a follow…"""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="demo_activities")
    kind = models.CharField(max_length=16)
    author_handle = models.CharField(max_length=100)
    author_name = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    post = models.ForeignKey(
        DemoPost, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    in_reply_to = models.CharField(max_length=64, blank=True)
    hidden = models.BooleanField(default=False)
    visibility = models.CharField(max_length=10, default="public")  # networks.base.Visibility
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} by {self.author_handle}"

    @property
    def remote_id(self) -> str:
        return f"act:{self.pk}"


class DemoAuthor(models.Model):
    """Where the channel's account stands with one author: the demo's mutes and blocks
    (the Mastodon stand-in offers them instead of hiding replies)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="demo_authors")
    author_id = models.CharField(max_length=300)
    muted = models.BooleanField(default=False)
    blocked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "author_id"], name="demo_author_once")
        ]

    def __str__(self) -> str:
        return f"{self.author_id} for channel {self.channel_id}"


class DemoReport(models.Model):
    """A report to the demo network's moderators."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="demo_reports")
    remote_id = models.CharField(max_length=64)
    author_id = models.CharField(max_length=300)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"report of {self.remote_id}"
