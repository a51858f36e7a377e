"""Posts: one idea, a variant per network; and the workspace's media library."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.lib.mediainfo import MediaInfo
from palabre.networks.kinds import NETWORK_CHOICES
from palabre.worker import jobs
from palabre.worker.models import JobFields


class Category(models.TextChoices):
    """What a post gives the audience; feeds the content mix (give more than you take)."""

    HELPFUL = "helpful", _("Helpful or informative")
    ENTERTAINING = "entertaining", _("Entertaining")
    CONVERSATION = "conversation", _("Conversation and community")
    PROMOTIONAL = "promotional", _("Promotional")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown: check on the network")


class ReplyControl(models.TextChoices):
    """Who may answer a Threads post (Threads' own `reply_control` values)."""

    EVERYONE = "everyone", _("Everyone")
    ACCOUNTS_YOU_FOLLOW = "accounts_you_follow", _("Accounts you follow")
    MENTIONED_ONLY = "mentioned_only", _("Only accounts mentioned")
    FOLLOWERS_ONLY = "followers_only", _("Only followers")


class InstagramFormat(models.TextChoices):
    FEED = "feed", _("Feed post")
    REEL = "reel", _("Reel")
    CAROUSEL = "carousel", _("Carousel")


# The stored name's ending, from what the file was found to be: a GIF sent as "evil.html"
# is kept as .gif, which is what a bucket, a CDN or a web server would serve it as.
MEDIA_SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "application/pdf": ".pdf",
}


def _media_path(item: MediaItem, filename: str) -> str:
    # Random names: an upload's original name never becomes a path on disk.
    suffix = MEDIA_SUFFIXES.get(item.content_type, "")
    return f"workspaces/{item.workspace_id}/{uuid.uuid4().hex}{suffix}"


class MediaItem(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=_media_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=8)  # image, gif, video
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    duration = models.FloatField(null=True, blank=True)
    alt_text = models.TextField(_("alt text"), blank=True, max_length=2000)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def info(self) -> MediaInfo:
        return MediaInfo(
            self.kind,
            self.content_type,
            self.size,
            self.width,
            self.height,
            self.duration,
            self.alt_text,
        )


class Post(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    idea = models.TextField(_("idea"), max_length=70_000)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Moved by every write of the content (palabre.lib.concurrency): two people editing.
    version = models.PositiveIntegerField(default=0)
    # What was cleared to go out: approved where the workspace asks for approval, scheduled
    # where it does not. The publisher sends a post only while its content has this digest
    # (palabre.publishing.content); the content itself is kept to show what changed since.
    approved_digest = models.CharField(max_length=64, blank=True)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    approved_content = models.JSONField(null=True, blank=True)
    # The content when the approver last asked for changes: what changed since is shown to
    # them when it comes back.
    asked_content = models.JSONField(null=True, blank=True)
    # The new composer page's own key: that page sent twice (the browser's Back, then Save;
    # a double click) saves this one post again rather than a second one
    # (services.post_compose_once), with the version that page's last save left and a
    # digest of what it sent (the same sending twice is done once).
    compose_key = models.CharField(max_length=32, blank=True, default="")
    compose_version = models.PositiveIntegerField(default=0)
    compose_sending = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "compose_key"],
                condition=~models.Q(compose_key=""),
                name="post_compose_key_once",
            )
        ]

    def __str__(self) -> str:
        return self.idea[:60]


