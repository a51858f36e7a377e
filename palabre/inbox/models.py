"""The inbox: people, what they said to a workspace, and what was done about it."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.inbox import reasons
from palabre.networks.base import InteractionKind
from palabre.networks.registry import connector_class
from palabre.publishing.models import PostTarget
from palabre.worker import jobs
from palabre.worker.models import JobFields

# Kinds that carry words and may need an answer; the others (likes, reposts, follows)
# are kept for the community's history, never queued.
CONVERSATION_KINDS = (
    InteractionKind.COMMENT,
    InteractionKind.MENTION,
    InteractionKind.QUOTE,
    InteractionKind.MESSAGE,
)


# The languages the classifier tells apart; saved replies are written in the first two.
REPLY_LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LANGUAGES = [*REPLY_LANGUAGES, ("other", _("Other"))]


# Product rule 2's number: a question or criticism nobody has answered or closed yet.
# (alerts.waiting says the same of one interaction in memory.)
WAITING = models.Q(needs_answer=True, answered_at__isnull=True, done_at__isnull=True, hidden=False)


class Category(models.TextChoices):
    ABUSE = "abuse", _("Abuse")
    SPAM = "spam", _("Spam")
    CRITICISM = "criticism", _("Criticism")
    QUESTION = "question", _("Question")
    PRAISE = "praise", _("Praise")
    OTHER = "other", _("Other")


class AbuseKind(models.TextChoices):
    INSULT = "insult", _("Insult")
    HATE = "hate", _("Hate or racism")
    HARASSMENT = "harassment", _("Harassment")
    THREAT = "threat", _("Threat")
    SEXUAL = "sexual", _("Sexual harassment")


class ChannelSync(JobFields):
    """Where the inbox stands with one channel: the network's cursor and the next poll."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="sync")
    cursor = models.CharField(max_length=500, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_count = models.PositiveIntegerField(default=0)
    # The push channel (inbox/stream/): one `palabre stream` process holds it at a time, by a
    # lease it renews while alive; `stream_live` while subscribed, when polling slows down to
    # a safety net. The cursor is the network's (Bluesky's firehose sequence number).
    stream_holder = models.CharField(max_length=100, blank=True)
    stream_until = models.DateTimeField(null=True, blank=True)
    stream_live = models.BooleanField(default=False)
    stream_cursor = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"inbox sync of channel {self.channel_id}"


class WorkspaceSweep(JobFields):
    """A workspace's daily housekeeping: the retention period is applied here."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="sweep")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_purged = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"housekeeping of workspace {self.workspace_id}"


class WorkspaceModel(models.Model):
    """A workspace's retrained classifier (`palabre train-moderation --workspace`), kept in
    the database so that every worker and stream process, on any machine, classifies the
    workspace's comments with it. Each process unpacks it once into var/moderation/, a cache
    named after its version (moderation.workspace_model_dir)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="moderation_model"
    )
    version = models.CharField(max_length=200)
    files = models.BinaryField()  # inbox/ml/bundle.py: the model's JSON and arrays, zipped
    saved_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.version


class Stage(models.TextChoices):
    """A contact's relationship with the workspace, highest first (docs/metrics.md)."""

    # One person's badge: French says "Engagé" of one, "Engagés" over the community's column.
    ADVOCATE = "advocate", pgettext_lazy("relationship stage", "Advocate")
    MEMBER = "member", pgettext_lazy("relationship stage", "Member")
    ENGAGED = "engaged", pgettext_lazy("relationship stage", "Engaged")
    NONE = "none", pgettext_lazy("relationship stage", "Past or silent")


class Contact(models.Model):
    """A person, as one workspace knows them, across every network they use."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.JSONField(default=list, blank=True)  # "customer", "advocate" (by hand)
    created_at = models.DateTimeField(default=timezone.now)
    # The relationship, recomputed hourly by analytics.community from the interactions.
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.NONE)
    drifting = models.BooleanField(default=False)
    interactions_12m = models.PositiveIntegerField(default=0)
    months_active = models.PositiveSmallIntegerField(default=0)  # of the last 12
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["workspace", "stage"]),
            # The funnel counts the customers at every reports page: most people have no
            # tag, so this index holds the few who do (community._tagged).
            models.Index(fields=["workspace"], condition=~models.Q(tags=[]), name="contact_tagged"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


class Identity(models.Model):
    """One account on one network. Several may belong to one contact (after a merge)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="identities")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    network = models.CharField(max_length=16)
    remote_id = models.CharField(max_length=300)
    handle = models.CharField(max_length=300)
    display_name = models.CharField(max_length=200, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "network", "remote_id"], name="one_identity_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.handle} ({self.network})"

    @property
    def at_handle(self) -> str:
        """ "@handle"; where the network gives a name and no handle (Facebook), the name, as
        it is: "@Fanny Fan" names no one."""
        if self.display_name and self.handle == self.display_name:
            return self.handle
        return "@" + self.handle.lstrip("@")

    @property
    def network_label(self) -> str:
        """The network as people name it ("Instagram"), not its key."""
        from palabre.networks.kinds import NETWORKS

        network = NETWORKS.get(self.network)
        return str(network.label) if network else self.network

    @property
    def account_label(self) -> str:
        """ "@claire (Instagram)", as a page shows the account."""
        return f"{self.at_handle} ({self.network_label})"


