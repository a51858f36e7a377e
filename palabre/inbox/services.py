"""What people do in the inbox: assign, note, answer, thank, close; edit rules and saved
replies."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.models import Channel
from palabre.channels.services import (
    channel_inactive_reason,
    channel_mark_needs_reconnect,
    channel_recorded_ids,
)
from palabre.inbox import audience, reasons
from palabre.inbox.alerts import Mentions, assigned_tell, item_path, mentioned_tell
from palabre.inbox.models import (
    CONVERSATION_KINDS,
    LISTENED,
    EventAction,
    Interaction,
    ModerationRule,
    Note,
    Reply,
    ReplyStatus,
    SavedReply,
)
from palabre.inbox.moderation import comment_deleted, event_record, interaction_lock
from palabre.inbox.saved_replies import saved_reply_render
from palabre.lib import faults
from palabre.lib.businesshours import business_seconds
from palabre.lib.concurrency import version_advance
from palabre.networks.base import (
    AuthExpired,
    Capability,
    Connector,
    InteractionKind,
    PublishedPost,
    RateLimited,
    Rejected,
    Visibility,
)
from palabre.networks.kinds import NETWORKS
from palabre.networks.reconcile import PersonDecides, left_behind
from palabre.networks.registry import connector_class
from palabre.publishing import rules
from palabre.publishing.notices import notices_settled
from palabre.worker.jobs import held_for_send, held_write

V = TypeVar("V", ModerationRule, SavedReply)
DEFAULT_THANKS = {"fr": "Merci {first_name} !", "en": "Thank you {first_name}!"}


class InboxRefused(Exception):
    """The action cannot be done; the message says why, in the person's language."""


def interaction_assign(*, interaction: Interaction, actor: User, assignee: User | None) -> None:
    """Give it to `assignee` (None: to nobody); they are told, unless they took it."""
    with transaction.atomic():
        before = interaction.assigned_to_id
        interaction.assigned_to = assignee
        interaction.save(update_fields=["assigned_to"])
        event_record(
            interaction,
            EventAction.ASSIGN,
            actor=actor,
            reason=str(assignee) if assignee else reasons.NOBODY,
        )
        if assignee is not None and assignee.pk != before:
            assigned_tell(interaction, actor=actor, assignee=assignee)


def interaction_note(*, interaction: Interaction, actor: User, text: str) -> tuple[Note, Mentions]:
    """An internal note, and whom it names with "@": those told, and the words that named
    nobody who could be (alerts.mentioned)."""
    note = Note.objects.create(interaction=interaction, author=actor, text=text)
    return note, mentioned_tell(interaction, text, actor=actor)


def interaction_draft_reply(
    *, interaction: Interaction, actor: User, text: str, via: str = ""
) -> None:
    """Keep an answer for a person to check and send ("" clears it); nothing goes out.
    `via`: what wrote it for `actor` (an API token's name), shown beside it."""
    if interaction.kind not in CONVERSATION_KINDS:
        raise InboxRefused(_("A like, a repost or a follow has nothing to answer."))
    _refuse_gone(interaction)
    interaction.reply_draft = text.strip()
    interaction.reply_draft_by = actor if interaction.reply_draft else None
    interaction.reply_draft_at = timezone.now() if interaction.reply_draft else None
    interaction.reply_draft_via = via[:100] if interaction.reply_draft else ""
    fields = ["reply_draft", "reply_draft_by", "reply_draft_at", "reply_draft_via"]
    interaction.save(update_fields=fields)


def interaction_done(*, interaction: Interaction, done: bool = True) -> None:
    interaction.done_at = timezone.now() if done else None
    interaction.save(update_fields=["done_at"])
    if done:
        notices_settled(url=item_path(interaction))


def moderation_rule_save(*, rule: ModerationRule, seen: int | None) -> ModerationRule:
    """Create, or update from version `seen` (StaleVersion if someone saved since)."""
    return _versioned_save(rule, seen=seen)


def saved_reply_save(*, reply: SavedReply, seen: int | None) -> SavedReply:
    """Create, or update from version `seen` (StaleVersion if someone saved since)."""
    return _versioned_save(reply, seen=seen)


def _versioned_save(instance: V, *, seen: int | None) -> V:
    with transaction.atomic():
        if instance.pk is not None:
            # Checks and moves the version in one statement, before anything is written.
            instance.version = version_advance(instance, seen=seen)
        instance.save()
    return instance


