"""Bluesky, through the maintained `atproto` SDK, on bsky.social or any PDS.

Idempotency: a post's record key is a TID derived from Palabre's idempotency key and the
post target's creation time (tid.py). A retry writes the same key: the record is found
and returned instead of a second post being created.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlparse

from atproto import Client, SessionEvent, models
from atproto_client.models.blob_ref import BlobRef
from atproto_client.request import Request
from django.utils.translation import gettext_noop

from palabre.lib import outbound
from palabre.networks.base import (
    AccountMetrics,
    AuthExpired,
    Author,
    Capability,
    Connector,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublicPost,
    PublishedPost,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.bluesky import identity, parse
from palabre.networks.bluesky.errors import call, is_refusal, translated
from palabre.networks.bluesky.tid import tid_for

__all__ = ["BlueskyConnector", "NotTheirAccount", "connect", "split_uri", "tid_for"]
from palabre.publishing.rules.facets import facets as detect_facets

POST = "app.bsky.feed.post"
THREADGATE = "app.bsky.feed.threadgate"
DEFAULT_SERVICE = "https://bsky.social"
LIST_NOTIFICATIONS = "app.bsky.notification.listNotifications"
SEARCH_POSTS = "app.bsky.feed.searchPosts"
MAX_PAGES = 10
SEARCH_PAGES = 4  # a search reads at most this many pages of the newest posts
SEARCH_PAGE = 100  # the most searchPosts gives in one page
TIMEOUT = 15  # seconds; an unanswered request becomes Unavailable and is retried


def split_uri(uri: str) -> tuple[str, str, str]:
    """at://did/collection/rkey → (did, collection, rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        raise Rejected(f"not a record address: {uri!r}")
    return parts[0], parts[1], parts[2]


def _request() -> Request:
    """Every request to the service goes through the outbound guard (lib/outbound.py):
    the address was typed by a person, and so is, later, the PDS its DID document names."""
    return Request(timeout=TIMEOUT, **outbound.httpx_options())


def connect(*, service: str, handle: str, app_password: str) -> dict[str, Any]:
    """Log in once to check the credentials; returns what the channel keeps (encrypted).

    AuthExpired when the service itself refused them; Unavailable, with the same neutral
    reason, for everything else (refused address, closed port, no answer, not an API), so
    that the answer tells nothing of what is at an address.
    """
    try:
        address = outbound.check_url(outbound.credentials_url_check(service))
        client = Client(base_url=address, request=_request())
        client.login(handle, app_password, fetch_bsky_profile=False)
        session = client.com.atproto.server.get_session()
    except Exception as error:  # noqa: BLE001 (whatever answered, or did not, reads the same)
        if is_refusal(error):
            raise AuthExpired(str(error)[:500]) from None
        raise Unavailable(outbound.UNREACHABLE) from None
    try:  # the DID it answered with is this account's, where the DID is kept
        identity.account_proven(did=session.did, access_jwt=_access_jwt(client))
    except Exception:  # noqa: BLE001 (NotTheirs, or an answer too odd to read: the same)
        raise NotTheirAccount(NOT_THEIRS) from None
    return {
        "service": service,
        "handle": session.handle,
        "did": session.did,
        "app_password": app_password,
        "session": client.export_session_string(),
    }


class NotTheirAccount(AuthExpired):
    """The service logged in an account whose DID document's server does not confirm it."""


NOT_THEIRS = gettext_noop(
    "this service answered for an account whose own server does not confirm it: connect "
    "through the account's own service (bsky.social for most accounts)"
)


def _access_jwt(client: Client) -> str:
    """The login's access token, from the SDK's session itself: its exported string joins
    the parts with ":::", which a token a server chose may hold."""
    session = getattr(client, "_session", None)  # no public accessor in atproto 0.0.x
    token = getattr(session, "access_jwt", None)
    if not isinstance(token, str) or not token:
        raise identity.NotTheirs("no session")
    return token