class PostVariant(models.Model):
    """The post as written for one network, checked exactly as that network counts."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES)
    text = models.TextField(_("text"), blank=True, max_length=70_000)
    content_warning = models.CharField(_("content warning"), max_length=500, blank=True)
    instagram_format = models.CharField(
        _("Instagram format"), max_length=10, choices=InstagramFormat.choices, default="feed"
    )
    channels = models.ManyToManyField(Channel, blank=True, related_name="variants")
    media = models.ManyToManyField(MediaItem, blank=True, related_name="variants")
    # A thread: the posts that follow `text`, each answering the one before.
    thread = models.JSONField(_("thread"), default=list, blank=True)
    first_comment = models.TextField(_("first comment"), blank=True, max_length=5000)
    reply_control = models.CharField(
        _("who may answer"),
        max_length=24,
        choices=ReplyControl.choices,
        default=ReplyControl.EVERYONE,
    )
    # X: the post this one quotes, as its address on X (palabre.publishing.quotes); the
    # publisher sends its id with the first post of a thread only.
    quote_url = models.CharField(_("quoted post"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "network"], name="one_variant_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.text[:40]}"


class TargetStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown: check on the network")
    HELD = "held", _("Held until the channel is reconnected")


# A publication that went out, or may have (publishing, unknown): history, not a draft. Its
# variant is never rewritten and its media never deleted.
GONE_OUT = (TargetStatus.PUBLISHED, TargetStatus.PUBLISHING, TargetStatus.UNKNOWN)


def gone_out(prefix: str = "") -> models.Q:
    """Targets that went out or may have: GONE_OUT, or a first post on the network (its remote
    id recorded) whose thread part or first comment still waits to be sent. `prefix` reaches
    them through a relation ("targets__")."""
    return models.Q(**{f"{prefix}status__in": GONE_OUT}) | models.Q(
        **{f"{prefix}remote_id__gt": ""}
    )


def _new_key() -> str:
    return uuid.uuid4().hex


class PostTarget(JobFields):
    """One variant going to one channel: the unit the publisher claims, retries and records."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    variant = models.ForeignKey(PostVariant, on_delete=models.CASCADE, related_name="targets")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="targets")
    status = models.CharField(
        max_length=16, choices=TargetStatus.choices, default=TargetStatus.SCHEDULED
    )
    publish_at = models.DateTimeField()
    # Sent with every attempt: the network recognises a retry and creates nothing new.
    idempotency_key = models.CharField(max_length=64, unique=True, default=_new_key, editable=False)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.CharField(max_length=500, blank=True)
    # The thread's following parts and the first comment, each with its own remote id,
    # recorded as each goes out, so that a crash resumes where it stopped.
    part_ids = models.JSONField(default=list, blank=True)
    comment_id = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # When a publish that may have reached the network began: a retry on a network without
    # idempotency keys first looks for the post there (networks/reconcile.py).
    attempted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "channel"], name="one_target_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.variant} → {self.channel} ({self.status})"


# A publication due this long ago that no worker holds: the worker is stopped or far behind.
# The web process never publishes in its place (a duplicate is worse than a late post): it
# says so, on the home page and the post's.
def late(now: datetime) -> models.Q:
    """The publications (PostTarget) late at `now` (worker.jobs.late)."""
    waiting = models.Q(status__in=[TargetStatus.SCHEDULED, TargetStatus.PUBLISHING])
    return jobs.late(now, waiting=waiting, since="publish_at")


class PostTransition(models.Model):
    """Every change of a post's status: who (None: Palabre itself), when, from, to."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=PostStatus.choices)
    to_status = models.CharField(max_length=20, choices=PostStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class PostChange(models.Model):
    """A save that changed a post's content (the composer, the calendar, a new time given at
    approval, a thread split, an alt text): who, when, and which parts (content.content_diff:
    no texts), so that the post's history says what changed, in the reader's language."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    what = models.JSONField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"post {self.post_id} changed at {self.at:%Y-%m-%d %H:%M}"


class PostComment(models.Model):
    """Review comments, threaded: a reply points to the comment it answers."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Notice(models.Model):
    """A message for one person in the app (a failed post, a review to do): its message and
    values, said in the reader's language when shown (publishing/notices.py), and its text
    as first sent, in the recipient's language then."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)  # a gettext_noop msgid
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)  # where to go when it is not a post
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def reader_text(self) -> str:
        """The notice in the active language: the reader's, in a request."""
        from palabre.publishing.notices import notice_text

        return notice_text(self)
