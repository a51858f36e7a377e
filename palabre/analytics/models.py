"""What the networks said about our posts and accounts, kept as history.

Counts are copied from the networks on a schedule (see collect.py); everything else
in analytics is computed from these rows and from the inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.publishing.models import PostTarget
from palabre.worker.models import JobFields


class PostStat(JobFields):
    """The latest counts of one published post, re-read on a decaying schedule.

    The post's features (weekday, hour, format, length, category) are copied here once,
    so that insights read one narrow table instead of joining five.
    """

    target = models.OneToOneField(PostTarget, on_delete=models.CASCADE, related_name="stat")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="post_stats")
    published_at = models.DateTimeField()
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(null=True, blank=True)  # None: not given
    reach = models.PositiveIntegerField(null=True, blank=True)
    saves = models.PositiveIntegerField(null=True, blank=True)  # where the network says
    video_views = models.PositiveIntegerField(null=True, blank=True)
    clicks = models.PositiveIntegerField(null=True, blank=True)  # LinkedIn's
    followers = models.PositiveIntegerField(null=True, blank=True)  # the channel's, at publishing
    collections = models.PositiveSmallIntegerField(default=0)
    collected_at = models.DateTimeField(null=True, blank=True)
    # Features, in the workspace's time zone.
    weekday = models.PositiveSmallIntegerField(default=0)  # Monday 0
    hour = models.PositiveSmallIntegerField(default=0)
    media_format = models.CharField(max_length=10, default="text")
    length = models.PositiveIntegerField(default=0)
    category = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "published_at"])]

    @property
    def engagements(self) -> int:
        return self.likes + self.reposts + self.replies + self.quotes


class ChannelDaily(JobFields):
    """The job row that reads a channel's account figures once a day."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="daily")


class ChannelDay(models.Model):
    """One channel's account figures on one day (the workspace's calendar day)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    followers = models.PositiveIntegerField()
    following = models.PositiveIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)  # that day's, where given

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "day"], name="one_row_per_day")]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}: {self.followers} followers"


class ReachAlert(models.Model):
    """Daily reach stayed under the 10th percentile of the 28 days before, 3 days running."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="reach_alerts")
    day = models.DateField()  # the third low day
    reach = models.PositiveIntegerField()
    threshold = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"reach alert {self.channel_id} {self.day}"


class CommunityRefresh(JobFields):
    """The job row that recomputes a workspace's relationship stages, hourly."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    last_run_at = models.DateTimeField(null=True, blank=True)
    # When every contact's stage was last written, and that day's funnel recorded.
    stages_at = models.DateTimeField(null=True, blank=True)
    # TalkHour rows hold every hour before this one (talk.py); None: not counted yet, or
    # to count again (business hours changed).
    talk_until = models.DateTimeField(null=True, blank=True)


class CommunityDay(models.Model):
    """The funnel as it stood on one day, so that it can be drawn over months."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    followers = models.PositiveIntegerField(default=0)
    engaged = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    advocates = models.PositiveIntegerField(default=0)
    customers = models.PositiveIntegerField(default=0)
    drifting = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day"], name="one_funnel_per_day")
        ]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"funnel {self.workspace_id} {self.day}"


class MonthlyReport(JobFields):
    """Who receives the monthly PDF report by e-mail, and which month went last."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="report")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    last_month_sent = models.CharField(max_length=7, blank=True)  # "2026-10"
    # Who has the month being sent: {"period": "2026-11", "sent": [user ids]} (each_once).
    sent_to = models.JSONField(default=dict, blank=True)


class MonthStat(models.Model):
    """Messages received and answered per channel and month, so that twelve months of
    trend do not re-read millions of interactions (rollup.py keeps it current, hourly)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day, in the workspace's time zone
    inbound = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "month"], name="one_row_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.month:%Y-%m}: {self.answered}/{self.inbound}"


class PeopleRank(models.Model):
    """Who talked with us and who supported us most over the last 30 or 90 days or 12
    months, or this calendar month and the one before, and the regulars drifting away,
    ranked hourly: counting a busy workspace's likes takes longer than a page may."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField()  # 0 for a calendar month
    month = models.DateField(null=True, blank=True)  # its first day, when days is 0
    kind = models.CharField(max_length=12)  # "contributors", "supporters" or "drifting"
    rank = models.PositiveSmallIntegerField()
    contact = models.ForeignKey("inbox.Contact", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "days", "kind", "rank"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.days} d #{self.rank}"


class TalkHour(models.Model):
    """The inbound messages (metrics.inbound) of one hour, all channels together: their
    counts, the first responses' times and the threads, so that a period's dialogue figures
    read a few hundred rows rather than hundreds of thousands of interactions. talk.py keeps
    them, hourly; the sums are the signature it compares to find the hours that changed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()  # its start, on the hour in UTC
    inbound = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    id_sum = models.BigIntegerField(default=0)
    target_sum = models.BigIntegerField(default=0)
    seconds_sum = models.BigIntegerField(default=0)
    business_sum = models.BigIntegerField(default=0)
    # Sorted arrays (talk.pack): response_seconds and response_business_seconds, and the
    # ids of the posts commented on, and of those where a comment was answered.
    times = models.BinaryField(default=b"")
    business_times = models.BinaryField(default=b"")
    threads = models.BinaryField(default=b"")
    answered_threads = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "hour"], name="one_talk_row_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.hour:%Y-%m-%d %H}h: {self.answered}/{self.inbound}"
