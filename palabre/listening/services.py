"""Listening's writes: saving searches, keeping what they heard, forgetting it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel, ChannelStatus
from palabre.inbox.models import LISTENED, Interaction
from palabre.lib.concurrency import version_advance
from palabre.lib.storable import storable
from palabre.listening.definitions import terms_read
from palabre.listening.matcher import Matcher, Query
from palabre.listening.models import Heard, ListeningSettings, Search
from palabre.networks.base import PublicPost

if TYPE_CHECKING:  # the classifier is loaded by workers and streams, never by a web process
    from palabre.inbox.ml.classifier import Prediction

REMOTE_ID_MOST = 500  # Heard.remote_id
CANONICAL_MOST = 500  # Heard.canonical
REACH_MOST = 2**31 - 1  # Heard.reach: a server may claim any number of followers
TEXT_KEPT = 3000  # characters of a heard post (Bluesky's 300 graphemes, Mastodon's 500…)


class ListeningRefused(Exception):
    """A write the person cannot make, with the reason in their language."""


def listening_settings(workspace: Workspace) -> ListeningSettings:
    found, _created = ListeningSettings.objects.get_or_create(
        workspace=workspace, defaults={"next_attempt_at": timezone.now()}
    )
    return found


def search_save(*, search: Search, seen: int | None) -> Search:
    """Create (within PALABRE_LISTENING_MAX_SEARCHES), or update from version `seen`
    (StaleVersion if someone saved since). The definition is read again here: a search
    that cannot be matched is never stored."""
    terms_read(search.terms, required=True)
    terms_read(search.exclusions, required=False)
    with transaction.atomic():
        if search.pk is None:
            # Two creations at once are counted one after the other (PostgreSQL; SQLite
            # writes one transaction at a time anyway).
            Workspace.objects.select_for_update().filter(pk=search.workspace_id).first()
            most = settings.PALABRE_LISTENING_MAX_SEARCHES
            if Search.objects.filter(workspace=search.workspace).count() >= most:
                raise ListeningRefused(
                    _(
                        "This workspace has %(most)d searches, the most it can have: delete one first."
                    )
                    % {"most": most}
                )
        else:
            search.version = version_advance(search, seen=seen)
        try:
            with transaction.atomic():
                search.save()
        except IntegrityError as clash:
            raise ListeningRefused(
                _("Another search is already called that, or is already the brand’s.")
            ) from clash
    listening_settings(search.workspace)
    from palabre.listening.polling import search_polls_arrange  # it imports this module

    search_polls_arrange(workspace=search.workspace)
    return search


def query_for(search: Search) -> Query:
    return Query(
        search_id=search.pk,
        terms=terms_read(search.terms, required=True),
        exclusions=terms_read(search.exclusions, required=False),
        networks=frozenset(search.networks),
    )


def matcher_build(searches: Iterable[Search]) -> Matcher:
    return Matcher(query_for(s) for s in searches)


@dataclass(frozen=True)
class Found:
    post: PublicPost
    search_ids: tuple[int, ...]


def heard_store(
    *, workspace: Workspace, network: str, found: list[Found], via: str, source: str = ""
) -> list[Heard]:
    """Keep what the searches found (once per post: a post heard again only gains the
    searches it had not matched yet), read by the moderation model, within each search's
    languages. `source`: the server the ids are from, where they are a server's own
    (`heard_source`). Returns the posts heard for the first time. Classifies outside any
    transaction (slow); call it from a worker or the stream, never from a request."""
    from palabre.inbox.moderation import texts_classify

    found = [replace(f, post=_storable(f.post)) for f in found]
    known_ids, known_keys = _known(workspace, (network, source), found)
    oldest = retention_start(workspace)
    own = _own_handles(workspace)  # the brand's own posts are not what people say of it
    fresh = [
        f
        for f in found
        if f.post.remote_id not in known_ids
        and _key(f.post) not in known_keys
        and f.post.created_at >= oldest
        and _handle_key(f.post.author.handle) not in own
        and 0 < len(f.post.remote_id) <= REMOTE_ID_MOST  # a server's odd id: not answerable
    ]
    readings = texts_classify(workspace=workspace, texts=[f.post.text for f in fresh])
    languages = dict(Search.objects.filter(workspace=workspace).values_list("pk", "languages"))
    stored = []
    for item, reading in zip(fresh, readings, strict=True):
        search_ids = [s for s in item.search_ids if _speaks(languages.get(s), reading.lang)]
        if search_ids:
            heard = _keep(workspace, (network, source), item.post, reading, via)
            if heard is not None:
                heard.searches.add(*search_ids)
                stored.append(heard)
            else:  # kept meanwhile by another process, maybe as another server's copy
                _also_matches(workspace, (network, source), item)
    for item in found:
        if item.post.remote_id in known_ids or _key(item.post) in known_keys:
            _also_matches(workspace, (network, source), item)
    return stored


def _storable(post: PublicPost) -> PublicPost:
    """A server's post as it can be stored and looked up (lib/storable.py): one post with a
    NUL in it failed the whole batch on PostgreSQL, and the search stalled on it."""
    author = post.author
    return replace(
        post,
        remote_id=storable(post.remote_id),
        url=storable(post.url),
        text=storable(post.text),
        canonical=storable(post.canonical),
        author=replace(
            author,
            remote_id=storable(author.remote_id),
            handle=storable(author.handle),
            display_name=storable(author.display_name),
        ),
    )


def _key(post: PublicPost) -> str:
    """The post's address everywhere, or "" (one that would not fit is not one)."""
    return post.canonical if len(post.canonical) <= CANONICAL_MOST else ""


