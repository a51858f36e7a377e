"""What a person does on the Listening pages: try a search before saving it, and act on what
was heard (seen, tags, a teammate, an answer, an idea for the composer, a contact).

The writes that belong to listening itself (saving a search, erasing an author) are in
services.py; these are the page's own, kept apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.accounts.models import User, Workspace
from palabre.channels.connectors import connector_for
from palabre.channels.models import Channel, ChannelStatus
from palabre.inbox.models import LISTENED, Contact, Identity, Interaction, Reply
from palabre.inbox.services import interaction_reply
from palabre.lib.excerpt import excerpt
from palabre.listening.definitions import DefinitionError, terms_read
from palabre.listening.matcher import Matcher, Query
from palabre.listening.models import Heard, Search
from palabre.listening.polling import INTERVAL, search_polls_arrange
from palabre.listening.services import (
    ListeningRefused,
    author_posts,
    heard_source,
    listening_settings,
    web_address,
)
from palabre.networks.base import (
    AuthExpired,
    Capability,
    ConnectorError,
    PublicPost,
    RateLimited,
)
from palabre.networks.kinds import NETWORKS
from palabre.networks.registry import CONNECTORS, connector_class
from palabre.publishing.models import Category, Post
from palabre.publishing.notices import notice_send
from palabre.publishing.services import post_create

log = logging.getLogger("palabre.listening")

PREVIEW_POSTS = 5000  # the newest heard posts a preview reads (a few tenths of a second)
PREVIEW_SHOWN = 10
LIVE_CHANNELS = 3  # channels asked for a live sample, at most
LIVE_QUERIES = 3  # searches sent to each
LIVE_SECONDS = 6.0  # a network that takes longer is said to, and left behind
LIVE_SHOWN = 5
# How often each search is sent to a network no stream carries (X): the budget's estimate.
POLLS_PER_DAY = timedelta(days=1) // INTERVAL


def searchable_networks() -> list[str]:
    """The networks whose connector can search public posts (Capability.SEARCH_POSTS)."""
    return [
        key
        for key in NETWORKS
        if key in CONNECTORS and Capability.SEARCH_POSTS in connector_class(key).capabilities
    ]


def _searches_here(channel: Channel) -> bool:
    return Capability.SEARCH_POSTS in connector_class(channel.connector).capabilities


def _answers_here(channel: Channel) -> bool:
    return Capability.REPLY in connector_class(channel.connector).capabilities


# --- Preview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveSample:
    """What one connected channel's network found for the first terms, just now."""

    channel: Channel
    queries: tuple[str, ...]
    read: int = 0  # posts the network returned
    posts: list[PublicPost] = field(default_factory=list)  # those the whole definition keeps
    problem: str = ""  # why there is no sample, in the person's language

    @property
    def shown(self) -> list[PublicPost]:
        return self.posts[:LIVE_SHOWN]


@dataclass(frozen=True)
class Preview:
    read: int  # heard posts read (the newest, within the retention period)
    matched: int
    shown: list[Heard]
    retention_days: int
    live: list[LiveSample]


def search_preview(*, search: Search, live: bool = True) -> Preview:
    """The definition as typed (DefinitionError if it cannot be read), run over the posts
    the workspace's searches heard lately, and sent to each connected network that
    searches (a few terms, a few seconds at most)."""
    terms = terms_read(search.terms, required=True)
    query = Query(
        search_id=0,
        terms=terms,
        exclusions=terms_read(search.exclusions, required=False),
        networks=frozenset(search.networks),
    )
    matcher = Matcher([query])
    days = listening_settings(search.workspace).retention_days
    since = timezone.now() - timedelta(days=days)
    rows = Heard.objects.filter(workspace=search.workspace, heard_at__gte=since)
    recent = list(rows.values_list("pk", "text", "network", "lang")[:PREVIEW_POSTS])
    found = [
        pk
        for pk, text, network, lang in recent
        if _speaks(search.languages, lang) and matcher.match(text, network=network)
    ]
    shown = list(Heard.objects.filter(pk__in=found[:PREVIEW_SHOWN]).prefetch_related("searches"))
    samples = _live(search, matcher, tuple(dict.fromkeys(t.query for t in terms))) if live else []
    return Preview(
        read=len(recent), matched=len(found), shown=shown, retention_days=days, live=samples
    )


def _speaks(languages: list[str], lang: str) -> bool:
    return not languages or lang in languages


def _live(search: Search, matcher: Matcher, queries: tuple[str, ...]) -> list[LiveSample]:
    channels = [
        c
        for c in Channel.objects.filter(workspace=search.workspace, status=ChannelStatus.ACTIVE)
        if _searches_here(c)
        and (not search.networks or c.network in search.networks)
        # X bills every post read: a preview never spends outside the daily budget.
        and not c.bills_requests
    ]
    return [_sample(c, matcher, queries[:LIVE_QUERIES], search) for c in channels[:LIVE_CHANNELS]]


