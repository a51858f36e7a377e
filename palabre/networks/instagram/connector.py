"""Instagram professional accounts, through the Graph API with Facebook Login: the Page's
token acts on the Instagram account linked to the Page (`ig_user_id`).

- Publishing goes through media containers that Instagram fills from public URLs
  (containers.py): the publisher hands `upload_media` a signed URL on this instance.
- Instagram takes no idempotency key: an interrupted publish or answer is found again by
  `recent_posts` (the account's media, or its own comments under what it answered).
- The inbox reads comments and their replies on the account's recent media, and the media it
  is tagged in; mentions in other people's captions and comments come only by webhook
  (webhook.py), Instagram lists them nowhere.
- Instagram's API deletes and hides comments, never media: DELETE is declared for comments.
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/comment-moderation
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.translation import gettext

from palabre.networks.base import (
    AccountMetrics,
    AuthExpired,
    Capability,
    Connector,
    ConnectorError,
    IncomingInteraction,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    PublishingLimit,
    RecentPost,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.instagram import parse
from palabre.networks.instagram.containers import Publishing
from palabre.networks.instagram.parse import MENTION, TAG
from palabre.networks.instagram.window import Window
from palabre.networks.meta.graph import ID, Graph, media_by_url, meta_graph, next_cursor
from palabre.networks.meta.insights import day_reach
from palabre.networks.meta.quota import publishing_limit_of

MEDIA_SCANNED = 25  # the recent media whose comments each poll reads
TAG_PAGES = 10  # of 25: how far back a poll reads the media the account is tagged in
COMMENTS_PAGE = 50
BACKFILL = timedelta(days=7)  # what a first poll brings in
PAGE = 50  # items given to the inbox at most per poll (it polls again at once when full)
RECENT_PAGES = 20  # how far back recent_posts reads, in pages of 50
METRICS = "reach,views,likes,comments,shares,saved"


class InstagramConnector(Connector):
    key = "instagram"
    label = "Instagram"
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
        | Capability.PUBLISHING_LIMIT
    )
    fetches_media_by_url = True

    _graph: Graph | None = None
    _ig_user_id = ""

    @property
    def ig_user_id(self) -> str:
        self.graph()  # read once with the credentials, which are decrypted only there
        return self._ig_user_id

    @property
    def username(self) -> str:
        return self.channel.handle.lstrip("@")

    def graph(self) -> Graph:
        if self._graph is None:
            credentials = self.channel.credentials
            if not credentials.get("ig_user_id") or not credentials.get("page_token"):
                raise AuthExpired(gettext("this channel is not connected"))
            self._ig_user_id = str(credentials["ig_user_id"])
            self._graph = meta_graph(str(credentials["page_token"]), network=self.label)
        return self._graph

    # Publishing

    def upload_media(self, upload: MediaUpload) -> Media:
        """Nothing is sent: Instagram fetches the file from the signed URL when it makes the
        post's container."""
        return media_by_url(upload, network=self.label)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        graph = self.graph()
        publishing = Publishing(graph, self.ig_user_id, key=(self.channel.pk, post.idempotency_key))
        media_id = publishing.publish(publishing.ready_container(post))
        try:
            permalink = graph.get(media_id, fields="permalink").get("permalink")
        except ConnectorError:
            # The post exists: whatever happens now (a rate limit, a token revoked this
            # second), its id must reach the publisher, or it would be published again.
            permalink = None
        return PublishedPost(
            remote_id=media_id, url=permalink if isinstance(permalink, str) else ""
        )

    # Answering

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        """A comment on a media (the first comment), an answer to a comment (Instagram puts
        an answer to an answer under the first comment), or an answer to a mention."""
        graph = self.graph()
        if to_remote_id.startswith(TAG):
            raise Rejected(
                gettext("Instagram does not let an account comment on a post it is tagged in.")
            )
        if to_remote_id.startswith(MENTION):
            media_id, comment_id = parse.split_mention(to_remote_id)
            data = {"media_id": media_id, "comment_id": comment_id or None, "message": text}
            answer = graph.post(f"{self.ig_user_id}/mentions", data=data)
        elif self._comment(to_remote_id) is not None:
            answer = graph.post(f"{to_remote_id}/replies", data={"message": text})
        else:
            answer = graph.post(f"{to_remote_id}/comments", data={"message": text})
        return PublishedPost(remote_id=_created_id(answer, "id"))

    def private_reply(self, *, to_remote_id: str, text: str, idempotency_key: str) -> PublishedPost:
        """A private message to a comment's author (once per comment, within 7 days).
        https://developers.facebook.com/docs/instagram-platform/private-replies"""
        comment_id = to_remote_id
        if to_remote_id.startswith(MENTION):
            comment_id = parse.split_mention(to_remote_id)[1]
        if not comment_id or to_remote_id.startswith(TAG):
            raise Rejected(gettext("Instagram answers privately only the author of a comment."))
        answer = self.graph().post(
            f"{self.ig_user_id}/messages",
            data={"recipient": {"comment_id": comment_id}, "message": {"text": text}},
        )
        return PublishedPost(remote_id=_created_id(answer, "message_id"))

    def _comment(self, remote_id: str) -> dict[str, Any] | None:
        """The comment `remote_id` ({id, parent_id, media}), or None when it is no comment (a
        media: Graph refuses fields a node does not have) or is gone."""
        try:
            return self.graph().get(remote_id, fields="id,parent_id,media")
        except Rejected:
            return None

    # Reading the inbox

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        window = Window.load(cursor, start=datetime.now(UTC) - BACKFILL)
        read = {i.remote_id: i for i in [*self._comments(), *self._tags(window.since)]}
        fresh = sorted(
            (i for i in read.values() if window.is_new(i)),
            key=lambda i: (i.created_at, i.remote_id),
        )[:PAGE]
        return InteractionPage(
            items=tuple(fresh), next_cursor=window.advance(fresh, read.values()).dump()
        )

    def _comments(self) -> list[IncomingInteraction]:
        """Comments and replies on the account's recent media, in one request (the comments
        nested in the media list, field expansion); a media with more than one page of
        comments has them read from its own edge."""
        graph, found = self.graph(), []
        nested = f"comments.limit({COMMENTS_PAGE}){{{parse.COMMENTS_FIELDS}}}"
        recent = graph.get(
            f"{self.ig_user_id}/media",
            fields=f"id,timestamp,comments_count,{nested}",
            limit=MEDIA_SCANNED,
        )
        for media in parse.as_list(recent.get("data")):
            media = parse.as_dict(media)
            media_id = parse.remote_id(media.get("id"))
            comments = parse.as_dict(media.get("comments"))
            if not media_id:
                continue
            listed = parse.as_list(comments.get("data"))
            if next_cursor(comments):
                listed = list(
                    graph.edge(
                        f"{media_id}/comments", fields=parse.COMMENTS_FIELDS, limit=COMMENTS_PAGE
                    )
                )
            for raw in listed:
                for comment in self._with_replies(parse.as_dict(raw)):
                    if parse.is_own(comment, account_id=self.ig_user_id, username=self.username):
                        continue
                    item = parse.comment(comment, media_id=media_id)
                    if item is not None:
                        found.append(item)
        return found

    def _with_replies(self, raw: dict[str, Any]) -> list[dict[str, Any]]:
        """A comment and all its replies: those nested in the answer, or, when they were more
        than one page, all of them read from its replies edge."""
        replies = parse.as_dict(raw.get("replies"))
        comment_id = parse.remote_id(raw.get("id"))
        if comment_id and next_cursor(replies):
            edge = self.graph().edge(
                f"{comment_id}/replies", fields=parse.COMMENT_FIELDS, limit=COMMENTS_PAGE
            )
            raw = {**raw, "replies": {"data": list(edge)}}
        return parse.comments_with_replies(raw)

    def _tags(self, since: datetime) -> list[IncomingInteraction]:
        """The media the account is tagged in, newest first, page after page back to the
        cursor's window: more tags than a page holds between two polls are all read."""
        graph, found, after = self.graph(), [], None
        for _ in range(TAG_PAGES):
            page = graph.get(
                f"{self.ig_user_id}/tags",
                fields=parse.MEDIA_FIELDS,
                limit=25,
                **({"after": after} if after else {}),
            )
            tags = [i for i in map(parse.tag, parse.as_list(page.get("data"))) if i is not None]
            found += tags
            after = next_cursor(page)
            if not after or any(t.created_at < since for t in tags):
                break
        return found

    def mention(self, *, media_id: str, comment_id: str = "") -> IncomingInteraction | None:
        """A mention a webhook announced (only its ids come), read back.
        https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/mentions
        """
        if not ID.fullmatch(media_id) or comment_id and not ID.fullmatch(comment_id):
            # They go inside `fields` (field expansion): nothing but an id may.
            raise Rejected(gettext("This is not an identifier the network gives."))
        if comment_id:
            name = "mentioned_comment"
            fields = f"{name}.comment_id({comment_id}){{id,text,timestamp,username,like_count}}"
        else:
            name = "mentioned_media"
            fields = f"{name}.media_id({media_id}){{{parse.MEDIA_FIELDS}}}"
        found = self.graph().get(self.ig_user_id, fields=fields).get(name)
        return parse.mention(found, media_id=media_id, comment_id=comment_id) if found else None

    # Moderating

    def hide(self, *, remote_id: str) -> None:
        self.graph().post(self._own_media_comment(remote_id), data={"hide": True})

    def unhide(self, *, remote_id: str) -> None:
        self.graph().post(self._own_media_comment(remote_id), data={"hide": False})

    def delete(self, *, remote_id: str) -> None:
        self._own_media_comment(remote_id)
        if self._comment(remote_id) is None:
            raise Rejected(
                gettext("Instagram's API cannot delete a post: delete it in the Instagram app.")
            )
        self.graph().delete(remote_id)

    @staticmethod
    def _own_media_comment(remote_id: str) -> str:
        if remote_id.startswith((TAG, MENTION)):
            raise Rejected(
                gettext("Instagram lets an account act only on the comments on its own posts.")
            )
        return remote_id

    # Measuring

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        graph, result = self.graph(), {}
        for remote_id in remote_ids:
            media = graph.get(
                remote_id, fields="id,media_type,media_product_type,like_count,comments_count"
            )
            try:
                insights = parse.insight_values(graph.get(f"{remote_id}/insights", metric=METRICS))
            except (AuthExpired, Rejected):
                # The token just read the media: a refusal here is about its insights ("(#10)
                # Not enough viewers…", a metric its type lacks); its own counts stand in.
                insights = {}
            result[remote_id] = parse.post_metrics(media, insights)
        return result

    def account_metrics(self) -> AccountMetrics:
        me = self.graph().get(self.ig_user_id, fields="followers_count,follows_count")
        followers, follows = me.get("followers_count"), me.get("follows_count")
        if not isinstance(followers, int) or isinstance(followers, bool):
            raise Unavailable(gettext("Instagram did not give the number of followers."))
        return AccountMetrics(
            followers=followers,
            following=follows
            if isinstance(follows, int) and not isinstance(follows, bool)
            else None,
            reach=day_reach(self.graph(), self.ig_user_id, metric="reach"),
        )

    def publishing_limit(self) -> PublishingLimit:
        """https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit"""
        answer = self.graph().get(
            f"{self.ig_user_id}/content_publishing_limit", fields="config,quota_usage"
        )
        return publishing_limit_of(answer, network=self.label)

    # Reconciliation

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        if in_reply_to is None:
            return self._recent_media(since)
        if in_reply_to.startswith(TAG):
            return []  # nothing can answer it (reply refuses)
        if in_reply_to.startswith(MENTION):
            # Someone else's media: the account may answer there, not list what is there.
            raise Rejected(gettext("Instagram does not list an account's answers to a mention."))
        comment = self._comment(in_reply_to)
        if comment is None:
            under = f"{in_reply_to}/comments"
        else:  # an answer to an answer goes under the first comment of the thread
            top = parse.remote_id(comment.get("parent_id")) or in_reply_to
            under = f"{top}/replies"
        found = []
        for raw in self.graph().edge(under, max_pages=RECENT_PAGES, fields=parse.COMMENT_FIELDS):
            if under.endswith("/comments") and raw.get("parent_id"):
                continue
            if not parse.is_own(raw, account_id=self.ig_user_id, username=self.username):
                continue
            post = parse.recent_comment(raw, in_reply_to=in_reply_to)
            if post is not None and post.created_at >= since:
                found.append(post)
        return sorted(found, key=lambda p: p.created_at)

    def _recent_media(self, since: datetime) -> list[RecentPost]:
        """The account's media since `since`, newest first, page after page. A list that
        does not reach back to `since` is not all there: a person decides then, rather than
        a post missing from it being sent twice."""
        graph, found, after = self.graph(), [], None
        for _ in range(RECENT_PAGES):
            page = graph.get(
                f"{self.ig_user_id}/media",
                fields=f"{parse.MEDIA_FIELDS},children{{id}}",
                limit=50,
                **({"after": after} if after else {}),
            )
            posts = [p for p in map(parse.recent_media, parse.as_list(page.get("data"))) if p]
            found += [p for p in posts if p.created_at >= since]
            after = next_cursor(page)
            if not after or any(p.created_at < since for p in posts):
                return sorted(found, key=lambda p: p.created_at)
        raise Rejected(gettext("Too many posts since then: Palabre cannot read them all back."))


def _created_id(answer: dict[str, Any], name: str) -> str:
    """The id the network gave what it created; without one, the send is in doubt (the
    retry looks for it first)."""
    found = parse.remote_id(answer.get(name))
    if not found:
        raise Unavailable(gettext("Instagram did not say what it created."))
    return found
