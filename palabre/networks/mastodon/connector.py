"""Mastodon, and any server speaking its API (Takahē, Pleroma, GoToSocial…), through
Mastodon.py.

No hide capability: Mastodon lets an account delete its own posts but not hide other
people's replies, so Palabre declares it absent and offers what the server allows instead:
muting or blocking the author for the brand's account, and reporting to the instance's
moderators. What differs from one server to another (docs/networks.md) is read from the
server at connect time and daily (server.py): its limits, and whether it honours
Idempotency-Key (`idempotent`).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext
from mastodon import Mastodon

from palabre.lib import outbound
from palabre.networks.base import (
    AccountMetrics,
    AuthExpired,
    Capability,
    Connector,
    ConnectorError,
    IncomingInteraction,
    InteractionKind,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublicPost,
    PublishedPost,
    RecentPost,
    Rejected,
    Unavailable,
    Visibility,
    narrowest,
)
from palabre.networks.mastodon import audience, parse, server
from palabre.networks.mastodon.errors import RememberingSession, server_now, translated

SCOPES = ["read", "write"]
TIMEOUT = 20
API_VERSION = "4.3.0"
MEDIA_POLLS = 30
MEDIA_POLL_SECONDS = 2
PAGE = 40  # the most Takahē and Pleroma give in one page (Mastodon: 80 for notifications)
NOTIFICATION_PAGES = 5  # per poll, when the inbox is behind
# A server numbers a notification when it writes it and shows it once that write commits:
# under load a later number can show first (Mastodon's web client meets them out of order),
# and a cursor past it would skip the earlier one for good. Each poll reads the last two
# minutes again (by the notifications' own times); ingestion keeps each one once.
REREAD = timedelta(minutes=2)
RECENT_PAGES = 20  # how far back recent_posts reads each list, at most
TAG_PAGES = 3  # how far back a search reads a hashtag timeline, at most
# "quote": Mastodon 4.5 and later; servers that do not know it leave it out.
NOTIFIED = ["mention", "quote", "favourite", "reblog", "follow"]
REPORT_LIMIT = 1000  # Mastodon's longest report comment


def client(
    instance: str,
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> Mastodon:
    api = Mastodon(
        api_base_url=instance,
        ratelimit_method="throw",
        # The API this connector is written for, declared rather than probed: the probe
        # asks for /api/v1/instance/ (a 404 on Takahē), and with no version Mastodon.py
        # recurses until RecursionError. instance(), instance_v2() and conversations() are
        # never called, for the same trailing slash.
        mastodon_version=API_VERSION,
        version_check_mode="created",
        request_timeout=TIMEOUT,
        # The instance's address was typed by a person: every request is guarded.
        session=guarded_session(),
    )
    # Given to the constructor, a client id or a token that names a file is read from that
    # file (Mastodon.py keeps its credentials in files so): an instance answering
    # "/proc/self/environ" as its token had the process's secrets sent to it with every
    # request. They are the instance's words, set as they are.
    api.client_id, api.client_secret, api.access_token = client_id, client_secret, access_token
    return api


def guarded_session() -> RememberingSession:
    return outbound.guard_session(RememberingSession())


class MastodonConnector(Connector):
    key = "mastodon"
    label = "Mastodon"
    capabilities = (
        Capability.PUBLISH
        | Capability.PUBLISH_MEDIA
        | Capability.REPLY
        | Capability.FETCH_COMMENTS
        | Capability.FETCH_MENTIONS
        | Capability.FETCH_MESSAGES
        | Capability.POST_METRICS
        | Capability.ACCOUNT_METRICS
        | Capability.DELETE
        | Capability.RECENT_POSTS
        | Capability.MUTE_AUTHOR
        | Capability.BLOCK_AUTHOR
        | Capability.REPORT
        | Capability.SEARCH_POSTS
    )

    visibilities = tuple(Visibility)

    _api: Mastodon | None = None
    _me: str | None = None

    # "Idempotency keys are stored for up to 1 hour" (Mastodon's API, POST /api/v1/statuses).
    idempotency_lasts = timedelta(hours=1)

    @property
    def idempotent(self) -> bool:
        """Only a server known to be Mastodon honours Idempotency-Key (Takahē ignores it)."""
        return server.honours_idempotency(self.channel.server)

    def api(self) -> Mastodon:
        if self._api is None:
            credentials = self.channel.credentials
            if not credentials.get("instance") or not credentials.get("access_token"):
                # Disconnected (its credentials forgotten): a person must connect it again.
                raise AuthExpired(gettext("this channel is not connected"))
            self._api = client(credentials["instance"], access_token=credentials["access_token"])
        return self._api

    def me(self) -> str:
        """The account's own id."""
        if self._me is None:
            api = self.api()
            with translated(api):
                self._me = str(api.account_verify_credentials()["id"])
        return self._me

    def local_domains(self) -> set[str]:
        """How this instance names its own accounts' domain (its acct suffix)."""
        domains = {
            urlsplit(self.channel.credentials.get("instance", "")).netloc,
            str(self.channel.server.get("domain") or ""),
        }
        return {d.lower() for d in domains if d}

    def publish(self, post: OutgoingPost) -> PublishedPost:
        api = self.api()
        with translated(api):
            status = api.status_post(
                post.text,
                in_reply_to_id=post.reply_to,
                media_ids=[m.remote_id for m in post.media] or None,
                spoiler_text=post.content_warning or None,
                visibility=audience.TO_MASTODON[post.visibility] if post.visibility else None,
                # Sent to every server; only those that honour it make a retry safe.
                idempotency_key=post.idempotency_key,
                language=post.languages[0] if post.languages else None,
            )
        return PublishedPost(
            remote_id=str(status["id"]), url=status.get("url") or status.get("uri") or ""
        )

    def upload_media(self, upload: MediaUpload) -> Media:
        api = self.api()
        with translated(api):
            media = api.media_post(
                io.BytesIO(upload.data),
                mime_type=upload.content_type,
                description=upload.alt_text or None,
            )
            # 202: the instance is still processing (videos); a status can attach it once it has a URL.
            for _ in range(MEDIA_POLLS):
                if media.get("url"):
                    break
                time.sleep(MEDIA_POLL_SECONDS)
                media = api.media(media["id"])
            else:
                raise Unavailable("the instance is still processing the media")
        return Media(remote_id=str(media["id"]), alt_text=upload.alt_text)

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        """Read what is answered first: its audience bounds the answer's, and its author
        (and, for a private message, the others it addressed) must be mentioned."""
        api = self.api()
        with translated(api):
            answered = api.status(to_remote_id)
        domains, me = self.local_domains(), self.me()
        people = audience.to_answer(answered, me=me, local_domains=domains)
        reaches = narrowest(audience.visibility(answered.get("visibility")), visibility)
        if reaches is Visibility.DIRECT and not audience.reaches_author(
            answered, me=me, local_domains=domains
        ):
            raise Rejected(
                gettext(
                    "the author's name, as their server gives it, cannot be mentioned: a "
                    "private answer would not reach them"
                )
            )
        return self.publish(
            OutgoingPost(
                text=audience.with_mentions(text, people, domains),
                idempotency_key=idempotency_key,
                reply_to=to_remote_id,
                visibility=reaches,
            )
        )

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        """Notifications after the cursor, oldest first (min_id: none is skipped when more
        came than one page holds), those of the last REREAD again. Private messages come as
        mentions whose status is direct: Takahē's /api/v1/conversations is always empty."""
        api = self.api()
        notes: list[Any] = []
        read_at: datetime | None = None  # the server's time at the first page: the earliest
        with translated(api):
            after = cursor
            for _ in range(NOTIFICATION_PAGES if cursor else 1):
                page = api.notifications(min_id=after, limit=PAGE, types=NOTIFIED)
                read_at = read_at or server_now(api)
                notes += page
                newest = parse.note_id(max(page, key=parse.sort_key, default=None))
                if len(page) < PAGE or not newest:
                    break
                after = newest
        notes.sort(key=parse.sort_key)
        next_cursor = _settled(notes, cursor, read_at or server_now(api))
        items = [i for i in map(parse.notification, notes) if i is not None]
        return InteractionPage(
            items=tuple(self._in_conversation(api, i) for i in items), next_cursor=next_cursor
        )

    def in_conversation(self, item: IncomingInteraction) -> IncomingInteraction:
        """`item` with its conversation's root, as a poll gives it (the streaming API's)."""
        return self._in_conversation(self.api(), item)

    def _in_conversation(self, api: Mastodon, item: IncomingInteraction) -> IncomingInteraction:
        """A private message answering another: its root is the conversation's first one."""
        if item.kind is not InteractionKind.MESSAGE or not item.in_reply_to:
            return item
        try:
            with translated(api):
                ancestors = api.status_context(item.remote_id).get("ancestors") or []
        except ConnectorError:  # a thread unread is a thread by its parent only
            return item
        first = parse.note_id(ancestors[0]) if ancestors else ""
        return replace(item, root=first) if first else item

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        api = self.api()
        result = {}
        with translated(api):
            for remote_id in remote_ids:
                status = api.status(remote_id)
                result[remote_id] = PostMetrics(
                    likes=status["favourites_count"],
                    reposts=status["reblogs_count"],
                    replies=status["replies_count"],
                    quotes=_count(status.get("quotes_count")),  # 4.5 and later
                )
        return result

    def account_metrics(self) -> AccountMetrics:
        api = self.api()
        with translated(api):
            me = api.account_verify_credentials()
        return AccountMetrics(followers=me["followers_count"], following=me["following_count"])

    def delete(self, *, remote_id: str) -> None:
        api = self.api()
        with translated(api):
            api.status_delete(remote_id)

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        """The account's statuses since `since`: its home timeline merged with its own list,
        since neither has them all everywhere (Takahē's own list omits followers-only and
        direct posts; Mastodon's home timeline omits the account's direct ones)."""
        api, me = self.api(), self.me()
        with translated(api):
            if in_reply_to:
                found = api.status_context(in_reply_to).get("descendants") or []
                found = [s for s in found if str(s.get("in_reply_to_id")) == in_reply_to]
            else:
                found = self._back_to(api.timeline_home, since)
                found += self._back_to(lambda **page: api.account_statuses(me, **page), since)
        own = {
            str(s["id"]): s
            for s in found
            if str((s.get("account") or {}).get("id")) == me and not s.get("reblog")
        }
        posts = [p for p in map(parse.recent_post, own.values()) if p and p.created_at >= since]
        return sorted(posts, key=lambda p: p.created_at)

    @staticmethod
    def _back_to(read: Callable[..., list[Any]], since: datetime) -> list[Any]:
        """Pages of a timeline, newest first, until one reaches back to `since`. A list
        that does not reach it is not all there: a post missing from it may exist, and
        taking it as never sent would post it twice, so a person decides instead."""
        found: list[Any] = []
        max_id = None
        for _ in range(RECENT_PAGES):
            page = read(max_id=max_id, limit=PAGE)
            found += page
            if not page or min(parse.moment(s.get("created_at")) for s in page) < since:
                return found
            max_id = page[-1]["id"]  # newest first: the oldest is last
        raise Rejected(f"more than {RECENT_PAGES * PAGE} posts since then: cannot read back")

    def search_posts(self, *, query: str, since: datetime | None = None) -> list[PublicPost]:
        """Public statuses this instance knows, newest first. A hashtag reads its hashtag
        timeline (GET /api/v1/timelines/tag/:hashtag) back to `since`, at most TAG_PAGES
        pages. A word uses full-text search (/api/v2/search, statuses, without resolving),
        one page, where the server allows it: Mastodon finds only the posts the account
        interacted with and those whose authors opted in (4.2 and later, with a search
        engine); Takahē searches by address only. There, a word finds nothing: an empty
        list, not an error."""
        api = self.api()
        with translated(api, missing="searching posts"):
            if query.startswith("#"):
                statuses = self._tagged(api, query[1:], since)
            else:
                found = api.search_v2(query, resolve=False, result_type="statuses", limit=PAGE)
                statuses = list(found.get("statuses") or [])
        domain = (
            str(self.channel.server.get("domain") or "")
            or urlsplit(self.channel.credentials.get("instance", "")).netloc
        )
        posts = {
            p.remote_id: p
            for p in (parse.public_post(s, domain=domain) for s in statuses)
            if p is not None and (since is None or p.created_at >= since)
        }
        return sorted(posts.values(), key=lambda p: p.created_at, reverse=True)

    @staticmethod
    def _tagged(api: Mastodon, tag: str, since: datetime | None) -> list[Any]:
        found: list[Any] = []
        max_id = None
        for _ in range(TAG_PAGES):
            page = api.timeline_hashtag(tag, max_id=max_id, limit=PAGE)
            found += page
            if len(page) < PAGE or since is None:
                break
            if min(parse.moment(s.get("created_at")) for s in page) < since:
                break  # newest first: the rest is older still
            max_id = page[-1]["id"]
        return found

    def mute_author(self, *, author_id: str) -> None:
        api = self.api()
        with translated(api, missing="muting accounts"):
            # Their posts leave the account's timelines, but not their notifications: the
            # inbox is read from those, and a muted person's next complaint must reach it.
            api.account_mute(author_id, notifications=False)

    def unmute_author(self, *, author_id: str) -> None:
        api = self.api()
        with translated(api, missing="muting accounts"):
            api.account_unmute(author_id)

    def block_author(self, *, author_id: str) -> None:
        api = self.api()
        with translated(api, missing="blocking accounts"):
            api.account_block(author_id)

    def unblock_author(self, *, author_id: str) -> None:
        api = self.api()
        with translated(api, missing="blocking accounts"):
            api.account_unblock(author_id)

    def report(self, *, remote_id: str, author_id: str, reason: str) -> None:
        """To the moderators of the brand's own instance, and forwarded to those of the
        author's instance when it is another one: they are the ones who can act on it."""
        # A like or a follow has an id of Palabre's making ("favourite:12"), not a status.
        statuses = [remote_id] if remote_id and ":" not in remote_id else None
        api = self.api()
        with translated(api, missing="reports to its moderators"):
            api.report(author_id, status_ids=statuses, comment=reason[:REPORT_LIMIT], forward=True)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _settled(notes: list[Any], cursor: str | None, now: datetime) -> str | None:
    """Where the next poll starts (`notes` in id order): after the last of those older than
    REREAD (by the server's clock, `now`) that come before any younger one, so the younger
    are read again; an undated one counts as old, or it would hold the cursor for good. With
    none, where this poll started (on a first poll, just before its oldest: it read the
    newest page)."""
    recent = now - REREAD
    settled = ""
    for note in notes:
        made = parse.created_at(note)
        if made is not None and made > recent:
            break
        settled = parse.note_id(note) or settled
    if settled:
        return settled
    oldest = next(filter(None, map(parse.note_id, notes)), "")
    return cursor if cursor or not oldest else _just_before(oldest)


def _just_before(remote_id: str) -> str:
    """The cursor that reads `remote_id` again. A ULID or an Akkoma id has no "one less" a
    server would take: the cursor is the id itself, and that notification, read by this
    poll, is not read again."""
    number = remote_id.isdigit() and not remote_id.startswith("0")  # "09" - 1 sorts after
    return str(int(remote_id) - 1) if number else remote_id