def _sample(
    channel: Channel, matcher: Matcher, queries: tuple[str, ...], search: Search
) -> LiveSample:
    try:
        found = _bounded(lambda: _ask(channel, queries), inline=channel.on_demo_network)
    except TimeoutError:
        problem = _("%(network)s did not answer within %(seconds)d seconds.") % {
            "network": channel.network_label,
            "seconds": LIVE_SECONDS,
        }
        return LiveSample(channel, queries, problem=problem)
    except ConnectorError as error:
        return LiveSample(channel, queries, problem=_refusal(channel, error))
    except Exception:  # a sample is a courtesy: a connector's bug must not break the page
        log.exception("listening preview: %s could not search", channel.connector)
        problem = _("%(network)s could not be searched just now.") % {
            "network": channel.network_label
        }
        return LiveSample(channel, queries, problem=problem)
    kept = [
        p
        for p in found
        if matcher.match(p.text, network=channel.network) and _tagged(search.languages, p)
    ]
    return LiveSample(channel, queries, read=len(found), posts=kept)


def _ask(channel: Channel, queries: tuple[str, ...]) -> list[PublicPost]:
    connector = connector_for(channel)
    posts: dict[str, PublicPost] = {}
    for query in queries:
        for post in connector.search_posts(query=query):
            # A hostile server's `javascript:` link never reaches the page.
            posts.setdefault(post.remote_id, replace(post, url=web_address(post.url)))
    return sorted(posts.values(), key=lambda p: p.created_at, reverse=True)


def _bounded(call: Callable[[], list[PublicPost]], *, inline: bool) -> list[PublicPost]:
    """`call`'s answer, or TimeoutError after LIVE_SECONDS: a slow network must not hold
    the page (its thread finishes on its own, unread). The demo network answers from the
    database, with nothing to wait for: it runs here, in the request's transaction."""
    if inline:
        return call()

    def run() -> list[PublicPost]:
        try:
            return call()
        finally:
            connections.close_all()  # this thread's own, if the connector used one

    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(run).result(timeout=LIVE_SECONDS)
    finally:
        pool.shutdown(wait=False)


def _refusal(channel: Channel, error: ConnectorError) -> str:
    network = channel.network_label
    if isinstance(error, AuthExpired):
        return _("%(channel)s needs reconnecting before it can search.") % {"channel": channel}
    if isinstance(error, RateLimited):
        return _("%(network)s asks Palabre to wait before searching again.") % {"network": network}
    return _("%(network)s did not search: %(reason)s") % {
        "network": network,
        "reason": error.reason or _("no reason given"),
    }


def _tagged(languages: list[str], post: PublicPost) -> bool:
    """Languages as the author or the network tagged the post (the model reads them once
    stored); a post tagged with none may be in any."""
    tags = {lang.split("-")[0].lower() for lang in post.langs}
    return not languages or not tags or bool(tags & set(languages))


def x_requests_estimate(queries: dict[str, set[str]]) -> int:
    """Requests a day the searches would take on X (`x_queries`), each term sent on its
    own POLLS_PER_DAY times (X charges per request)."""
    return len(set().union(*queries.values())) * POLLS_PER_DAY


def x_searches_over_budget(queries: dict[str, set[str]], budget: int) -> list[tuple[str, int]]:
    """(name, requests) of the searches X never reads (`x_queries`): one read of each sends
    all its terms at once, and they are more than the day's budget (a budget of 0 reads
    none, on purpose)."""
    if budget <= 0:
        return []
    return [(name, len(asks)) for name, asks in queries.items() if len(asks) > budget]


def x_queries(*, workspace: Workspace) -> dict[str, set[str]]:
    """The queries each search sends X, by search name."""
    found: dict[str, set[str]] = {}
    for search in Search.objects.filter(workspace=workspace).order_by("name"):
        if search.networks and "x" not in search.networks:
            continue
        try:
            found[search.name] = {t.query for t in terms_read(search.terms, required=True)}
        except DefinitionError:
            continue  # saved before a rule changed: the stream and the polls skip it too
    return found


def search_delete(*, search: Search) -> None:
    """The search goes; what it heard stays until the retention period ends (other searches
    may have heard it too)."""
    search.delete()
    search_polls_arrange(workspace=search.workspace)


# --- Acting on what was heard ----------------------------------------------------------------


def heard_seen(*, heard: Heard, seen: bool) -> None:
    heard.seen_at = (heard.seen_at or timezone.now()) if seen else None
    heard.save(update_fields=["seen_at"])


TAGS_MOST = 10
TAG_LONGEST = 40


def tags_read(typed: str) -> list[str]:
    """Tags as typed, separated by commas: trimmed, repeats dropped, ListeningRefused when
    there are too many or one is too long."""
    tags = list(dict.fromkeys(t.strip() for t in typed.split(",") if t.strip()))
    if len(tags) > TAGS_MOST:
        raise ListeningRefused(_("At most %(most)d tags.") % {"most": TAGS_MOST})
    if any(len(t) > TAG_LONGEST for t in tags):
        raise ListeningRefused(_("A tag has at most %(most)d characters.") % {"most": TAG_LONGEST})
    return tags