# What someone did, as people read it: `kind` stores the key, a page shows the label.
KIND_LABELS = {
    InteractionKind.COMMENT.value: _("comment"),
    InteractionKind.MENTION.value: _("mention"),
    InteractionKind.QUOTE.value: _("quote"),
    InteractionKind.MESSAGE.value: _("message"),
    InteractionKind.LIKE.value: _("like"),
    InteractionKind.REPOST.value: _("repost"),
    InteractionKind.FOLLOW.value: _("follow"),
    # Someone's public post the brand answered from Listening (palabre/listening/): what
    # carries that answer; not in the inbox's queues nor its response times.
    "listened": _("post heard by listening"),
}
LISTENED = "listened"


class Interaction(JobFields):
    """Something a person did toward the workspace on a network: a comment, a mention…

    Its job: the answer clock. While it waits for an answer, the worker wakes at each
    deadline (the workspace's alert delay, then twice it, then any time rule's).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="interactions")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="interactions")
    remote_id = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=list(KIND_LABELS.items()))
    identity = models.ForeignKey(
        Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField()  # on the network
    received_at = models.DateTimeField(default=timezone.now)
    # The thread: the published post it hangs under, and the comment it answers.
    target = models.ForeignKey(
        PostTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    in_reply_to = models.CharField(max_length=500, blank=True)
    root = models.CharField(max_length=500, blank=True)
    # Who can read it on the network (networks.base.Visibility): an answer keeps it.
    visibility = models.CharField(max_length=10, default="public")
    # What the classifier said, with the model that said it.
    lang = models.CharField(max_length=8, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    abuse_kind = models.CharField(max_length=16, choices=AbuseKind.choices, blank=True)
    abuse = models.FloatField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    suggested_action = models.CharField(max_length=16, blank=True)
    # Where it stands.
    needs_answer = models.BooleanField(default=False)  # the "answer first" queue
    in_review = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_interactions",
    )
    labels = models.JSONField(default=list, blank=True)
    alert_level = models.PositiveSmallIntegerField(default=0)  # 1 assignee told, 2 manager
    fired_rules = models.JSONField(default=list, blank=True)  # time rules already applied
    erased = models.BooleanField(default=False)
    # Time to the brand's first reply, fixed when it is sent (analytics reads these).
    response_seconds = models.PositiveIntegerField(null=True, blank=True)
    response_business_seconds = models.PositiveIntegerField(null=True, blank=True)
    replies_sent = models.PositiveSmallIntegerField(default=0)  # by the brand, through Palabre
    # An answer written for a person to check and send (an assistant's, through the API):
    # it fills the page's answer box; sending it is a person's act (or a "publish" token's).
    reply_draft = models.TextField(blank=True)
    reply_draft_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_draft_at = models.DateTimeField(null=True, blank=True)
    reply_draft_via = models.CharField(max_length=100, blank=True)  # the API token's name

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "remote_id"], name="one_row_per_remote_item")
        ]
        indexes = [
            models.Index(fields=["workspace", "needs_answer", "created_at"]),
            # The reports read only this index for the period's dialogue figures and people.
            models.Index(
                fields=[
                    "workspace",
                    "created_at",
                    "kind",
                    "category",
                    "erased",
                    "channel",
                    "identity",
                    "target",
                    "answered_at",
                    "replies_sent",
                    "response_seconds",
                    "response_business_seconds",
                ],
                name="interaction_report_idx",
            ),
            # "Unanswered now" is counted on every dashboard: only the waiting rows.
            models.Index(
                fields=["workspace", "created_at"],
                condition=WAITING,
                name="interaction_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.remote_id}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def hides_on_network(self) -> bool:
        """Whether hiding it hides it on the network too: the network hides replies, and
        this kind (X hides only the replies in the account's own conversations)."""
        channel = self.channel
        if not channel.hides_replies:
            return False
        kinds = connector_class(channel.connector).hides_kinds
        return kinds is None or self.kind in kinds

    @property
    def author_name(self) -> str:
        if self.identity is None:
            return str(_("(erased)")) if self.erased else ""
        return self.identity.display_name or self.identity.handle


class Note(models.Model):
    """An internal note on an interaction: never sent to the network."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class SavedReply(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(_("title"), max_length=100)
    lang = models.CharField(_("language"), max_length=2, choices=REPLY_LANGUAGES)
    # {first_name}, {name} and {handle} are filled in with the person's details.
    text = models.TextField(_("text"))
    for_thanks = models.BooleanField(_("used by “Thank”"), default=False)
    version = models.PositiveIntegerField(default=0)  # lib.concurrency: two managers editing

    class Meta:
        ordering = ["lang", "title"]

    def __str__(self) -> str:
        return self.title


class ReplyStatus(models.TextChoices):
    QUEUED = "queued", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def _new_key() -> str:
    return uuid.uuid4().hex


class Reply(JobFields):
    """The workspace's answer, posted into the thread on the network by the worker; or, with
    `private`, sent to the comment's author as a private message (Facebook's and Instagram's
    private replies: one per comment)."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    idempotency_key = models.CharField(max_length=64, unique=True, default=_new_key, editable=False)
    status = models.CharField(
        max_length=16, choices=ReplyStatus.choices, default=ReplyStatus.QUEUED
    )
    remote_id = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A narrower audience than what it answers, chosen by the person ("": the same).
    visibility = models.CharField(max_length=10, blank=True)
    # When a send that may have reached the network began: a retry on a network without
    # idempotency keys first looks for it there (networks/reconcile.py).
    attempted_at = models.DateTimeField(null=True, blank=True)
    private = models.BooleanField(default=False)
    thanks = models.BooleanField(default=False)  # the "Thank" button's, for the history

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # The network takes one private reply per comment; one that failed leaves room
            # for another try.
            models.UniqueConstraint(
                fields=["interaction"],
                condition=models.Q(private=True) & ~models.Q(status="failed"),
                name="one_private_reply_per_comment",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


def replies_late(now: datetime) -> models.Q:
    """The answers (Reply) late at `now` (worker.jobs.late): they said "Sending" for good."""
    return jobs.late(now, waiting=models.Q(status=ReplyStatus.QUEUED), since="created_at")


class RuleAction(models.TextChoices):
    HIDE = "hide", _("Hide on the network")
    REVIEW = "review", _("Send to review")
    LABEL = "label", _("Add a label")
    ASSIGN = "assign", _("Assign")
    ALERT = "alert", _("Alert")


class ModerationRule(models.Model):
    """If every condition set holds, do the action. Empty conditions match anything."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveIntegerField(default=0)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    abuse_kind = models.CharField(
        _("kind of abuse"), max_length=16, choices=AbuseKind.choices, blank=True
    )
    min_abuse = models.FloatField(
        _("abuse score at least"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("From 0 to 1."),
    )
    keywords = models.CharField(_("keywords (comma-separated, any)"), max_length=500, blank=True)
    author = models.CharField(_("author's account"), max_length=300, blank=True)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("channel")
    )
    lang = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=LANGUAGES,
    )
    unanswered_hours = models.PositiveIntegerField(
        _("unanswered for (hours)"), null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=16, choices=RuleAction.choices)
    label = models.CharField(_("label"), max_length=50, blank=True)
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assign to"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)  # lib.concurrency: two managers editing

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class EventAction(models.TextChoices):
    HIDE = "hide", pgettext_lazy("moderation event", "Hidden")
    UNHIDE = "unhide", _("Shown again")
    REVIEW = "review", _("Sent to review")
    NOT_ABUSE = "not_abuse", _("Marked “not abuse”")
    IS_ABUSE = "is_abuse", _("Marked “abuse”")
    LABEL = "label", _("Labelled")
    ASSIGN = "assign", _("Assigned")
    ALERT = "alert", _("Alert")
    REFUSED = "refused", _("Automatic hiding refused")
    # Where replies cannot be hidden (Mastodon): what the brand's account can do instead.
    MUTE = "mute", _("Author muted")
    UNMUTE = "unmute", _("Author unmuted")
    BLOCK = "block", _("Author blocked")
    UNBLOCK = "unblock", _("Author unblocked")
    REPORT = "report", _("Reported to the moderators")
    # Where comments cannot be hidden but the brand may delete them (LinkedIn).
    DELETE = "delete", _("Deleted on the network")
    # Not moderation, but an action on the comment people want to see who took.
    PRIVATE_REPLY = "private_reply", _("Answered privately")


class NetworkStatus(models.TextChoices):
    NOT_NEEDED = "", _("–")
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done on the network")
    FAILED = "failed", _("Failed on the network")


class ModerationEvent(JobFields):
    """The moderation log: who or which rule did what, why, when, with which model and score.

    Its job: hides and unhides, mutes, blocks and their undoing, and reports are carried to
    the network by the worker, with retries (moderation.moderation_event_apply).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="mod_events")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_name = models.CharField(max_length=100, blank=True)  # "" with an actor; kept if deleted
    # A person's reason (500 characters at most) after what Palabre says of where it was done
    # ("in Palabre only: Mastodon cannot hide replies · …"): room for both.
    reason = models.CharField(max_length=700, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    score = models.FloatField(null=True, blank=True)
    network_status = models.CharField(
        max_length=16, choices=NetworkStatus.choices, blank=True, default=""
    )
    # The network's own words when it refused (the worker clears last_error on every run).
    network_error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.interaction_id}"

    @property
    def by(self) -> str:
        if self.actor_id:
            return str(self.actor)
        return reasons.rule_name_said(self.rule_name) if self.rule_name else "Palabre"