def _refuse_gone(interaction: Interaction) -> None:
    """Nothing is answered to a person erased, or to a comment deleted on the network."""
    if interaction.erased:
        raise InboxRefused(_("This person's data was erased; there is nothing to answer."))
    if comment_deleted(interaction):
        raise InboxRefused(_("Deleted on the network: there is nothing to answer."))


def interaction_reply(
    *,
    interaction: Interaction,
    actor: User,
    text: str,
    visibility: str = "",
    thanks: bool = False,
    once: str = "",
) -> Reply:
    """Queue an answer; the worker posts it into the thread on the network. `visibility`
    narrows its audience ("": that of what it answers); a wider one is refused. `once`, the
    token of the page it was written on: the same token and text again give back the answer
    they queued first instead of a second one."""
    if not text.strip():
        raise InboxRefused(_("Write an answer first."))
    # A sharer is thanked; a post heard by listening is answered from there.
    if interaction.kind not in (*CONVERSATION_KINDS, LISTENED) and not thanks:
        raise InboxRefused(_("A like, a repost or a follow has nothing to answer."))
    # The class says what it can do: no connection is opened in the web request.
    if Capability.REPLY not in connector_class(interaction.channel.connector).capabilities:
        raise InboxRefused(_("This network does not let Palabre answer; answer there."))
    _refuse_gone(interaction)
    _refuse_what_the_network_would(interaction.channel, text)
    reaching = _reply_audience(interaction, visibility)
    key = uuid.uuid4().hex
    if once:
        key, queued = _once_key(interaction, actor, once, f"{reaching}:{text}")
        if queued is not None:
            return queued
    try:
        with transaction.atomic():
            interaction_lock(interaction)  # two tabs sending at once: one answer
            _refuse_the_same_answer_again(interaction, text)
            reply = Reply.objects.create(
                interaction=interaction,
                author=actor,
                text=text,
                visibility=reaching,
                thanks=thanks,
                next_attempt_at=timezone.now(),
                idempotency_key=key,
            )
    except IntegrityError:  # the same page's other request queued it a moment before
        queued = Reply.objects.filter(idempotency_key=key, interaction=interaction).first()
        if queued is None:
            raise  # not that: the conversation went meanwhile
        return queued
    # "Waiting for an answer for 4 h": answered now, for everyone who was told.
    notices_settled(url=item_path(interaction))
    if interaction.reply_draft and not thanks:  # the draft was the starting point: it is used
        # That draft only: one written since (an API token's, a colleague's) is kept.
        Interaction.objects.filter(pk=interaction.pk, reply_draft=interaction.reply_draft).update(
            reply_draft="", reply_draft_by=None, reply_draft_at=None, reply_draft_via=""
        )
    return reply


SAME_ANSWER_WINDOW = timedelta(hours=1)


def _refuse_the_same_answer_again(interaction: Interaction, text: str) -> None:
    """The same words to the same comment within the hour are one answer sent twice (a page
    opened in two tabs, the browser's Back then Send), never meant: said, not sent. Each
    page's own token only catches a page sent twice."""
    since = timezone.now() - SAME_ANSWER_WINDOW
    earlier = (
        Reply.objects.filter(interaction=interaction, created_at__gte=since)
        .exclude(status=ReplyStatus.FAILED)
        .select_related("author")
        .order_by("-created_at")
    )
    for reply in earlier:
        if reply.text.strip() == text.strip():
            raise InboxRefused(
                _("%(who)s sent this same answer %(when)s ago: it is not sent twice.")
                % {"who": reply.author or "Palabre", "when": timesince(reply.created_at)}
            )


# What a network refuses outright, counted as it counts (the composer's rules).
REFUSED_TEXT = ("too_long", "too_many_bytes", "invalid_characters")


def reply_counted(*, channel: Channel, text: str) -> rules.TextCheck | None:
    """An answer counted as its channel's network counts it (None: a network Palabre does
    not count)."""
    if channel.network not in rules.NETWORKS:
        return None
    return rules.check_comment(channel.network, text, max_chars=channel.max_chars or None)


def _refuse_what_the_network_would(channel: Channel, text: str) -> None:
    """An answer the network would refuse is refused now, while the person still has it in
    hand. The mentions a network needs (Mastodon's) are added when it is sent: close to the
    limit, it may still be refused then, and the failure is shown."""
    check = reply_counted(channel=channel, text=text)
    if check is None:
        return
    for problem in check.errors:
        if problem.code.endswith(REFUSED_TEXT):
            raise InboxRefused(
                _("%(network)s would refuse this answer: %(problem)s")
                % {"network": NETWORKS[channel.network].label, "problem": problem.message}
            )


