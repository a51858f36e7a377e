"""Listening's writes: saving searches, keeping what they heard, forgetting it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.lib.concurrency import version_advance
from palabre.listening.definitions import terms_read
from palabre.listening.matcher import Matcher, Query
from palabre.listening.models import Heard, ListeningSettings, Search
from palabre.networks.base import PublicPost

if TYPE_CHECKING:  # the classifier is loaded by workers and streams, never by a web process
    from palabre.inbox.ml.classifier import Prediction

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


def heard_store(*, workspace: Workspace, network: str, found: list[Found], via: str) -> list[Heard]:
    """Keep what the searches found (once per post: a post heard again only gains the
    searches it had not matched yet), read by the moderation model, within each search's
    languages. Returns the posts heard for the first time. Classifies outside any
    transaction (slow); call it from a worker or the stream, never from a request."""
    from palabre.inbox.moderation import texts_classify

    known = set(
        Heard.objects.filter(
            workspace=workspace,
            network=network,
            remote_id__in=[f.post.remote_id for f in found],
        ).values_list("remote_id", flat=True)
    )
    oldest = retention_start(workspace)
    own = _own_handles(workspace)  # the brand's own posts are not what people say of it
    fresh = [
        f
        for f in found
        if f.post.remote_id not in known
        and f.post.created_at >= oldest
        and _handle_key(f.post.author.handle) not in own
    ]
    readings = texts_classify(workspace=workspace, texts=[f.post.text for f in fresh])
    languages = dict(Search.objects.filter(workspace=workspace).values_list("pk", "languages"))
    stored = []
    for item, reading in zip(fresh, readings, strict=True):
        search_ids = [s for s in item.search_ids if _speaks(languages.get(s), reading.lang)]
        if search_ids:
            heard = _keep(workspace, network, item.post, reading, via)
            if heard is not None:
                heard.searches.add(*search_ids)
                stored.append(heard)
    for item in found:
        if item.post.remote_id in known:
            _also_matches(workspace, network, item)
    return stored


def _handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def _own_handles(workspace: Workspace) -> set[str]:
    handles = Channel.objects.filter(workspace=workspace).values_list("handle", flat=True)
    return {_handle_key(h) for h in handles if h}


def _speaks(languages: list[str] | None, lang: str) -> bool:
    if languages is None:
        return False  # the search was deleted meanwhile
    return not languages or lang in languages


def _keep(
    workspace: Workspace, network: str, post: PublicPost, reading: Prediction, via: str
) -> Heard | None:
    try:
        with transaction.atomic():
            return Heard.objects.create(
                workspace=workspace,
                network=network,
                remote_id=post.remote_id,
                url=post.url[:500],
                author_id=post.author.remote_id[:300],
                author_handle=post.author.handle[:300],
                text=post.text[:TEXT_KEPT],
                posted_at=post.created_at,
                via=via,
                reach=post.reach,
                lang=reading.lang,
                kind=reading.kind,
                model_version=reading.model_version[:100],
            )
    except IntegrityError:
        return None  # the stream and a search stored it at once: kept by the other


def _also_matches(workspace: Workspace, network: str, item: Found) -> None:
    heard = Heard.objects.filter(
        workspace=workspace, network=network, remote_id=item.post.remote_id
    ).first()
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


def heard_erase_accounts(*, workspace: Workspace, accounts: list[tuple[str, str]]) -> int:
    """Delete the posts heard from these (network, author id) accounts (a contact erased)."""
    deleted = 0
    for network, author_id in accounts:
        found = Heard.objects.filter(workspace=workspace, network=network, author_id=author_id)
        deleted += _posts_deleted(found)
    return deleted


def _posts_deleted(posts: QuerySet[Heard]) -> int:
    """Delete; how many posts (delete() counts the links to their searches too)."""
    return posts.delete()[1].get(Heard._meta.label, 0)


def author_erase(*, workspace: Workspace, handle: str) -> int:
    """An author's erasure request: every post heard from them, whether or not they are a
    contact (by handle, with or without its "@", case aside). How many posts were deleted."""
    wanted = handle.strip().lstrip("@")
    if not wanted:
        raise ListeningRefused(_("Give the handle of the person whose posts to erase."))
    posts = Heard.objects.filter(workspace=workspace, author_handle__iexact=wanted)
    ids = set(posts.values_list("author_id", flat=True))
    return _posts_deleted(Heard.objects.filter(workspace=workspace, author_id__in=ids))
