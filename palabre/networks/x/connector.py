"""X, through its API v2 (api.x.com) with the account's OAuth 2.0 user token.

Every shape read or sent here is checked against X's official SDK, xdk, in the tests (the X
double, tests/networks/x/); the connector reads both xdk's field names and the tweet names
of X's documentation (parse.py). The channel's credentials are the tokens of the connect
flow (tokens.py gives the access token, refreshed when it must be); `Channel.account_id` is
the account's X user id, `Channel.handle` its username.

- Publishing (publish.py): media uploaded first (images in one request, videos and GIFs in
  chunks, alt text as media metadata), then the post; a thread is a chain of answers; a
  quote names the post it quotes.
- No idempotency key: an interrupted publish is settled by reading the account's own posts
  back (`recent_posts`, networks/reconcile.py).
- The inbox (inbox.py): mentions, and replies in the conversations of the account's posts.
- Moderation: hiding a reply (`PUT /2/tweets/{id}/hidden`), only under the account's own
  conversations: https://docs.x.com/x-api/posts/hide-replies/introduction
- Listening's search (`search_posts`): recent search, one page a call.
- X bills each request: each is counted for the channel (client.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext

from palabre.networks.base import (
    AccountMetrics,
    Capability,
    Connector,
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
)
from palabre.networks.x import client as api
from palabre.networks.x import inbox, parse, publish
from palabre.networks.x.client import XClient

MAX_IDS = 100  # posts per lookup (GET /2/tweets?ids=)
RECENT_PAGES = 5
# Listening's search: X bills each post returned, and the polling job counts each call as
# one request of the workspace's daily budget, so a call reads one page. Its most posts (X
# allows 10 to 100): a page too small would drop what a busy word brings in five minutes.
SEARCH_PAGE = 100
# Recent search reaches back seven days and refuses a `start_time` older than that; a little
# margin for the clocks (listening's first look asks for a week and ten minutes).
SEARCH_REACH = timedelta(days=7) - timedelta(minutes=5)
SEARCHABLE = re.compile(r"#?\w+")  # what Term.query is: one word, or a hashtag


class XConnector(Connector):
    key = "x"
    # PUT /2/tweets/:id/hidden: "You can only hide or unhide replies to conversations you
    # authored" (a mention or a quote elsewhere is not the brand's to hide).
    hides_kinds = frozenset({InteractionKind.COMMENT})
    label = "X"
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
        | Capability.SEARCH_POSTS
    )
    # Media is processed before the post is created: the post shows at once, and a reading
    # two minutes after the send began trusts an absence.
    read_back_within = timedelta(minutes=2)
    # Pauses between looks at a video X is processing (tests shorten them).
    media_pauses: tuple[float, ...] = publish.PAUSES

    _client: XClient | None = None

    @property
    def account_id(self) -> str:
        return api.check_id(
            self.channel.account_id or str(self.channel.credentials.get("user_id") or "")
        )

    def client(self) -> XClient:
        if self._client is None:
            self._client = XClient(self.channel)
        return self._client

    def upload_media(self, upload: MediaUpload) -> Media:
        return publish.upload(self.client(), upload, pauses=self.media_pauses)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        return publish.publish(self.client(), post, handle=self.channel.handle)

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        """Everything on X is public: an answer is a post answering `to_remote_id`."""
        return self.publish(
            OutgoingPost(text=text, idempotency_key=idempotency_key, reply_to=to_remote_id)
        )

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        return inbox.poll(self.client(), self.account_id, cursor)

    def hide(self, *, remote_id: str) -> None:
        self._hidden(remote_id, True)

    def unhide(self, *, remote_id: str) -> None:
        self._hidden(remote_id, False)

    def _hidden(self, remote_id: str, hidden: bool) -> None:
        # https://docs.x.com/x-api/posts/hide-reply
        answer = self.client().call(
            "PUT",
            f"/2/tweets/{api.check_id(remote_id)}/hidden",
            kind=api.REPLY_HIDE,
            body={"hidden": hidden},
        )
        data = answer.get("data")
        if not isinstance(data, dict) or data.get("hidden") is not hidden:
            raise Unavailable(gettext("X did not confirm the change."))

    def delete(self, *, remote_id: str) -> None:
        # https://docs.x.com/x-api/posts/delete-post; `deleted: false`: already gone.
        answer = self.client().call(
            "DELETE", f"/2/tweets/{api.check_id(remote_id)}", kind=api.POST_DELETE
        )
        if not isinstance(answer.get("data"), dict):
            raise Unavailable(gettext("X did not confirm the deletion."))

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        # https://docs.x.com/x-api/posts/get-posts-by-ids ; missing ones come as `errors`.
        result: dict[str, PostMetrics] = {}
        ids = [api.check_id(i) for i in remote_ids]
        for start in range(0, len(ids), MAX_IDS):
            page = self.client().get(
                "/2/tweets",
                kind=api.POST_READ,
                ids=",".join(ids[start : start + MAX_IDS]),
                **{parse.FIELDS_PARAM: "public_metrics", "expansions": "author_id"},
            )
            for raw in parse._list(page.get("data")):
                found = parse.post(raw)
                if found is not None:
                    own = found.author_id in ("", self.account_id)
                    result[found.id] = parse.metrics(raw, own=own)
        return result

    def account_metrics(self) -> AccountMetrics:
        # https://docs.x.com/x-api/users/get-my-user
        answer = self.client().get(
            "/2/users/me", kind=api.USER_READ, **{"user.fields": "public_metrics"}
        )
        public = parse._dict(parse._dict(answer.get("data")).get("public_metrics"))
        followers = public.get("followers_count")
        if not isinstance(followers, int) or isinstance(followers, bool):
            raise Unavailable(gettext("X did not give the number of followers."))
        following = public.get("following_count")
        return AccountMetrics(
            followers=followers, following=following if isinstance(following, int) else None
        )

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        """The account's posts and answers since `since` (`GET /2/users/{id}/tweets`, which
        lists both): https://docs.x.com/x-api/users/get-posts"""
        params = {
            parse.FIELDS_PARAM: parse.POST_FIELDS,
            "expansions": "referenced_posts",
            "max_results": "100",
            "start_time": inbox.x_time(since),
        }
        found: list[RecentPost] = []
        token = ""
        for _ in range(RECENT_PAGES):
            page = self.client().get(
                f"/2/users/{self.account_id}/tweets",
                kind=api.POST_READ,
                **params,
                **({"pagination_token": token} if token else {}),
            )
            for post in parse.posts(page):
                if post.created_at is None or post.created_at < since:
                    continue
                found.append(
                    RecentPost(
                        remote_id=post.id,
                        text=post.text,
                        created_at=post.created_at,
                        url=publish.post_url(self.channel.handle, post.id),
                        media_count=post.media_count,
                        in_reply_to=post.replied_to,
                    )
                )
            token = parse.next_token(page)
            if not token:
                break
        else:
            # Not read to its end: a post missing from it may exist, and taking it as never
            # sent would post it twice, so a person decides instead.
            raise Rejected(
                gettext("more than %(count)s posts since then: cannot read them all back")
                % {"count": RECENT_PAGES * 100}
            )
        if in_reply_to:
            found = [p for p in found if p.in_reply_to == in_reply_to]
        return sorted(found, key=lambda p: (p.created_at, int(p.remote_id)))

    def search_posts(self, *, query: str, since: datetime | None = None) -> list[PublicPost]:
        """Other people's posts for a word or a hashtag, newest first: one page of recent
        search (https://docs.x.com/x-api/posts/search-recent-posts). X matches a word
        against the post's words (a hashtag's included) and a hashtag exactly, both without
        regard to case; reposts are left out (`-is:retweet`: their original is what was
        written). A request, and each post it returns, is billed (client.py counts them)."""
        if not SEARCHABLE.fullmatch(query):
            raise Rejected(gettext("X searches one word or one hashtag; nothing was sent."))
        now = datetime.now(UTC)
        if since is not None and since >= now:
            return []  # nothing is newer than now: X would refuse the time, and bill a request
        start = now - SEARCH_REACH if since is None else max(now - SEARCH_REACH, since)
        page = self.client().get(
            "/2/tweets/search/recent",
            kind=api.POST_READ,
            query=f"{query} -is:retweet",
            max_results=str(SEARCH_PAGE),
            sort_order="recency",
            start_time=inbox.x_time(start),
            expansions="author_id",
            **{
                parse.FIELDS_PARAM: "created_at,lang,entities",
                "user.fields": "username,name,public_metrics",
            },
        )
        posts = [p for p in parse.public_posts(page) if since is None or p.created_at >= since]
        return sorted(posts, key=lambda p: (p.created_at, int(p.remote_id)), reverse=True)