def _once_key(
    interaction: Interaction, actor: User, once: str, said: str
) -> tuple[str, Reply | None]:
    """The reply's idempotency key from the page's token, and the answer already queued
    under it. Bound to this conversation, this person and what is said to whom, so a token
    copied elsewhere finds nothing, and a page gone back to and sent with other words (or
    to a narrower audience) is a new answer, not lost. An answer that failed is never
    given back: sent again, it goes out under the next key."""
    bound = f"{interaction.pk}:{actor.pk}:{once}:{said}".encode()
    base = hashlib.sha256(bound).hexdigest()[:32]
    tried = Reply.objects.filter(interaction=interaction, idempotency_key__startswith=base)
    failed = 0
    for reply in tried:
        if reply.status != ReplyStatus.FAILED:
            return reply.idempotency_key, reply
        failed += 1
    return (f"{base}-{failed}" if failed else base), None


def _reply_audience(interaction: Interaction, visibility: str) -> str:
    """What Reply.visibility keeps: "" for the audience of what it answers, else the
    narrower one chosen, if the channel's network can address it."""
    if not visibility:
        return ""
    choices = audience.answer_choices(interaction)
    own = choices[0]
    chosen = next((v for v in Visibility if v.value == visibility), None)
    if chosen is not None and chosen.rank < own.rank:
        raise InboxRefused(
            _(
                "An answer cannot reach more people than what it answers: “%(own)s” is the "
                "widest audience it can have."
            )
            % {"own": audience.LABELS[own]}
        )
    if chosen not in choices:
        raise InboxRefused(_("This network cannot address an answer to that audience."))
    return "" if chosen is own else chosen.value


# Facebook and Instagram take a private reply within 7 days of the comment.
# https://developers.facebook.com/docs/messenger-platform/discovery/private-replies/
PRIVATE_REPLY_WINDOW = timedelta(days=7)


def private_reply_offered(interaction: Interaction) -> bool:
    """Whether "Reply privately" fits this interaction: a public comment, on a network that
    lets the brand answer its author in one private message."""
    capabilities = connector_class(interaction.channel.connector).capabilities
    return (
        Capability.PRIVATE_REPLY in capabilities
        and interaction.kind == InteractionKind.COMMENT
        and not audience.is_private(interaction)
    )


def private_reply_too_late(interaction: Interaction) -> bool:
    return interaction.created_at < timezone.now() - PRIVATE_REPLY_WINDOW


def private_reply_taken(interaction: Interaction) -> Reply | None:
    """The comment's private reply, sent or on its way (a failed one leaves room)."""
    return interaction.replies.filter(private=True).exclude(status=ReplyStatus.FAILED).first()


def interaction_private_reply(*, interaction: Interaction, actor: User, text: str) -> Reply:
    """Queue the one private answer the network allows to a public comment: a message to
    its author, sent by the worker like an answer, logged with who wrote it."""
    if not text.strip():
        raise InboxRefused(_("Write an answer first."))
    if not private_reply_offered(interaction):
        raise InboxRefused(_("This network offers no private reply to this; answer in the thread."))
    _refuse_gone(interaction)
    if private_reply_too_late(interaction):
        raise InboxRefused(
            _("The network takes a private reply only within 7 days of the comment.")
        )
    taken = _("This comment already has its private reply: the network allows only one.")
    if private_reply_taken(interaction):
        raise InboxRefused(taken)
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                interaction=interaction,
                author=actor,
                text=text,
                private=True,
                visibility=Visibility.DIRECT.value,
                next_attempt_at=timezone.now(),
            )
            event_record(interaction, EventAction.PRIVATE_REPLY, actor=actor)
    except IntegrityError:  # someone else's, a moment before (one_private_reply_per_comment)
        raise InboxRefused(taken) from None
    return reply


def interaction_thanked(interaction: Interaction) -> bool:
    """A thank-you went out, or is on its way (one that failed may be sent again)."""
    replies = interaction.replies.filter(thanks=True)
    return replies.exclude(status=ReplyStatus.FAILED).exists()


