"""A LinkedIn organization page through LinkedIn's versioned REST API (client.py), acting
as the organization with the access token of a member who administers it.

Credentials (stored by connecting, palabre/networks/linkedin/oauth.py):
`{"organization": "urn:li:organization:…", "access_token": "…"}` (and, where LinkedIn granted
them, `refresh_token` and expiry times, which the connect flow looks after).

Publishing, as the organization (`author` is its URN), `POST /rest/posts`; the new post's URN
comes back in the `x-restli-id` header.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
- text: `commentary` in the little text format (text.py): reserved characters escaped,
  `@[Name](urn:li:organization:…)` mentions kept, hashtags kept;
- a link: the text's first web address as an `article` (LinkedIn makes no preview of its
  own for API posts; its title is the address's host: uncertain, see docs/networks.md);
- images, with alt text: one is a `media` post, two to twenty a `multiImage` post
  (Images API: initializeUpload, then PUT the file);
- a video: Videos API, initializeUpload with the file's size, PUT each part to its URL,
  finalizeUpload with the parts' ETags, then wait until LinkedIn says AVAILABLE;
- a document (PDF, a carousel on LinkedIn): Documents API; its post needs a title: the
  file's alt text, else a neutral one;
- a continuation (`reply_to`) is a comment of the organization under the post.

Comments and replies to them (inbox.py), threaded: LinkedIn nests one level, so an answer to
a reply goes under the comment that reply answers. No HIDE: LinkedIn has no way to hide a
comment; the organization may delete comments on its posts (DELETE).

LinkedIn takes no idempotency key: `idempotent` is False and `recent_posts` reads the page's
posts and its own comments back (reconcile.py).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext

from palabre.networks.base import (
    AccountMetrics,
    AuthExpired,
    Capability,
    Connector,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    RecentPost,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.linkedin import client, inbox
from palabre.networks.linkedin.client import LinkedIn
from palabre.networks.linkedin.text import little_text, plain
from palabre.publishing.rules.entities import urls

WEB = "https://www.linkedin.com"
RECENT_PAGE = 50
RECENT_PAGES = 6
STATS_BATCH = 20
VIDEO_WAIT = 120.0  # seconds upload_media waits for a video to be AVAILABLE
VIDEO_POLL = 2.0
MAX_ALT = 4086  # Images API / Posts API: altText up to 4,086 characters
PDF = "application/pdf"


class LinkedInConnector(Connector):
    key = "linkedin"
    label = "LinkedIn"
    capabilities = (
        Capability.PUBLISH
        | Capability.PUBLISH_MEDIA
        | Capability.REPLY
        | Capability.FETCH_COMMENTS
        | Capability.POST_METRICS
        | Capability.ACCOUNT_METRICS
        | Capability.DELETE
        | Capability.RECENT_POSTS
    )
    visibilities = (Visibility.PUBLIC,)
    # No hide on LinkedIn: the organization deletes a comment on its own post instead
    # (the inbox offers it, inbox/moderation.py).
    deletes_comments = True

    _api: LinkedIn | None = None

    @property
    def organization(self) -> str:
        return str(self.channel.credentials.get("organization") or "")

    def api(self) -> LinkedIn:
        if self._api is None:
            credentials = self.channel.credentials
            token = str(credentials.get("access_token") or "")
            if not token or not self.organization.startswith("urn:li:organization:"):
                raise AuthExpired(gettext("this channel is not connected"))
            self._api = LinkedIn(token=token)
        return self._api

    # Publishing

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if post.reply_to:  # a continuation is the organization's comment under the post
            if post.media:
                raise Rejected(gettext("Palabre answers on LinkedIn with text only"))
            return self._comment(post.reply_to, post.text)
        body: dict[str, Any] = {
            "author": self.organization,
            "commentary": little_text(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = self._content(post)
        if content:
            body["content"] = content
        elif not post.text.strip():
            raise Rejected(gettext("an empty post cannot be published"))
        answer = self.api().post("/rest/posts", body)
        urn = answer.headers.get("x-restli-id", "")
        if not urn.startswith("urn:li:"):
            # Sent, but no URN came back: reconciliation (recent_posts) finds it, if it exists.
            raise Unavailable(gettext("LinkedIn did not say which post it created"))
        return PublishedPost(remote_id=urn, url=post_url(urn))

    def _content(self, post: OutgoingPost) -> dict[str, Any] | None:
        media = post.media
        if not media:
            link = first_link(post.text)
            if not link:
                return None
            return {"article": {"source": link, "title": urlsplit(link).hostname or link}}
        kinds = {_kind(m) for m in media}
        if len(kinds) > 1:
            raise Rejected(gettext("a LinkedIn post holds images, one video or one document"))
        kind = kinds.pop()
        if kind == "image":
            if len(media) == 1:
                return {"media": _image(media[0])}
            if len(media) > 20:
                raise Rejected(gettext("a LinkedIn post holds at most 20 images"))
            return {"multiImage": {"images": [_image(m) for m in media]}}
        if len(media) > 1:
            raise Rejected(gettext("a LinkedIn post holds one video or one document"))
        if kind == "document":
            title = media[0].alt_text.strip()[:400] or gettext("Document")
            return {"media": {"id": media[0].remote_id, "title": title}}
        return {"media": {"id": media[0].remote_id}}

    def upload_media(self, upload: MediaUpload) -> Media:
        content_type = upload.content_type
        if content_type.startswith("video/"):
            urn = self._upload_video(upload)
        elif content_type == PDF:
            urn = self._upload_single("documents", "document", upload)
        elif content_type.startswith("image/"):
            urn = self._upload_single("images", "image", upload)
        else:
            raise Rejected(gettext("LinkedIn takes images, videos and PDF documents only"))
        return Media(remote_id=urn, alt_text=upload.alt_text, content_type=content_type)

    def _upload_single(self, endpoint: str, field: str, upload: MediaUpload) -> str:
        """Images API / Documents API: initializeUpload, then PUT the file to its URL."""
        api = self.api()
        answer = api.post(
            f"/rest/{endpoint}",
            {"initializeUploadRequest": {"owner": self.organization}},
            params="action=initializeUpload",
        )
        value = _value(answer.body)
        urn, url = value.get(field), value.get("uploadUrl")
        if not isinstance(urn, str) or not isinstance(url, str):
            raise Unavailable(gettext("LinkedIn did not say where to upload the file"))
        api.upload(url, upload.data, upload.content_type)
        return urn

    def _upload_video(self, upload: MediaUpload) -> str:
        """Videos API: initializeUpload with the size, each part PUT to its URL (its ETag
        kept), finalizeUpload, then wait until the video is AVAILABLE.
        https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api"""
        api = self.api()
        answer = api.post(
            "/rest/videos",
            {
                "initializeUploadRequest": {
                    "owner": self.organization,
                    "fileSizeBytes": len(upload.data),
                    "uploadCaptions": False,
                    "uploadThumbnail": False,
                }
            },
            params="action=initializeUpload",
        )
        value = _value(answer.body)
        urn, token = value.get("video"), value.get("uploadToken", "")
        instructions = value.get("uploadInstructions")
        if not isinstance(urn, str) or not isinstance(instructions, list) or not instructions:
            raise Unavailable(gettext("LinkedIn did not say where to upload the video"))
        etags = []
        for part in instructions:
            part = part if isinstance(part, dict) else {}
            first, last, url = part.get("firstByte"), part.get("lastByte"), part.get("uploadUrl")
            if not isinstance(first, int) or not isinstance(last, int) or not isinstance(url, str):
                raise Unavailable(gettext("LinkedIn did not say where to upload the video"))
            sent = api.upload(url, upload.data[first : last + 1], "application/octet-stream")
            etags.append(sent.headers.get("etag", ""))
        api.post(
            "/rest/videos",
            {
                "finalizeUploadRequest": {
                    "video": urn,
                    "uploadToken": token if isinstance(token, str) else "",
                    "uploadedPartIds": etags,
                }
            },
            params="action=finalizeUpload",
        )
        deadline = time.monotonic() + VIDEO_WAIT
        while True:
            found = api.get(client.path("videos", urn))
            status = found.get("status") if isinstance(found, dict) else None
            if status == "AVAILABLE":
                return urn
            if status == "PROCESSING_FAILED":
                raise Rejected(gettext("LinkedIn could not process this video"))
            if time.monotonic() > deadline:
                raise Unavailable(gettext("LinkedIn is still processing the video"))
            time.sleep(VIDEO_POLL)

    # Answering and moderating

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        return self._comment(to_remote_id, text)

    def _comment(self, on: str, text: str) -> PublishedPost:
        """The organization's comment on a post, or its reply to a comment: LinkedIn nests
        one level, so an answer to a reply goes under that reply's parent comment."""
        post, parent = self._thread_of(on)
        body: dict[str, Any] = {
            "actor": self.organization,
            "object": post,
            "message": {"text": text},
        }
        if parent:
            body["parentComment"] = parent
        answer = self.api().post(client.path("socialActions", parent or post, "comments"), body)
        created = answer.body if isinstance(answer.body, dict) else {}
        urn = created.get("commentUrn") or created.get("$URN")
        if not isinstance(urn, str) or not urn.startswith("urn:li:comment:"):
            raise Unavailable(gettext("LinkedIn did not say which comment it created"))
        return PublishedPost(remote_id=urn, url=post_url(post))

    def _thread_of(self, urn: str) -> tuple[str, str | None]:
        """(the post, the first-level comment to answer under, if any) of a post or comment."""
        if not urn.startswith("urn:li:comment:"):
            return urn, None
        post, comment_id = split_comment(urn)
        found = self.api().get(client.path("socialActions", post, "comments", comment_id))
        parent = found.get("parentComment") if isinstance(found, dict) else None
        return post, parent if isinstance(parent, str) and parent else urn

    def delete(self, *, remote_id: str) -> None:
        if remote_id.startswith("urn:li:comment:"):
            post, comment_id = split_comment(remote_id)
            self.api().delete(
                client.path("socialActions", post, "comments", comment_id),
                client.query(actor=self.organization),
            )
        else:
            self.api().delete(client.path("posts", remote_id))

    # Reading

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        return inbox.poll(self.api(), organization=self.organization, cursor=cursor, at=inbox.now())

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """Lifetime share statistics: impressions, unique impressions, clicks, reactions,
        comments, shares. Shares and ugcPosts are asked for separately.
        https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics"""
        found: dict[str, PostMetrics] = {}
        for param, kind in (("shares", "share"), ("ugcPosts", "ugcPost")):
            wanted = [r for r in remote_ids if r.startswith(f"urn:li:{kind}:")]
            for at in range(0, len(wanted), STATS_BATCH):
                answer = self.api().get(
                    "/rest/organizationalEntityShareStatistics",
                    client.query(
                        q="organizationalEntity",
                        organizationalEntity=self.organization,
                        **{param: wanted[at : at + STATS_BATCH]},
                    ),
                )
                for element in inbox.elements(answer):
                    urn = element.get(kind)
                    stats = element.get("totalShareStatistics")
                    if isinstance(urn, str) and isinstance(stats, dict):
                        found[urn] = metrics_of(stats)
        return found

    def account_metrics(self) -> AccountMetrics:
        """The organization's followers: `GET /rest/networkSizes/{organization}`.
        https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api"""
        answer = self.api().get(
            client.path("networkSizes", self.organization),
            client.query(edgeType="COMPANY_FOLLOWED_BY_MEMBER"),
        )
        size = answer.get("firstDegreeSize") if isinstance(answer, dict) else None
        if not isinstance(size, int) or isinstance(size, bool):
            raise Unavailable(gettext("LinkedIn did not give the page's number of followers"))
        return AccountMetrics(followers=max(0, size))

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        if in_reply_to:
            found = self._own_answers(in_reply_to)
        else:
            found = self._own_posts(since)
        return sorted((p for p in found if p.created_at >= since), key=lambda p: p.created_at)

    def _own_posts(self, since: datetime) -> list[RecentPost]:
        """The page's posts, newest first, page after page until one is older than `since`.
        A list that does not reach back that far is not all there: a person decides."""
        api = self.api()
        found: list[RecentPost] = []
        for page in range(RECENT_PAGES):
            answer = inbox.recent_posts(
                api, self.organization, count=RECENT_PAGE, start=page * RECENT_PAGE
            )
            rows = inbox.elements(answer)
            for row in rows:
                recent = recent_post(row)
                if recent is not None:
                    found.append(recent)
            times = [inbox.moment(r.get("createdAt")) for r in rows]
            if not inbox.has_next(answer) or any(t is not None and t < since for t in times):
                return found
        raise Rejected(
            gettext("more than %(count)s posts since then: Palabre cannot read back that far")
            % {"count": RECENT_PAGES * RECENT_PAGE}
        )

    def _own_answers(self, answered: str) -> list[RecentPost]:
        """The organization's comments where an answer to `answered` goes (under the post,
        or under the first-level comment), reported as answering `answered`."""
        post, parent = self._thread_of(answered)
        rows = inbox.comments_on(self.api(), parent or post)
        found = []
        for row in rows:
            if row.get("actor") != self.organization:
                continue
            item = inbox.interaction(row, post)
            if item is not None:
                found.append(
                    RecentPost(
                        remote_id=item.remote_id,
                        text=item.text,
                        created_at=item.created_at,
                        in_reply_to=answered,
                    )
                )
        return found