def _known(workspace: Workspace, place: Place, found: list[Found]) -> tuple[set[str], set[str]]:
    """What of `found` is kept already: the ids heard on this source, and the addresses
    heard anywhere (a Mastodon status heard first through another instance)."""
    ids = [f.post.remote_id for f in found]
    keys = [k for k in (_key(f.post) for f in found) if k]
    here = Q(source=place[1], remote_id__in=ids)
    rows = Heard.objects.filter(here | Q(canonical__in=keys), workspace=workspace, network=place[0])
    known_ids, known_keys = set(), set()
    for remote_id, canonical, source in rows.values_list("remote_id", "canonical", "source"):
        if source == place[1]:
            known_ids.add(remote_id)
        if canonical:
            known_keys.add(canonical)
    return known_ids, known_keys


def _handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def _own_handles(workspace: Workspace) -> set[str]:
    handles = Channel.objects.filter(workspace=workspace).values_list("handle", flat=True)
    return {_handle_key(h) for h in handles if h}


def _speaks(languages: list[str] | None, lang: str) -> bool:
    if languages is None:
        return False  # the search was deleted meanwhile
    return not languages or lang in languages


def listening_channels(*, connector: str) -> list[Channel]:
    """The active channels on `connector` of the workspaces that have searches (the stream
    process's: authors looked up, hashtag streams subscribed through them)."""
    return list(
        Channel.objects.filter(
            connector=connector, status=ChannelStatus.ACTIVE, workspace__searches__isnull=False
        )
        .distinct()
        .order_by("pk")
    )


def heard_source(channel: Channel) -> str:
    """Where a channel's ids come from: its Mastodon instance's host (a status id or an
    account id means something only there), "" on networks whose ids are global."""
    instance = (
        str(channel.credentials.get("instance") or "") if channel.network == "mastodon" else ""
    )
    return (urlsplit(instance).hostname or "").lower()


