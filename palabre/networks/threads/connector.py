"""Threads, through graph.threads.net (palabre/networks/meta/graph.py).

Threads is not in Meta's Python SDK: every shape here follows the Threads API
documentation, https://developers.facebook.com/docs/threads/ (each module links the page
of the shapes it reads). The channel's credentials are `{"threads_user_id",
"access_token"}` (Threads login, palabre/channels/).

- Publishing (publish.py): a media container, then its publication; Threads fetches media
  from Palabre's signed public URL (`fetches_media_by_url`). A thread's parts and answers
  are posts with `reply_to_id`.
- No idempotency key: an interrupted publish is settled by reading the account's own
  posts and replies back (`recent_posts`, networks/reconcile.py).
- The inbox (inbox.py): replies under the account's posts and posts that mention it.
- Moderation: `manage_reply` hides a top-level reply (and what is nested under it).
- Listening: `/keyword_search` finds other people's public posts by word or topic tag
  (permission threads_keyword_search).
"""

from __future__ import annotations

from datetime import datetime, timedelta
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
    PublicPost,
    PublishedPost,
    PublishingLimit,
    RecentPost,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.meta import errors
from palabre.networks.meta.graph import Graph, media_by_url, threads_graph
from palabre.networks.meta.quota import publishing_limit_of
from palabre.networks.threads import inbox, lists, parse
from palabre.networks.threads.publish import PAUSES, PUBLISH_DEADLINE, Publisher

# https://developers.facebook.com/docs/threads/insights#media-insights
POST_METRICS = "views,likes,replies,reposts,quotes,shares"
# One page of a search: the most Threads' lists give (its search page states no maximum).
SEARCH_PAGE = lists.PAGE