def post_url(urn: str) -> str:
    return f"{WEB}/feed/update/{urn}/"


def split_comment(urn: str) -> tuple[str, str]:
    """`urn:li:comment:(urn:li:activity:1,2)` → ("urn:li:activity:1", "2")."""
    inner = urn.removeprefix("urn:li:comment:")
    if not (inner.startswith("(") and inner.endswith(")")) or "," not in inner:
        raise Rejected(gettext("This is not an identifier the network gives; nothing was sent."))
    post, _, comment_id = inner[1:-1].rpartition(",")
    if not post.startswith("urn:li:") or not comment_id:
        raise Rejected(gettext("This is not an identifier the network gives; nothing was sent."))
    return post, comment_id


def _kind(media: Media) -> str:
    if media.remote_id.startswith("urn:li:document:") or media.content_type == PDF:
        return "document"
    if media.remote_id.startswith("urn:li:video:") or media.content_type.startswith("video/"):
        return "video"
    return "image"


def _image(media: Media) -> dict[str, Any]:
    image: dict[str, Any] = {"id": media.remote_id}
    if media.alt_text:
        image["altText"] = media.alt_text[:MAX_ALT]
    return image


def _value(body: Any) -> dict[str, Any]:
    value = body.get("value") if isinstance(body, dict) else None
    return value if isinstance(value, dict) else {}


