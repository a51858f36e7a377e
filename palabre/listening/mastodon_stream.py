"""Listening in real time on Mastodon: each instance's hashtag stream, for the hashtags the
searches of its workspaces look for there.

Mastodon has no stream of every public post to read, and its instances are many: each
workspace's Mastodon channels say which instances to ask. One subscription per (instance,
hashtag), through one of the channels there (TagStream, networks/mastodon/stream.py),
shared by every workspace with a channel on that instance whose searches want the hashtag.
What it hears is matched in the runner's thread (a hashtag's posts are few) against the
searches of those workspaces only, and kept with the instance as its source (a status id
means something only there). Words are not streamed: polling searches them, and reads the
hashtag timelines too, where the server offers no streaming and after a disconnection.

One `palabre stream` process of the instance holds the Mastodon lease (leases.py, its own
row) and subscribes; the others do nothing. The lease never says `live`: polling keeps its
pace for Mastodon, since the streams cover hashtags only, and only where offered.
`Listening` (stream.py) owns one of these and hands it its events.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.inbox.stream.events import Events
from palabre.listening.leases import listening_lease_hold, listening_lease_release
from palabre.listening.services import Found, heard_source, heard_store, listening_channels
from palabre.networks.base import PublicPost
from palabre.networks.mastodon.stream import TagStream, source_for

if TYPE_CHECKING:
    from palabre.listening.matcher import Matcher

log = logging.getLogger("palabre.stream")

NETWORK = "mastodon"
STOP_WAIT = 5.0  # seconds, for every subscription together (the leases last 20)
EVENT, TAGGED = "listening", "mastodon-tagged"  # stream.EVENT: the runner hands it over

Key = tuple[str, str, str]  # instance, hashtag (without "#"), the subscription's account


@dataclass
class Wanted:
    """One subscription: a hashtag on an instance, and whom it is for."""

    channel: Channel  # the one subscribed through
    tag: str
    source: str  # where the ids come from: heard_source
    workspace_ids: set[int] = field(default_factory=set)


class HashtagListening:
    """The Mastodon lease and the hashtag subscriptions of one `palabre stream` process.
    Every method runs in the runner's thread."""

    subscription_class: Any = TagStream  # a test's fake stands in for it

    def __init__(self, *, holder: str, events: Events) -> None:
        self.holder, self.events = holder, events
        self.held = False
        self.subscriptions: dict[Key, Any] = {}
        self.wanted: dict[Key, Wanted] = {}
        self.matcher: Matcher | None = None
        self.workspaces: dict[int, int] = {}  # each search's workspace

    def arrange(self, searches: tuple[Matcher, dict[int, int]]) -> None:
        """Hold the lease while some search wants a hashtag on a connected instance, and
        subscribe to each (instance, hashtag) once."""
        self.matcher, self.workspaces = searches
        wanted = _wanted(self.matcher, self.workspaces, _channels())
        if not wanted or not listening_lease_hold(holder=self.holder, network=NETWORK):
            self.release()
            return
        self.held = True
        for key in set(self.subscriptions) - set(wanted):
            self.subscriptions.pop(key).stop(timeout=STOP_WAIT)
        for key, want in wanted.items():
            subscription = self.subscriptions.get(key)
            if subscription is None:
                subscription = self.subscriptions[key] = self._subscribe(key, want)
            subscription.watch([want.channel])  # fresh from the database
        self.wanted = wanted

    def _subscribe(self, key: Key, want: Wanted) -> Any:
        outlet = self.events.outlet()
        subscription = self.subscription_class(
            source=key[0],
            tag=want.tag,
            hear=lambda post: outlet.put((EVENT, TAGGED, key, post)),
        )
        outlet.ends_when(lambda: subscription.stopping)
        subscription.watch([want.channel])
        subscription.start()
        return subscription

    def handle(self, event: tuple[Any, ...]) -> None:
        """A status a subscription heard: matched, and kept for each workspace it is for."""
        _event, _kind, key, post = event
        want = self.wanted.get(key)
        if want is None or self.matcher is None:
            return  # no longer wanted: nobody on that instance looks for it now
        for workspace_id, search_ids in _found_for(
            post, self.matcher, self.workspaces, want.workspace_ids
        ).items():
            workspace = Workspace.objects.filter(pk=workspace_id).first()
            if workspace is not None:  # deleted meanwhile: nothing to keep
                found = [Found(post=post, search_ids=tuple(search_ids))]
                heard_store(
                    workspace=workspace,
                    network=NETWORK,
                    found=found,
                    via="stream",
                    source=want.source,
                )

    def stop(self) -> None:
        """Every subscription told first, then waited for within STOP_WAIT in all: one stuck
        in a slow request must not hold the runner (and its leases) for long."""
        for subscription in self.subscriptions.values():
            subscription.halt()
        deadline = time.monotonic() + STOP_WAIT
        for subscription in self.subscriptions.values():
            subscription.stop(timeout=max(deadline - time.monotonic(), 0))

    def release(self) -> None:
        self.stop()
        self.subscriptions.clear()
        self.wanted = {}
        if self.held:
            listening_lease_release(holder=self.holder, network=NETWORK)
            self.held = False


def _found_for(
    post: PublicPost, matcher: Matcher, workspaces: dict[int, int], allowed: set[int]
) -> dict[int, list[int]]:
    """The searches the post matches, by workspace, among the workspaces it is for."""
    found: dict[int, list[int]] = defaultdict(list)
    for search_id in matcher.match(post.text, network=NETWORK) if post.text else []:
        workspace_id = workspaces.get(search_id)
        if workspace_id in allowed:
            found[workspace_id].append(search_id)
    return dict(found)


def _wanted(
    matcher: Matcher, workspaces: dict[int, int], channels: list[Channel]
) -> dict[Key, Wanted]:
    """Each (instance, hashtag) some workspace with a channel there looks for on Mastodon,
    subscribed through the first of those channels."""
    tags: dict[int, set[str]] = defaultdict(set)  # workspace id → its hashtags
    for query in matcher.queries.values():
        if query.networks and NETWORK not in query.networks:
            continue
        for term in query.terms:
            if term.hashtag and query.search_id in workspaces:
                tags[workspaces[query.search_id]].add(term.hashtag.removeprefix("#"))
    by_place: dict[tuple[str, str], Wanted] = {}
    for channel in channels:  # by pk: the same channel is chosen at every step
        instance = _instance(channel)
        if not instance:
            continue  # disconnected meanwhile
        for tag in sorted(tags.get(channel.workspace_id, ())):
            want = by_place.setdefault(
                (instance, tag), Wanted(channel=channel, tag=tag, source=heard_source(channel))
            )
            want.workspace_ids.add(channel.workspace_id)
    # New credentials for the channel subscribed through: subscribed again with them.
    return {(i, t, source_for(w.channel)): w for (i, t), w in by_place.items()}


def _instance(channel: Channel) -> str:
    address = urlsplit(str(channel.credentials.get("instance") or ""))
    return f"{address.scheme}://{address.netloc}".lower() if address.netloc else ""


def _channels() -> list[Channel]:
    return listening_channels(connector="mastodon")
