"""Facebook Pages through the Graph API (palabre/networks/meta/graph.py), acting with the
Page's access token (`{"page_id", "page_token"}`, stored by connecting: a Page token drawn
from a long-lived user token does not expire).

Publishing https://developers.facebook.com/docs/pages-api/posts:
- text, and a link post: `POST /{page}/feed` with `message`, and `link` (the text's first
  URL, which stays in the message) so that Facebook shows its preview;
- photos: each is uploaded unpublished (`POST /{page}/photos`, `published=false`), then one
  post attaches them (`attached_media=[{"media_fbid": id}]`);
  https://developers.facebook.com/docs/graph-api/reference/page/photos
- one video: uploaded unpublished (`POST /{page}/videos`), published with the text as its
  description (`POST /{video}`, `published=true`); its post id is the video's `post_id`.
  https://developers.facebook.com/docs/video-api/guides/publishing

Meta takes no idempotency key: `idempotent` is False and `recent_posts` reads the Page's
own posts and comments back, so that an interrupted publish is found rather than sent twice.
The inbox (inbox.py) and webhooks (webhook.py) share parse.py, hence the same remote ids.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

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
    RateLimited,
    RecentPost,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.facebook import inbox, parse, private
from palabre.networks.facebook.metrics import metrics_of
from palabre.networks.meta.errors import DEFAULT_WAIT
from palabre.networks.meta.graph import Answer, Graph, meta_graph, next_cursor
from palabre.networks.meta.insights import day_reach
from palabre.publishing.rules.entities import urls

RECENT_PAGE = 25
RECENT_PAGES = 8  # how far back recent_posts reads, at most
WEB = "https://www.facebook.com"


class FacebookConnector(Connector):
    key = "facebook"
    label = "Facebook"
    capabilities = (
        Capability.PUBLISH
        | Capability.PUBLISH_MEDIA
        | Capability.REPLY
        | Capability.PRIVATE_REPLY
        | Capability.FETCH_COMMENTS
        | Capability.FETCH_MENTIONS
        | Capability.HIDE
        | Capability.POST_METRICS
        | Capability.ACCOUNT_METRICS
        | Capability.DELETE
        | Capability.RECENT_POSTS
    )
    visibilities = (Visibility.PUBLIC,)

    _graph: Graph | None = None

    @property
    def page_id(self) -> str:
        return str(self.channel.credentials.get("page_id") or "")

    def graph(self) -> Graph:
        if self._graph is None:
            credentials = self.channel.credentials
            if not credentials.get("page_id") or not credentials.get("page_token"):
                # Disconnected (its credentials forgotten): a person must connect it again.
                raise AuthExpired(gettext("this channel is not connected"))
            self._graph = meta_graph(str(credentials["page_token"]), kind=PageGraph)
        return self._graph

    # Publishing

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if post.reply_to:  # a post's continuation on Facebook is a comment under it
            if post.media:
                raise Rejected(gettext("Palabre answers on Facebook with text only"))
            return self._comment(post.reply_to, post.text)
        videos = [m for m in post.media if m.content_type.startswith("video/")]
        if videos:
            if len(post.media) > 1:
                raise Rejected(gettext("a Facebook post holds either photos or one video"))
            return self._publish_video(videos[0], post.text)
        fields: dict[str, Any] = {"message": post.text} if post.text else {}
        if post.media:
            fields["attached_media"] = [{"media_fbid": m.remote_id} for m in post.media]
        elif link := first_link(post.text):
            fields["link"] = link
        if not fields:
            raise Rejected(gettext("an empty post cannot be published"))
        created = self.graph().post(f"{self.page_id}/feed", data=fields)
        return self._published(created.get("id"))

    def _publish_video(self, video: Media, text: str) -> PublishedPost:
        graph = self.graph()
        fields: dict[str, Any] = {"published": True}
        if text:
            fields["description"] = text
        graph.post(video.remote_id, data=fields)
        # The post that shows the video has an id of its own (comments and insights use it).
        found = graph.get(video.remote_id, fields="post_id")
        return self._published(found.get("post_id"))

    def _published(self, remote: Any) -> PublishedPost:
        post_id = parse.node_id(remote)
        if not post_id:
            # Sent, but no id came back: reconciliation (recent_posts) finds it, if it exists.
            raise Unavailable(gettext("Facebook did not say which post it created"))
        return PublishedPost(remote_id=post_id, url=f"{WEB}/{post_id}")

    def upload_media(self, upload: MediaUpload) -> Media:
        """Photos and videos are uploaded unpublished; `publish` attaches or publishes them."""
        is_video = upload.content_type.startswith("video/")
        edge = "videos" if is_video else "photos"
        fields: dict[str, Any] = {"published": False}
        if upload.alt_text and not is_video:
            fields["alt_text_custom"] = upload.alt_text
        files = {"source": (upload.filename or edge, upload.data, upload.content_type)}
        uploaded = self.graph().post(f"{self.page_id}/{edge}", data=fields, files=files)
        media_id = parse.node_id(uploaded.get("id"))
        if not media_id:
            raise Unavailable(gettext("Facebook did not say which file it received"))
        return Media(remote_id=media_id, alt_text=upload.alt_text, content_type=upload.content_type)

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
        """`POST /{post or comment}/comments`: Facebook threads an answer to a reply under
        the comment it belongs to. https://developers.facebook.com/docs/graph-api/reference/object/comments"""
        created = self.graph().post(f"{on}/comments", data={"message": text})
        comment_id = parse.node_id(created.get("id"))
        if not comment_id:
            raise Unavailable(gettext("Facebook did not say which comment it created"))
        return PublishedPost(remote_id=comment_id)

    def private_reply(self, *, to_remote_id: str, text: str, idempotency_key: str) -> PublishedPost:
        return private.send(
            self.graph(), page_id=self.page_id, to_remote_id=to_remote_id, text=text
        )

    def hide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=True)

    def unhide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=False)

    def _set_hidden(self, remote_id: str, *, hidden: bool) -> None:
        """Hidden comments stay visible to their author and friends, not to others.
        https://developers.facebook.com/docs/graph-api/reference/comment#updating"""
        self.graph().post(remote_id, data={"is_hidden": hidden})

    def delete(self, *, remote_id: str) -> None:
        self.graph().delete(remote_id)

    # Reading

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        return inbox.poll(self.graph(), page_id=self.page_id, cursor=cursor, now=inbox.now())

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        graph = self.graph()
        found = {}
        for remote_id in remote_ids:
            metrics = metrics_of(graph, remote_id)
            if metrics is not None:
                found[remote_id] = metrics
        return found

    def account_metrics(self) -> AccountMetrics:
        """https://developers.facebook.com/docs/graph-api/reference/page#fields"""
        page = self.graph().get(self.page_id, fields="followers_count,fan_count")
        # fan_count (likes of the Page) where Meta leaves followers_count out.
        for key in ("followers_count", "fan_count"):
            value = page.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                reach = day_reach(self.graph(), self.page_id, metric="page_impressions_unique")
                return AccountMetrics(followers=max(0, value), reach=reach)
        raise Unavailable(gettext("Facebook did not give the Page's number of followers"))

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        """The Page's own posts, or its own comments answering `in_reply_to`, created since
        `since`: newest first until one is older."""
        if in_reply_to:
            posts = self._own_answers(in_reply_to, since)
        else:
            rows = self._back_to(
                f"{self.page_id}/published_posts",
                since,
                fields="id,created_time,message,permalink_url,attachments",
            )
            posts = [
                parse.recent_post(r, media=parse.media_count(r.get("attachments"))) for r in rows
            ]
        found = [p for p in posts if p is not None and p.created_at >= since]
        return sorted(found, key=lambda p: p.created_at)

    def _own_answers(self, answered: str, since: datetime) -> list[RecentPost | None]:
        """Facebook threads comments two levels deep: an answer to a reply is filed under
        the comment that reply answers. That is where it is looked for, and it is reported
        as answering `answered`, as the publisher sent it. (Another answer of the Page's
        under the same comment, of the same text and time, makes two candidates: a person
        then decides, rather than Palabre posting twice.)"""
        graph = self.graph()
        try:
            parent = parse.dict_of(graph.get(answered, fields="parent").get("parent"))
        except Rejected:
            parent = {}  # a post: it has no parent field
        under = parse.node_id(parent.get("id")) or answered
        rows = self._back_to(
            f"{under}/comments",
            since,
            fields="id,created_time,from,message,permalink_url",
            filter="toplevel",
            order="reverse_chronological",
        )
        own = [r for r in rows if parse.author_id(r) == self.page_id]
        return [parse.recent_post(r, in_reply_to=answered) for r in own]

    def _back_to(self, path: str, since: datetime, **params: Any) -> list[dict[str, Any]]:
        """A list, newest first, page after page until an item is older than `since`. A
        list that does not reach back that far is not all there: a post missing from it may
        exist, and taking it as never sent would post it twice, so a person decides."""
        graph = self.graph()
        found: list[dict[str, Any]] = []
        after = None
        for _ in range(RECENT_PAGES):
            page = graph.get(
                path, limit=RECENT_PAGE, **params, **({"after": after} if after else {})
            )
            rows = [r for r in page.get("data") or [] if isinstance(r, dict)]
            found += rows
            times = [parse.moment(r.get("created_time")) for r in rows]
            after = next_cursor(page)
            if not after or any(t is not None and t < since for t in times):
                return found
        raise Rejected(
            gettext("more than %(count)s posts since then: Palabre cannot read back that far")
            % {"count": RECENT_PAGES * RECENT_PAGE}
        )