def web_address(url: str) -> str:
    """A link a network gave, if it is a web address: a hostile server's `javascript:` is
    never put in a page's href."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # "https://[::1": a server's broken address is no link
        return ""
    return url[:500] if scheme in ("http", "https") else ""


Place = tuple[str, str]  # network, source


def _keep(
    workspace: Workspace, place: Place, post: PublicPost, reading: Prediction, via: str
) -> Heard | None:
    try:
        with transaction.atomic():
            return Heard.objects.create(
                workspace=workspace,
                network=place[0],
                source=place[1],
                remote_id=post.remote_id,
                canonical=_key(post),
                url=web_address(post.url),
                author_id=post.author.remote_id[:300],
                author_handle=post.author.handle[:300],
                text=post.text[:TEXT_KEPT],
                # A date in the future (a server's clock, a forged post) would stay at the top
                # of the page and out of the retention's reach.
                posted_at=min(post.created_at, timezone.now()),
                via=via,
                reach=None if post.reach is None else min(max(post.reach, 0), REACH_MOST),
                lang=reading.lang,
                kind=reading.kind,
                model_version=reading.model_version[:100],
            )
    except IntegrityError:
        return None  # the stream and a search stored it at once: kept by the other


def _also_matches(workspace: Workspace, place: Place, item: Found) -> None:
    here = Q(source=place[1], remote_id=item.post.remote_id)
    key = _key(item.post)
    heard = (
        Heard.objects.filter(here | Q(canonical=key) if key else here)
        .filter(workspace=workspace, network=place[0])
        .first()
    )
    if heard is None:
        return
    languages = dict(Search.objects.filter(workspace=workspace).values_list("pk", "languages"))
    wanted = [s for s in item.search_ids if _speaks(languages.get(s), heard.lang)]
    if wanted:
        heard.searches.add(*wanted)


def heard_purge(*, workspace: Workspace, now: datetime | None = None) -> int:
    """Delete the posts older than the workspace keeps them (by when they were posted); how
    many."""
    old = Heard.objects.filter(workspace=workspace, posted_at__lt=retention_start(workspace, now))
    return _posts_deleted(old)


def retention_start(workspace: Workspace, now: datetime | None = None) -> datetime:
    """The oldest a heard post may be: older ones are neither stored nor kept."""
    days = listening_settings(workspace).retention_days
    return (now or timezone.now()) - timedelta(days=days)


def heard_erase_accounts(*, workspace: Workspace, accounts: list[tuple[str, str, str]]) -> int:
    """Delete the posts heard from these (network, author id, handle) accounts (a contact
    erased). Where ids are a server's own (Mastodon), by handle: another server's account
    may have the same id."""
    deleted = 0
    for network, author_id, handle in accounts:
        posts = Heard.objects.filter(workspace=workspace, network=network)
        by_id = posts.filter(source="", author_id=author_id)
        by_handle = posts.exclude(source="").filter(author_handle__iexact=_handle_key(handle))
        deleted += _posts_deleted(by_id) + (_posts_deleted(by_handle) if handle else 0)
    return deleted


def _posts_deleted(posts: QuerySet[Heard]) -> int:
    """Delete the posts, and the words of the answers' carriers they had (the "listened"
    interactions: a copy of the post's text); how many posts (delete() counts the links
    to their searches too)."""
    from palabre.inbox.contacts import interactions_anonymise
    from palabre.publishing.models import Notice

    carriers = posts.exclude(interaction=None).values_list("interaction_id", flat=True)
    interactions_anonymise(Interaction.objects.filter(pk__in=list(carriers), kind=LISTENED))
    # The notices that sent a post to a teammate quote it, and name its author.
    links = [
        reverse("listening_heard", args=[slug, pk])
        for pk, slug in posts.values_list("pk", "workspace__slug")
    ]
    Notice.objects.filter(url__in=links).delete()
    return posts.delete()[1].get(Heard._meta.label, 0)


def handle_from(typed: str) -> str:
    """A handle as requests give it: "@claire.bsky.social", or a profile's link
    (https://bsky.app/profile/<handle>, https://<instance>/@<user>)."""
    text = typed.strip()
    try:
        parts = urlsplit(text) if "://" in text else None
        host = parts.hostname if parts else None
    except ValueError:  # "https://[::1": no link, the text as typed (it matches no one)
        return text
    if parts is None or not host:
        return text
    path = [part for part in parts.path.split("/") if part]
    if len(path) >= 2 and path[0] == "profile":
        return path[1]
    if path and path[0].startswith("@"):
        user = path[0][1:]
        return user if "@" in user else f"{user}@{host}"
    return text


def author_posts(*, workspace: Workspace, handle: str) -> QuerySet[Heard]:
    """Every post heard from the author an erasure request names (by handle, with or
    without its "@", case aside, or by profile link), also those heard under an older
    handle: by their account on its server. What the request would delete, and deletes."""
    wanted = _handle_key(handle_from(handle))
    named = Heard.objects.filter(workspace=workspace, author_handle__iexact=wanted)
    accounts = set(named.values_list("network", "source", "author_id")) if wanted else set()
    theirs = Q(pk__in=[])
    for network, source, author_id in accounts:
        theirs |= Q(network=network, source=source, author_id=author_id)
    return Heard.objects.filter(theirs, workspace=workspace)


def author_erase(*, workspace: Workspace, handle: str) -> int:
    """An author's erasure request, whether or not they are a contact (author_posts). How
    many posts were deleted."""
    if not _handle_key(handle_from(handle)):
        raise ListeningRefused(_("Give the handle of the person whose posts to erase."))
    return _posts_deleted(author_posts(workspace=workspace, handle=handle))