def _count(stats: dict[str, Any], name: str) -> int:
    value = stats.get(name)
    return max(0, value) if isinstance(value, int) and not isinstance(value, bool) else 0


def metrics_of(stats: dict[str, Any]) -> PostMetrics:
    impressions = stats.get("impressionCount")
    unique = stats.get("uniqueImpressionsCount")
    clicks = stats.get("clickCount")
    return PostMetrics(
        likes=_count(stats, "likeCount"),  # LinkedIn's reactions, all kinds
        reposts=_count(stats, "shareCount"),
        replies=_count(stats, "commentCount"),
        impressions=impressions if isinstance(impressions, int) else None,
        reach=unique if isinstance(unique, int) else None,
        clicks=clicks if isinstance(clicks, int) and not isinstance(clicks, bool) else None,
    )


def recent_post(row: dict[str, Any]) -> RecentPost | None:
    urn, created = row.get("id"), inbox.moment(row.get("createdAt"))
    commentary = row.get("commentary")
    if not isinstance(urn, str) or created is None:
        return None
    content = row.get("content")
    media_count = 0
    if isinstance(content, dict):
        if isinstance(content.get("media"), dict):
            media_count = 1
        elif isinstance(content.get("multiImage"), dict):
            images = content["multiImage"].get("images")
            media_count = len(images) if isinstance(images, list) else 0
    return RecentPost(
        remote_id=urn,
        text=plain(commentary) if isinstance(commentary, str) else "",
        created_at=created,
        url=post_url(urn),
        media_count=media_count,
    )


def first_link(text: str) -> str:
    found = urls(text, without_protocol=False)
    return found[0].value if found else ""