class BlueskyConnector(Connector):
    key = "bluesky"
    label = "Bluesky"
    capabilities = (
        Capability.PUBLISH
        | Capability.PUBLISH_MEDIA
        | Capability.REPLY
        | Capability.FETCH_COMMENTS
        | Capability.FETCH_MENTIONS
        | Capability.HIDE
        | Capability.POST_METRICS
        | Capability.ACCOUNT_METRICS
        | Capability.DELETE
        | Capability.SEARCH_POSTS
    )

    @property
    def idempotent(self) -> bool:
        return True  # the record key is derived from the idempotency key

    _client: Client | None = None

    @property
    def did(self) -> str:
        return str(self.channel.credentials["did"])

    def client(self) -> Client:
        if self._client is None:
            self._client = self._login()
        return self._client

    def _login(self) -> Client:
        credentials = self.channel.credentials
        try:
            # Connected before plain http was refused: its password is never sent so again.
            service = outbound.credentials_url_check(credentials["service"])
        except outbound.OutboundRefused:
            raise AuthExpired(
                gettext_noop("its service is not an https:// address: connect it again over HTTPS")
            ) from None
        client = Client(base_url=service, request=_request())

        def keep(event: SessionEvent, session: Any) -> None:
            if event == SessionEvent.IMPORT:
                return  # what we just read from the channel
            # The SDK created or refreshed the session: keep it, so the next run needs no
            # password (unless the channel was reconnected or forgotten meanwhile).
            self.channel.save_credentials_if_unchanged(
                self.channel.credentials | {"session": client.export_session_string()}
            )

        client.on_session_change(keep)
        if credentials.get("session"):
            try:
                with translated():
                    client.login(session_string=credentials["session"], fetch_bsky_profile=False)
                return client
            except Exception:  # noqa: BLE001,S110 (an old session: log in again with the password)
                pass
        with translated():
            client.login(
                credentials["handle"], credentials["app_password"], fetch_bsky_profile=False
            )
        self.channel.save_credentials_if_unchanged(
            credentials | {"session": client.export_session_string()}
        )
        return client

    def publish(self, post: OutgoingPost) -> PublishedPost:
        created = post.created_at or datetime.now(UTC)
        rkey = tid_for(post.idempotency_key, created)
        record = models.AppBskyFeedPost.Record(
            text=post.text,
            created_at=created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            facets=self._facets(post.text) or None,
            embed=self._embed(post),
            reply=self._reply_ref(post.reply_to) if post.reply_to else None,
            langs=list(post.languages) or None,
        )
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=self.did, collection=POST, rkey=rkey, record=record
        )
        try:
            created_record = call(lambda: self.client().com.atproto.repo.create_record(data))
        except (Rejected, Unavailable):
            # Sent before and the answer lost? Then the record exists and that is a success.
            # (The reference PDS answers 500, not 409, to a key that already exists.)
            existing = self._existing(rkey)
            if existing:
                return existing
            raise
        return PublishedPost(remote_id=created_record.uri, url=self._web_url(rkey))

    def _existing(self, rkey: str) -> PublishedPost | None:
        params = {"repo": self.did, "collection": POST, "rkey": rkey}
        try:
            found = call(lambda: self.client().com.atproto.repo.get_record(params=params))
        except Rejected:
            return None  # RecordNotFound
        return PublishedPost(remote_id=found.uri, url=self._web_url(rkey))

    def _web_url(self, rkey: str) -> str:
        return f"https://bsky.app/profile/{self.channel.credentials['handle']}/post/{rkey}"

    def _facets(self, text: str) -> list[models.AppBskyRichtextFacet.Main]:
        found = []
        for facet in detect_facets(text):
            index = models.AppBskyRichtextFacet.ByteSlice(
                byte_start=facet["byteStart"], byte_end=facet["byteEnd"]
            )
            if facet["type"] == "link":
                feature: Any = models.AppBskyRichtextFacet.Link(uri=facet["uri"])
            elif facet["type"] == "tag":
                feature = models.AppBskyRichtextFacet.Tag(tag=facet["tag"])
            else:
                did = self._resolve(facet["handle"])
                if did is None:
                    continue  # not an account: left as plain text, as the official app does
                feature = models.AppBskyRichtextFacet.Mention(did=did)
            found.append(models.AppBskyRichtextFacet.Main(index=index, features=[feature]))
        return found

    def _resolve(self, handle: str) -> str | None:
        try:
            return str(call(lambda: self.client().resolve_handle(handle)).did)
        except Rejected:
            return None

    def _embed(self, post: OutgoingPost) -> Any:
        if post.media:
            images = [
                models.AppBskyEmbedImages.Image(
                    alt=m.alt_text, image=BlobRef.model_validate(json.loads(m.remote_id))
                )
                for m in post.media
            ]
            return models.AppBskyEmbedImages.Main(images=images)
        links = [f["uri"] for f in detect_facets(post.text) if f["type"] == "link"]
        if links:
            # A card for the first link; its title is the site until pages are fetched.
            external = models.AppBskyEmbedExternal.External(
                uri=links[0], title=urlparse(links[0]).netloc, description=""
            )
            return models.AppBskyEmbedExternal.Main(external=external)
        return None

    def _reply_ref(self, parent_uri: str) -> models.AppBskyFeedPost.ReplyRef:
        repo, collection, rkey = split_uri(parent_uri)
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        parent = call(lambda: self.client().com.atproto.repo.get_record(params=params))
        parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
        reply = getattr(parent.value, "reply", None)
        root_ref = reply.root if reply else parent_ref
        return models.AppBskyFeedPost.ReplyRef(root=root_ref, parent=parent_ref)

    def upload_media(self, upload: MediaUpload) -> Media:
        blob = call(lambda: self.client().upload_blob(upload.data)).blob
        return Media(
            remote_id=json.dumps(blob.model_dump(by_alias=True, mode="json")),
            alt_text=upload.alt_text,
        )

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        return self.publish(
            OutgoingPost(
                text=text,
                idempotency_key=idempotency_key,
                reply_to=to_remote_id,
                created_at=created_at,
            )
        )

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        """Notifications newer than `cursor` (the last one's indexing time), oldest first."""
        fresh: list[dict[str, Any]] = []
        page_cursor = None
        for _ in range(MAX_PAGES):
            params = models.AppBskyNotificationListNotifications.Params(
                limit=50, cursor=page_cursor
            )
            answer = call(partial(self.client().invoke_query, LIST_NOTIFICATIONS, params=params))
            notifications, page_cursor = parse.page(answer.content)
            newer = [n for n in notifications if cursor is None or _indexed(n) > cursor]
            fresh += newer
            if len(newer) < len(notifications) or not page_cursor:
                break
        fresh.sort(key=_indexed)
        items = tuple(i for i in map(parse.notification, fresh) if i is not None)
        return InteractionPage(items=items, next_cursor=_indexed(fresh[-1]) if fresh else cursor)

    def search_posts(self, *, query: str, since: datetime | None = None) -> list[PublicPost]:
        """searchPosts, newest first, at most SEARCH_PAGES pages. A hashtag is sent both as
        the text and as the `tag` filter: the AppView of bsky.app filters by tag, the
        reference one (the local network) ignores `tag`, `since` and `sort` and matches the
        text as a case-sensitive substring. So `since` is applied here too."""
        tag = query[1:] if query.startswith("#") else ""
        found: dict[str, PublicPost] = {}
        cursor = None
        for _ in range(SEARCH_PAGES):
            params = models.AppBskyFeedSearchPosts.Params(
                q=query,
                sort="latest",
                limit=SEARCH_PAGE,
                cursor=cursor,
                since=_iso(since) if since else None,
                tag=[tag] if tag else None,
            )
            answer = call(partial(self.client().invoke_query, SEARCH_POSTS, params=params))
            posts, cursor = parse.searched(answer.content)
            recent = [p for p in posts if since is None or p.created_at >= since]
            found.update((p.remote_id, p) for p in recent)
            if len(recent) < len(posts) or not cursor:
                break  # newest first: what follows is older still
        return sorted(found.values(), key=lambda p: p.created_at, reverse=True)

    def hide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=True)

    def unhide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=False)

    def _set_hidden(self, reply_uri: str, *, hidden: bool) -> None:
        """Bluesky hides replies through the thread's threadgate (its key is the root's)."""
        repo, collection, rkey = split_uri(reply_uri)
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        reply = getattr(
            call(lambda: self.client().com.atproto.repo.get_record(params=params)).value,
            "reply",
            None,
        )
        if reply is None:
            raise Rejected("only replies can be hidden")
        root_did, _, root_key = split_uri(reply.root.uri)
        if root_did != self.did:
            raise Rejected("only replies to this account's posts can be hidden")
        gate = self._threadgate(root_key, reply.root.uri)
        hidden_replies = [u for u in (gate.get("hiddenReplies") or []) if u != reply_uri]
        if hidden:
            hidden_replies.append(reply_uri)
        gate["hiddenReplies"] = hidden_replies
        data = models.ComAtprotoRepoPutRecord.Data(
            repo=self.did, collection=THREADGATE, rkey=root_key, record=gate
        )
        call(lambda: self.client().com.atproto.repo.put_record(data))

    def _threadgate(self, rkey: str, post_uri: str) -> dict[str, Any]:
        params = {"repo": self.did, "collection": THREADGATE, "rkey": rkey}
        try:
            value = call(lambda: self.client().com.atproto.repo.get_record(params=params)).value
        except Rejected:
            return {
                "$type": THREADGATE,
                "post": post_uri,
                "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            }
        # Keep whatever the gate already says (who may reply), change only hiddenReplies.
        gate: dict[str, Any] = value.model_dump(by_alias=True, exclude_none=True, mode="json")
        gate["$type"] = THREADGATE
        gate.pop("py_type", None)
        return gate

    def delete(self, *, remote_id: str) -> None:
        _, collection, rkey = split_uri(remote_id)
        data = models.ComAtprotoRepoDeleteRecord.Data(
            repo=self.did, collection=collection, rkey=rkey
        )
        call(lambda: self.client().com.atproto.repo.delete_record(data))

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        result: dict[str, PostMetrics] = {}
        for start in range(0, len(remote_ids), 25):
            uris = remote_ids[start : start + 25]
            for post in call(partial(self.client().get_posts, uris)).posts:
                result[post.uri] = PostMetrics(
                    likes=post.like_count or 0,
                    reposts=post.repost_count or 0,
                    replies=post.reply_count or 0,
                    quotes=post.quote_count or 0,
                )
        return result

    def authors(self, dids: list[str]) -> dict[str, Author]:
        """Handles and names of accounts known by DID only (the event stream's authors)."""
        found: dict[str, Author] = {}
        for start in range(0, len(dids), 25):
            answer = call(partial(self.client().get_profiles, dids[start : start + 25]))
            for profile in answer.profiles:
                found[profile.did] = Author(profile.did, profile.handle, profile.display_name or "")
        return found

    def account_metrics(self) -> AccountMetrics:
        profile = call(lambda: self.client().get_profile(self.did))
        return AccountMetrics(
            followers=profile.followers_count or 0, following=profile.follows_count
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _indexed(notification: dict[str, Any]) -> str:
    value = notification.get("indexedAt")
    return value if isinstance(value, str) else ""