def interaction_thank(*, interaction: Interaction, actor: User) -> Reply:
    """For praise and for people who share: the workspace's thank-you, then done."""
    lang = interaction.lang if interaction.lang in ("fr", "en") else "fr"
    saved = SavedReply.objects.filter(
        workspace_id=interaction.workspace_id, for_thanks=True, lang=lang
    ).first()
    template = saved.text if saved else DEFAULT_THANKS[lang]
    text = saved_reply_render(text=template, interaction=interaction)
    with transaction.atomic():
        # Two people thanking at once, a second "t", a double click: thanked once.
        interaction_lock(interaction)
        if interaction_thanked(interaction):
            raise InboxRefused(_("Already thanked."))
        reply = interaction_reply(
            interaction=interaction, actor=actor, text=text, thanks=True, once="thanks"
        )
    interaction_done(interaction=interaction)
    return reply


def reply_send(reply: Reply) -> datetime | None:
    """The worker's step. A retry never answers twice: the idempotency key makes the network
    return the answer sent before, or, on a network that takes none, Palabre looks there
    for what an interrupted send left (reconcile.left_behind); a private reply, which cannot
    be looked for, goes to a person instead (_private_reply_send)."""
    interaction = reply.interaction
    channel = interaction.channel
    inactive = channel_inactive_reason(channel)
    if inactive:
        held_write(reply, status=ReplyStatus.FAILED, error=inactive)
        return None
    connector = connector_for(channel)
    try:
        if reply.private:
            published = _private_reply_send(reply, connector)
        else:
            published = _reply_send(reply, connector)
    except PersonDecides as undecided:
        reason = _(
            "Sending was interrupted and this answer may have gone out (%(why)s): check on "
            "the network before answering again."
        ) % {"why": undecided.reason}
        held_write(reply, status=ReplyStatus.FAILED, error=reason[:1000])
        return None
    except RateLimited as error:
        raise wait_out(error) from None
    except (Rejected, AuthExpired) as error:
        # Only while this worker holds the reply: a late refusal written over the answer
        # another worker sent would offer to send it again.
        held_write(reply, status=ReplyStatus.FAILED, error=error.reason[:1000])
        if isinstance(error, AuthExpired):
            channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        return None
    now = timezone.now()
    wall, business = response_times(interaction.workspace, interaction.created_at, now)
    with transaction.atomic():
        held_write(
            reply, status=ReplyStatus.SENT, remote_id=published.remote_id, sent_at=now, error=""
        )
        Interaction.objects.filter(pk=interaction.pk).update(replies_sent=F("replies_sent") + 1)
        Interaction.objects.filter(pk=interaction.pk, answered_at__isnull=True).update(
            answered_at=now, response_seconds=wall, response_business_seconds=business
        )
    return None


def _reply_send(reply: Reply, connector: Connector) -> PublishedPost:
    interaction = reply.interaction
    published = left_behind(
        connector,
        attempted_at=reply.attempted_at,
        text=reply.text,
        in_reply_to=interaction.remote_id,
        recorded=partial(channel_recorded_ids, channel=interaction.channel),
    )
    if published is None:
        held_for_send(reply, attempted_at=timezone.now())
        faults.point("reply.before_network")
        published = connector.reply(
            to_remote_id=interaction.remote_id,
            text=reply.text,
            idempotency_key=reply.idempotency_key,
            created_at=reply.created_at,
            # Always given: a network that no longer shows what was answered as private
            # must not make the answer public.
            visibility=audience.reply_visibility(reply),
        )
        faults.point("reply.after_network")
    return published


def _private_reply_send(reply: Reply, connector: Connector) -> PublishedPost:
    """A private message cannot be looked for afterwards (the account's recent posts do not
    show it): an interrupted send is resumed only where the network takes the same key
    again; elsewhere a person checks, since a second message is worse than a late one."""
    if reply.attempted_at is not None and not connector.idempotent:
        raise PersonDecides(_("a private message cannot be looked for on the network"))
    held_for_send(reply, attempted_at=timezone.now())
    faults.point("reply.before_network")
    try:
        published = connector.private_reply(
            to_remote_id=reply.interaction.remote_id,
            text=reply.text,
            idempotency_key=reply.idempotency_key,
        )
    except RateLimited:
        # Refused, so nothing went out: the retry sends it without asking anyone.
        held_write(reply, attempted_at=None)
        raise
    faults.point("reply.after_network")
    return published


def response_times(workspace: Workspace, asked: datetime, answered: datetime) -> tuple[int, int]:
    """Seconds to the first reply: on the clock, and within the workspace's business hours."""
    wall = max(int((answered - asked).total_seconds()), 0)
    business = business_seconds(
        asked,
        answered,
        tz=workspace.tzinfo,
        opens=workspace.business_start,
        closes=workspace.business_end,
        days=workspace.business_days,
    )
    return wall, business
