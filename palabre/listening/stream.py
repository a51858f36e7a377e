"""Listening in real time: Bluesky's event stream read for every saved search of every
workspace, by one `palabre stream` process of the instance at a time (leases.py).

The runner (inbox/stream/runner.py) owns a `Listening` and calls it from its own thread:
`arrange()` every few seconds (hold the lease, rebuild the matcher when the searches
changed, subscribe to the sources), `handle()` for what the subscriptions sent through the
runner's queue (store what was heard, then save the position past it: a crash re-reads a
post, and heard_store keeps it once, rather than skips it).

A subscription (`PostsStream`) is Bluesky's inbox subscription (networks/bluesky/stream.py:
the SDK's client through the outbound guard, resumed from its position, MAX_REPLAY) reading
every post created instead of a few accounts' interactions. It matches each against one
compiled matcher (matcher.py) and hands the matches over grouped by workspace, their author
looked up once (handle, through one of that workspace's Bluesky channels) or left as a DID.
It writes nothing.

Mastodon's hashtag streams are arranged alongside, by mastodon_stream.py, under their own
lease.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Sum

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.inbox.stream.events import Events
from palabre.listening import mastodon_stream
from palabre.listening.definitions import DefinitionError
from palabre.listening.leases import (
    listening_cursor_save,
    listening_cursors,
    listening_lease_hold,
    listening_lease_release,
    listening_live_set,
)
from palabre.listening.matcher import Matcher, Query
from palabre.listening.models import Search
from palabre.listening.services import Found, heard_store, listening_channels, query_for
from palabre.networks.base import Author, PublicPost
from palabre.networks.bluesky.firehose import CreatedPost, frame_posts
from palabre.networks.bluesky.stream import AUTHORS_KEPT, BlueskyStream, relay_for

log = logging.getLogger("palabre.stream")

NETWORK = "bluesky"
EVENT = "listening"  # the first item of this module's events in the runner's queue

Hear = Callable[[int, list[Found]], None]  # workspace id, what its searches found
Searches = tuple[Matcher, dict[int, int]]  # the matcher, and each search's workspace


class Listening:
    """The lease, the matcher and the subscriptions of one `palabre stream` process. Every
    method runs in the runner's thread."""

    def __init__(self, *, holder: str, events: Events) -> None:
        self.holder, self.events = holder, events
        self.held = False
        self.subscriptions: dict[str, PostsStream] = {}  # by source
        self.live: dict[str, bool] = {}
        self.searches: Searches = (Matcher(()), {})
        self._signature: tuple[Any, ...] | None = None
        self._warm: set[int] = set()
        self.hashtags = mastodon_stream.HashtagListening(holder=holder, events=events)

    def arrange(self) -> None:
        """Hold the lease while some search wants Bluesky, and subscribe to its sources.
        Whatever fails here is logged and tried again at the next step: the inbox's
        channels, streamed by the same process, go on meanwhile."""
        try:
            self._arrange()
        except Exception:
            log.exception("stream %s: listening not arranged; again in a few seconds", self.holder)
        try:
            self.hashtags.arrange(self.searches)
        except Exception:
            log.exception("stream %s: Mastodon hashtags not arranged; again soon", self.holder)

    def _arrange(self) -> None:
        self._searches_read()
        matcher = self.searches[0]
        wanted = any(not q.networks or NETWORK in q.networks for q in matcher.queries.values())
        channels = _channels() if wanted else []
        sources = _sources(channels) if wanted else set()
        if not sources:
            self._release_bluesky()
            return
        if not listening_lease_hold(holder=self.holder, network=NETWORK):
            # Another process listens (or took over while this one stalled): giving back
            # changes nothing of its lease, only holders write.
            self._release_bluesky()
            return
        self.held = True
        self._warm_up(set(self.searches[1].values()))
        for source in set(self.subscriptions) - sources:
            self.subscriptions.pop(source).stop()
        cursors = listening_cursors(holder=self.holder, network=NETWORK)
        for source in sources:
            subscription = self.subscriptions.get(source)
            if subscription is None:
                subscription = self._subscribe(source, cursors.get(source, ""), channels)
            subscription.searches = self.searches
            subscription.watch(channels)

    def _searches_read(self) -> None:
        """The matcher, built again when the searches changed since (a cheap look first)."""
        signature = tuple(
            Search.objects.aggregate(
                count=Count("pk"), top=Max("pk"), versions=Sum("version")
            ).values()
        )
        if signature == self._signature:
            return
        searches = list(Search.objects.all())
        self.searches = (Matcher(_queries(searches)), {s.pk: s.workspace_id for s in searches})
        self._signature = signature

    def _subscribe(self, source: str, cursor: str, channels: list[Channel]) -> PostsStream:
        outlet = self.events.outlet()
        subscription = PostsStream(
            source=source,
            cursor=cursor,
            hear=lambda workspace_id, found: outlet.put(
                (EVENT, "heard", source, workspace_id, found)
            ),
            advance=lambda position: outlet.put((EVENT, "advance", source, position)),
            live=lambda live: outlet.put((EVENT, "live", source, live)),
        )
        outlet.ends_when(lambda: subscription.stopping)
        subscription.searches = self.searches
        subscription.watch(channels)
        subscription.start()
        self.subscriptions[source] = subscription
        return subscription

    def _warm_up(self, workspace_ids: set[int]) -> None:
        """Load each workspace's classifier before its first post is heard (as the runner
        does for its channels): a second or more, otherwise that post's delay."""
        from palabre.inbox.moderation import texts_classify
        from palabre.inbox.stream.runner import WARM_UP

        for workspace in Workspace.objects.filter(pk__in=workspace_ids - self._warm):
            texts_classify(workspace=workspace, texts=WARM_UP)
            self._warm.add(workspace.pk)

    def handle(self, event: tuple[Any, ...]) -> None:
        """One of this module's events, taken from the runner's queue."""
        _event, kind, source, *rest = event
        if kind == mastodon_stream.TAGGED:
            self.hashtags.handle(event)
        elif kind == "heard":
            _store(*rest)  # even from a subscription stopped since: it was heard
        elif source not in self.subscriptions:
            return
        elif kind == "advance":
            listening_cursor_save(
                holder=self.holder, network=NETWORK, source=source, cursor=rest[0]
            )
        else:
            self.live[source] = rest[0]
            live = all(self.live.get(s, False) for s in self.subscriptions)
            listening_live_set(holder=self.holder, network=NETWORK, live=live)

    def stop(self) -> None:
        """Stop the subscriptions; what they sent is still in the queue, to be handled."""
        for subscription in self.subscriptions.values():
            subscription.stop()
        self.hashtags.stop()

    def release(self) -> None:
        """Stop, and give the leases back (once the queue was handled: positions saved)."""
        self._release_bluesky()
        self.hashtags.release()

    def _release_bluesky(self) -> None:
        for subscription in self.subscriptions.values():
            subscription.stop()
        self.subscriptions.clear()
        self.live.clear()
        if self.held:
            listening_lease_release(holder=self.holder, network=NETWORK)
            self.held = False


