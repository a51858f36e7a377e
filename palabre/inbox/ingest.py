"""Ingestion: a channel's new interactions, fetched, deduplicated, threaded, classified
and sorted, with the network's cursor saved in the same transaction (a crash re-reads
the page; the unique (channel, remote id) keeps every item once)."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.models import Channel
from palabre.channels.services import channel_mark_needs_reconnect
from palabre.channels.x_cost import x_poll_over_cap
from palabre.inbox.alerts import clock_next
from palabre.inbox.audience import incoming_visibility, is_private
from palabre.inbox.models import (
    CONVERSATION_KINDS,
    AbuseKind,
    Category,
    ChannelSync,
    Contact,
    Identity,
    Interaction,
    ModerationRule,
)
from palabre.inbox.moderation import (
    decide,
    decision_apply,
    interaction_take_reading,
    interactions_classify,
    is_harassment,
    texts_classify,
)
from palabre.inbox.stream.leases import stream_is_live
from palabre.lib.storable import storable
from palabre.networks.base import (
    AuthExpired,
    Capability,
    IncomingInteraction,
    RateLimited,
    Rejected,
)
from palabre.publishing.models import PostTarget
from palabre.webhooks import events
from palabre.webhooks.emit import interaction_event_emit
from palabre.worker.jobs import held_for_send, held_write

log = logging.getLogger("palabre.inbox")

FETCH = Capability.FETCH_COMMENTS | Capability.FETCH_MENTIONS | Capability.FETCH_MESSAGES
# A poll that brought this many new items may have more behind it: poll again at once. New
# ones only: a page can give again what the last gave (Mastodon's reads two minutes back),
# and a busy account's repeats must not keep the worker polling it.
FULL_PAGE = 50
MAX_TEXT = 100_000
STREAMED_POLL = timedelta(seconds=30)
ANSWERABLE = (Category.QUESTION, Category.CRITICISM)
UNWANTED = (Category.ABUSE, Category.SPAM)

if TYPE_CHECKING:  # the classifier loads numpy and the models: only where it classifies
    from palabre.inbox.ml.classifier import Prediction


def poll_interval(channel: Channel) -> timedelta:
    """The channel's own interval when its people chose one (Channel.poll_minutes), else its
    network's (settings.INBOX_POLL_SECONDS: X's is long, each request is billed)."""
    if channel.poll_minutes:
        return timedelta(minutes=channel.poll_minutes)
    intervals = settings.INBOX_POLL_SECONDS
    return timedelta(seconds=intervals.get(channel.connector, intervals["default"]))


def channel_sync_poll(sync: ChannelSync) -> datetime | None:
    """The worker's step for one channel: fetch what is new, store it, say when to return."""
    channel = sync.channel
    connector = connector_for(channel)
    if not connector.capabilities & FETCH:
        return None
    if x_poll_over_cap(channel):  # X bills each request: the workspace's cap is reached
        return timezone.now() + poll_interval(channel)
    held_for_send(sync)  # X bills each read: none from a worker whose lease ran out
    try:
        page = connector.fetch_interactions(cursor=sync.cursor or None)
    except RateLimited as error:
        raise wait_out(error) from None
    except AuthExpired as error:
        channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        return timezone.now() + poll_interval(channel)  # not due until reconnected
    except Rejected as error:
        log.warning("inbox: channel %s refused a poll: %s", channel.pk, error.reason)
        return timezone.now() + 10 * poll_interval(channel)
    try:
        added = interactions_ingest(
            channel=channel, items=list(page.items), cursor=page.next_cursor, sync=sync
        )
    except IntegrityError:
        # The stream stored one of these between our read and our write: read again.
        added = interactions_ingest(
            channel=channel, items=list(page.items), cursor=page.next_cursor, sync=sync
        )
    ChannelSync.objects.filter(pk=sync.pk).update(last_polled_at=timezone.now(), last_count=added)
    if added >= FULL_PAGE:
        return timezone.now()
    if stream_is_live(sync):
        # A stream brings replies, mentions and quotes as they come: polling is the safety
        # net (likes, follows, what the stream missed), and resumes its pace when it stops.
        return timezone.now() + max(poll_interval(channel), STREAMED_POLL)
    return timezone.now() + poll_interval(channel)