class ThreadsConnector(Connector):
    key = "threads"
    label = "Threads"
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
        | Capability.RECENT_POSTS
        | Capability.PUBLISHING_LIMIT
        | Capability.SEARCH_POSTS
    )
    fetches_media_by_url = True
    # A publish waits for Threads to process its media, and publishes nothing past
    # PUBLISH_DEADLINE: a post it left shows by then (one last request and a margin after).
    read_back_within = timedelta(seconds=PUBLISH_DEADLINE) + timedelta(minutes=2)
    # Pauses between looks at a container being processed (tests shorten them).
    container_pauses: tuple[float, ...] = PAUSES

    _graph: Graph | None = None

    @property
    def user_id(self) -> str:
        return str(self.channel.credentials.get("threads_user_id") or "")

    def graph(self) -> Graph:
        if self._graph is None:
            token = self.channel.credentials.get("access_token")
            if not self.user_id or not token:
                # Disconnected (its credentials forgotten): a person must connect it again.
                raise AuthExpired(gettext("this channel is not connected"))
            self._graph = threads_graph(str(token))
        return self._graph

    def upload_media(self, upload: MediaUpload) -> Media:
        """Nothing to send: Threads fetches the file from its signed public URL itself."""
        return media_by_url(upload, network=self.label)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        return Publisher(self.graph(), self.user_id, self.container_pauses).publish(post)

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        """Everything on Threads is public: an answer is a post with `reply_to_id`."""
        # https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/create-replies
        return self.publish(
            OutgoingPost(text=text, idempotency_key=idempotency_key, reply_to=to_remote_id)
        )

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        return inbox.poll(self.graph(), self.user_id, cursor)

    def hide(self, *, remote_id: str) -> None:
        self._manage_reply(remote_id, hide=True)

    def unhide(self, *, remote_id: str) -> None:
        self._manage_reply(remote_id, hide=False)

    def _manage_reply(self, remote_id: str, *, hide: bool) -> None:
        # Top-level replies only; what is nested under one follows it. Threads refuses a
        # nested reply in its own words (Rejected).
        # https://developers.facebook.com/docs/threads/reply-management#hide-replies
        answer = self.graph().post(f"{remote_id}/manage_reply", data={"hide": hide})
        if answer.get("success") is not True:
            raise Unavailable(gettext("Threads did not confirm the change."))

    def delete(self, *, remote_id: str) -> None:
        # https://developers.facebook.com/docs/threads/posts/delete-posts (threads_delete)
        answer = self.graph().delete(remote_id)
        if answer.get("success") is not True:
            raise Unavailable(gettext("Threads did not confirm the deletion."))

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        result: dict[str, PostMetrics] = {}
        for remote_id in remote_ids:
            try:
                answer = self.graph().get(f"{remote_id}/insights", metric=POST_METRICS)
            except Rejected:
                continue  # deleted, or not the account's: the others are still measured
            result[remote_id] = parse.post_metrics(parse.metric_values(answer))
        return result

    def account_metrics(self) -> AccountMetrics:
        # https://developers.facebook.com/docs/threads/insights#user-insights
        answer = self.graph().get(f"{self.user_id}/threads_insights", metric="followers_count")
        followers = parse.metric_values(answer).get("followers_count")
        if followers is None:
            raise Unavailable(gettext("Threads did not give the number of followers."))
        return AccountMetrics(followers=followers)

    def publishing_limit(self) -> PublishingLimit:
        # `{"data": [{"quota_usage", "config": {"quota_total", "quota_duration"}}]}`
        # https://developers.facebook.com/docs/threads/troubleshooting#retrieve-publishing-quota-limit
        answer = self.graph().get(
            f"{self.user_id}/threads_publishing_limit", fields="quota_usage,config"
        )
        return publishing_limit_of(answer, network=self.label)

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        """The account's posts (`/{user}/threads`) or, for `in_reply_to`, its replies
        (`/{user}/replies`) to that post, created since `since`.
        https://developers.facebook.com/docs/threads/reference/user"""
        edge = "replies" if in_reply_to else "threads"
        found = [
            post
            for post in map(parse.recent_post, self._back_to(edge, since))
            if post is not None and post.created_at >= since
        ]
        if in_reply_to:
            found = [p for p in found if p.in_reply_to == in_reply_to]
        return sorted(found, key=lambda p: (p.created_at, len(p.remote_id), p.remote_id))

    def _back_to(self, edge: str, since: datetime) -> list[dict[str, Any]]:
        """Every item of the account's list since `since`. A list not read to its end is not
        all there: a post missing from it may exist, and taking it as never sent would post
        it twice, so a person decides instead (Rejected → reconcile's Undecidable)."""
        found = lists.items(
            self.graph(),
            f"{self.user_id}/{edge}",
            fields=parse.OWN_FIELDS,
            since=max(inbox.EARLIEST, int(since.timestamp()) - 1),
        )
        try:
            return list(found)
        except lists.NotAllRead:
            raise Rejected(
                gettext("more than %(count)s posts since then: cannot read them all back")
                % {"count": lists.MAX_PAGES * lists.PAGE}
            ) from None

    def search_posts(self, *, query: str, since: datetime | None = None) -> list[PublicPost]:
        """One page of the most recent public posts for a word (KEYWORD) or a "#tag" (TAG,
        sent without its "#"). Every query counts against the 2,200 a user may send in 24
        hours, across apps (those finding nothing do not):
        https://developers.facebook.com/docs/threads/keyword-search"""
        tag = query[1:] if query.startswith("#") else ""
        params: dict[str, Any] = {
            "q": tag or query,
            "search_type": "RECENT",
            "search_mode": "TAG" if tag else "KEYWORD",
            "fields": parse.SEARCH_FIELDS,
            "limit": SEARCH_PAGE,
        }
        if since is not None:
            params["since"] = max(inbox.EARLIEST, int(since.timestamp()))
        graph = self.graph()
        try:
            answer = graph.get("keyword_search", **params)
        except Rejected:
            if (graph.last_error or {}).get("code") in errors.PERMISSION_CODES:
                # Connected before Palabre asked for the permission, or it was refused then.
                raise Rejected(
                    gettext(
                        "Threads does not let Palabre search from this account: connect it "
                        "again and allow keyword search."
                    )
                ) from None
            raise
        found = [post for post in map(parse.public_post, _data(answer)) if post is not None]
        return sorted(
            (p for p in found if since is None or p.created_at >= since),
            key=lambda p: p.created_at,
            reverse=True,
        )


def _data(answer: dict[str, Any]) -> list[Any]:
    data = answer.get("data")
    return data if isinstance(data, list) else []