def heard_tag(*, heard: Heard, tags: list[str]) -> None:
    heard.tags = tags
    heard.save(update_fields=["tags"])


SENT_TO_YOU = gettext_noop(
    "%(who)s sends you a post heard by listening, from %(author)s: “%(text)s”"
)


def heard_send(*, heard: Heard, actor: User, assignee: User | None) -> None:
    """Give the post to a teammate, told in the app (nobody: it is nobody's again)."""
    heard.assigned_to = assignee
    heard.save(update_fields=["assigned_to"])
    if assignee is None or assignee.pk == actor.pk:
        return
    notice_send(
        workspace=heard.workspace,
        user=assignee,
        message=SENT_TO_YOU,
        params={
            "who": str(actor),
            "author": "@" + heard.author_handle.lstrip("@"),
            "text": excerpt(heard.text, 200),
        },
        url=reverse("listening_heard", args=[heard.workspace.slug, heard.pk]),
        email=False,
    )


def reply_channels(heard: Heard) -> list[Channel]:
    """The workspace's connected channels an answer to this post can go through."""
    rows = Channel.objects.filter(
        workspace_id=heard.workspace_id, network=heard.network, status=ChannelStatus.ACTIVE
    )
    # A Mastodon status id means something only on its instance: answered from there.
    return [c for c in rows if _answers_here(c) and heard_source(c) == heard.source]


def heard_reply(*, heard: Heard, actor: User, channel: Channel, text: str, once: str = "") -> Reply:
    """Answer the post through `channel`: the inbox carries it (a "listened" interaction
    holds it, out of the inbox's queues; the worker sends it exactly once). InboxRefused
    says why not."""
    from palabre.inbox.services import InboxRefused

    if channel.pk not in {c.pk for c in reply_channels(heard)}:
        raise InboxRefused(_("Answer through a connected channel of the network the post is on."))
    with transaction.atomic():
        interaction = _listened(heard, channel)
        if heard.interaction_id != interaction.pk:
            heard.interaction = interaction
            heard.save(update_fields=["interaction"])
        return interaction_reply(interaction=interaction, actor=actor, text=text, once=once)


def _listened(heard: Heard, channel: Channel) -> Interaction:
    """The interaction an answer to `heard` hangs on: the inbox's own when the post reached
    it too (a mention), else a new one, done at once, with no author (the author stays out
    of the people pages unless made a contact)."""
    found = Interaction.objects.filter(channel=channel, remote_id=heard.remote_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Interaction.objects.create(
                workspace_id=heard.workspace_id,
                channel=channel,
                remote_id=heard.remote_id,
                kind=LISTENED,
                identity=None,
                text=heard.text,
                created_at=heard.posted_at,
                lang=heard.lang,
                done_at=timezone.now(),
            )
    except IntegrityError:  # another answer opened it a moment before
        return Interaction.objects.get(channel=channel, remote_id=heard.remote_id)


def heard_replies(heard: Heard) -> list[Reply]:
    if heard.interaction_id is None:
        return []
    return list(Reply.objects.filter(interaction_id=heard.interaction_id).select_related("author"))


def heard_idea(*, heard: Heard, actor: User) -> Post:
    """A draft for the composer whose idea quotes the post and links to it."""
    idea = _("Heard on %(network)s, from %(author)s:\n“%(text)s”\n%(url)s") % {
        "network": NETWORKS[heard.network].label if heard.network in NETWORKS else heard.network,
        "author": "@" + heard.author_handle.lstrip("@"),
        "text": heard.text,
        "url": heard.url,
    }
    return post_create(
        workspace=heard.workspace,
        author=actor,
        idea=idea.strip(),
        category=Category.CONVERSATION,
        networks=[],
    )


def heard_author_contact(heard: Heard) -> Contact | None:
    identity = (
        Identity.objects.filter(
            workspace_id=heard.workspace_id, network=heard.network, remote_id=heard.author_id
        )
        .select_related("contact")
        .first()
    )
    return identity.contact if identity else None


def heard_contact(*, heard: Heard) -> tuple[Contact, bool]:
    """The author as a contact (their account as an identity); False when they were one."""
    known = heard_author_contact(heard)
    if known is not None:
        return known, False
    handle = heard.author_handle[:300]
    try:
        with transaction.atomic():
            contact = Contact.objects.create(workspace_id=heard.workspace_id, name=handle[:200])
            Identity.objects.create(
                workspace_id=heard.workspace_id,
                contact=contact,
                network=heard.network,
                remote_id=heard.author_id,
                handle=handle,
            )
    except IntegrityError:  # made a contact a moment before, by someone else
        found = heard_author_contact(heard)
        assert found is not None
        return found, False
    return contact, True


def author_heard_count(*, workspace: Workspace, handle: str) -> int:
    """How many posts an erasure request for `handle` would delete (services.author_erase)."""
    return author_posts(workspace=workspace, handle=handle).count()