def _clip(value: str, limit: int) -> str:
    """Fit a network's string in a column, storable (lib/storable.py)."""
    return storable(value or "")[:limit]


def _remote_id(value: str) -> str:
    """Over-long ids keep their uniqueness: a prefix and a digest of the whole."""
    value = storable(value or "")
    if len(value) <= 500:
        return value
    return value[:430] + "#" + hashlib.sha256(value.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """The network's time in UTC. PostgreSQL refuses offsets beyond ±15:59, which Python
    reads (up to ±23:59); a time that no date holds once in UTC (year 1 or 9999 with such
    an offset) reads as now, when it arrived."""
    moment = moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return timezone.now()


def _identity(channel: Channel, item: IncomingInteraction, seen: datetime) -> Identity:
    author = item.author
    remote = _remote_id(author.remote_id or author.handle or "unknown")
    found = Identity.objects.filter(
        workspace_id=channel.workspace_id, network=channel.network, remote_id=remote
    ).first()
    handle = _clip(author.handle or remote, 300)
    name = _clip(author.display_name, 200)
    if found:
        found.handle, found.last_seen = handle, max(found.last_seen, seen)
        found.display_name = name or found.display_name
        found.save(update_fields=["handle", "display_name", "last_seen"])
        return found
    contact = Contact.objects.create(workspace_id=channel.workspace_id, name=name or handle)
    return Identity.objects.create(
        workspace_id=channel.workspace_id,
        contact=contact,
        network=channel.network,
        remote_id=remote,
        handle=handle,
        display_name=name,
        first_seen=seen,
        last_seen=seen,
    )


def _target(channel: Channel, *remote_ids: str) -> PostTarget | None:
    ids = [r for r in remote_ids if r]
    if not ids:
        return None
    posts = PostTarget.objects.filter(channel=channel)
    return posts.filter(Q(remote_id__in=ids) | Q(comment_id__in=ids)).first()


def interactions_ingest(
    *,
    channel: Channel,
    items: list[IncomingInteraction],
    cursor: str | None,
    sync: ChannelSync | None = None,
) -> int:
    """Store the new items of one page and advance the cursor. Returns how many were new.
    `sync`: the worker's claimed row, whose cursor moves only while the worker holds it
    (LeaseLost, nothing stored): a poll that outlasted its lease would otherwise put back
    the older cursor of the page it read, over the one the next worker moved on."""
    readings = _read_ahead(channel, items)
    with transaction.atomic():
        added = interactions_store(channel=channel, items=items, readings=readings)
        moved = {"cursor": _clip(cursor or "", 500)}
        if sync is None:
            ChannelSync.objects.filter(channel=channel).update(**moved)
        else:
            held_write(sync, **moved)
    return added


def _read_ahead(channel: Channel, items: list[IncomingInteraction]) -> dict[str, Prediction]:
    """The classifier's reading of the conversation items not stored yet, by remote id,
    taken before any transaction: the second stage is slow, and SQLite's write lock (or a
    PostgreSQL transaction) must not wait on it."""
    ids = [_remote_id(i.remote_id) for i in items]
    known = set(
        Interaction.objects.filter(channel=channel, remote_id__in=ids).values_list(
            "remote_id", flat=True
        )
    )
    fresh = {
        remote: _clip(item.text, MAX_TEXT)
        for item, remote in zip(items, ids, strict=True)
        if remote and remote not in known and item.kind in CONVERSATION_KINDS
    }
    predictions = texts_classify(workspace=channel.workspace, texts=list(fresh.values()))
    return dict(zip(fresh, predictions, strict=True))


def interactions_store(
    *,
    channel: Channel,
    items: list[IncomingInteraction],
    readings: dict[str, Prediction] | None = None,
) -> int:
    """Store the items not stored yet, whichever way they came (a poll, a webhook: the same
    remote id is one interaction), leaving the polling cursor alone. How many were new."""
    if readings is None:
        readings = _read_ahead(channel, items)
    with transaction.atomic():
        ids = [_remote_id(i.remote_id) for i in items]
        known = set(
            Interaction.objects.filter(channel=channel, remote_id__in=ids).values_list(
                "remote_id", flat=True
            )
        )
        fresh: list[Interaction] = []
        for item, remote in zip(items, ids, strict=True):
            if not remote or remote in known:
                continue
            known.add(remote)
            fresh.append(_build(channel, item, remote))
        talk = [i for i in fresh if i.kind in CONVERSATION_KINDS]
        for interaction in talk:
            if interaction.remote_id in readings:
                interaction_take_reading(interaction, readings[interaction.remote_id])
        unread = [i for i in talk if i.remote_id not in readings]  # arrived meanwhile
        if unread:
            interactions_classify(workspace=channel.workspace, interactions=unread)
        rules = list(ModerationRule.objects.filter(workspace_id=channel.workspace_id))
        for interaction in fresh:
            _store(interaction, rules)
    return len(fresh)


def _build(channel: Channel, item: IncomingInteraction, remote: str) -> Interaction:
    created = _aware(item.created_at)
    parent_id = _remote_id(item.in_reply_to or "")
    root_id = _remote_id(item.root or "")
    return Interaction(
        workspace_id=channel.workspace_id,
        channel=channel,
        remote_id=remote,
        kind=item.kind.value,
        identity=_identity(channel, item, created),
        text=_clip(item.text, MAX_TEXT),
        created_at=created,
        in_reply_to=parent_id,
        root=root_id,
        visibility=incoming_visibility(item.kind, item.visibility).value,
        target=_target(channel, root_id, parent_id),
        parent=Interaction.objects.filter(channel=channel, remote_id=parent_id).first()
        if parent_id
        else None,
    )


def _store(interaction: Interaction, rules: list[ModerationRule]) -> None:
    interaction.save()
    if interaction.kind not in CONVERSATION_KINDS:
        return  # a like, a repost, a follow: history, not a conversation
    # Repeated abuse from one person is harassment; a threat, hate or sexual remark keeps its
    # graver kind.
    repeatable = (AbuseKind.INSULT, "")
    if (
        interaction.category == Category.ABUSE
        and interaction.abuse_kind in repeatable
        and is_harassment(interaction)
    ):
        interaction.abuse_kind = AbuseKind.HARASSMENT
    interaction.needs_answer = _needs_answer(interaction)
    decision = decide(interaction, rules)
    interaction.next_attempt_at = clock_next(interaction) if interaction.needs_answer else None
    interaction.save(update_fields=["abuse_kind", "needs_answer", "next_attempt_at"])
    # Both once what a receiver filters on (needs_answer, the kind) is known.
    interaction_event_emit(interaction=interaction, event=events.INTERACTION_RECEIVED)
    interaction_event_emit(interaction=interaction, event=events.INTERACTION_CLASSIFIED)
    decision_apply(interaction=interaction, decision=decision)


def _needs_answer(interaction: Interaction) -> bool:
    """Questions and criticism wait for an answer; so does a private message, whatever it
    says (who writes privately expects an answer), unless it is abuse or spam."""
    if interaction.category in ANSWERABLE:
        return True
    return is_private(interaction) and interaction.category not in UNWANTED


def channel_sync_ensure(channel: Channel) -> ChannelSync:
    sync, _created = ChannelSync.objects.get_or_create(
        channel=channel, defaults={"next_attempt_at": timezone.now()}
    )
    return sync