class PageGraph(Graph):
    """The Graph client, whose refusals read well where a person sees them (the channel's
    page, a post's or an answer's failure): Facebook's words without the code in front of
    them ("(#368) "), and for a rate limit or a lost connection, what happens next."""

    def call(self, method: str, path: str, **request: Any) -> Answer:
        try:
            return super().call(method, path, **request)
        except RateLimited as error:
            wait = error.retry_after or DEFAULT_WAIT
            raise RateLimited(
                gettext(
                    "Facebook limits how often Palabre may act for this Page (%(reason)s); "
                    "Palabre tries again in about %(minutes)s minutes."
                )
                % {"reason": parse.plain(error.reason), "minutes": max(1, math.ceil(wait / 60))},
                retry_after=error.retry_after,
            ) from None
        except AuthExpired as error:
            raise AuthExpired(
                gettext(
                    "Facebook no longer accepts Palabre's access to this Page (%(reason)s). "
                    "Connect the Page again."
                )
                % {"reason": parse.plain(error.reason)}
            ) from None
        except (Rejected, Unavailable) as error:
            raise type(error)(parse.plain(error.reason)) from None


def first_link(text: str) -> str:
    """The text's first web address, for Facebook's link preview."""
    found = urls(text, without_protocol=False)
    return found[0].value if found else ""