class PostsStream(BlueskyStream):
    """One subscription, every post created matched against every search."""

    def __init__(
        self,
        *,
        source: str,
        cursor: str,
        hear: Hear,
        advance: Callable[[str], None],
        live: Callable[[bool], None],
    ) -> None:
        super().__init__(
            source=source,
            cursor=cursor,
            deliver=lambda _channel_id, _items: None,
            advance=advance,
            live=live,
        )
        self.hear = hear
        self.searches: Searches = (Matcher(()), {})  # replaced whole by the runner's thread
        self._lookups: dict[int, Channel] = {}  # workspace id → a channel to ask profiles

    def watch(self, channels: list[Channel]) -> None:
        lookups: dict[int, Channel] = {}
        for channel in channels:
            lookups.setdefault(channel.workspace_id, channel)
        self._lookups = lookups
        self._fresh_connectors(channels)

    def _warm_up(self) -> None:
        """Load the decoder and log in before the first post comes: otherwise its delay."""
        import libipld  # noqa: F401
        from atproto_core import cbor  # noqa: F401

        for channel in list(self._lookups.values()):
            try:
                self._connector(channel).client()
            except Exception as error:  # noqa: BLE001 (authors stay DIDs meanwhile)
                log.warning("listening: channel %s not logged in: %s", channel.pk, error)

    def _on_frame(self, data: bytes) -> None:
        event, posts = frame_posts(data)
        if self.resuming and event.seq is not None:
            self.resuming = False
            if self._too_old(event):
                return
        heard = self.heard(posts)
        for workspace_id, found in heard.items():
            self.hear(workspace_id, found)
        if event.seq is not None:
            self.seq = event.seq
        self._hand_back_position(force=bool(heard))

    def heard(self, posts: Iterable[CreatedPost]) -> dict[int, list[Found]]:
        """What the searches found among these posts, by workspace."""
        matcher, workspaces = self.searches
        heard: dict[int, list[Found]] = defaultdict(list)
        for post in posts:
            ids = matcher.match(post.text, network=NETWORK) if post.text else []
            by_workspace: dict[int, list[int]] = defaultdict(list)
            for search_id in ids:
                if search_id in workspaces:
                    by_workspace[workspaces[search_id]].append(search_id)
            for workspace_id, search_ids in by_workspace.items():
                public = self._public(post, workspace_id)
                heard[workspace_id].append(Found(post=public, search_ids=tuple(search_ids)))
        return dict(heard)

    def _public(self, post: CreatedPost, workspace_id: int) -> PublicPost:
        rkey = post.uri.rsplit("/", 1)[-1]
        return PublicPost(
            remote_id=post.uri,
            url=f"https://bsky.app/profile/{post.author}/post/{rkey}",
            author=self._author_of(post.author, workspace_id),
            text=post.text,
            created_at=post.created_at,
            langs=post.langs,
        )

    def _author_of(self, did: str, workspace_id: int) -> Author:
        """Its handle, looked up once; its DID stands for it if that fails (or the
        workspace has no Bluesky channel to ask through)."""
        if did in self._authors:
            return self._authors[did]
        channel = self._lookups.get(workspace_id)
        if channel is None:
            return Author(did, did)
        try:
            found = self._connector(channel).authors([did])
        except Exception as error:  # noqa: BLE001 (whatever failed, the post is kept)
            log.warning("listening: profile of %s unread: %s", did, error)
            return Author(did, did)
        if len(self._authors) > AUTHORS_KEPT:
            self._authors.clear()
        self._authors.update(found)
        return self._authors.get(did, Author(did, did))


def _queries(searches: list[Search]) -> Iterable[Query]:
    for search in searches:
        try:
            yield query_for(search)
        except DefinitionError as error:  # saved before a rule changed: the others go on
            log.warning("listening: search %s not matched: %s", search.pk, error)


def _channels() -> list[Channel]:
    return listening_channels(connector="bluesky")


def _sources(channels: list[Channel]) -> set[str]:
    """Where to read the stream: the relay, or with `pds` each channel's own service."""
    if settings.PALABRE_BLUESKY_RELAY != "pds":
        return {settings.PALABRE_BLUESKY_RELAY}
    services = {str(c.credentials.get("service") or "") for c in channels}
    return {relay_for(s) for s in services if s}


def _store(workspace_id: int, found: list[Found]) -> None:
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is not None:  # deleted meanwhile: nothing to keep
        heard_store(workspace=workspace, network=NETWORK, found=found, via="stream")
