"""Polling X for the inbox: posts that mention the account, and replies in the
conversations its posts started.

- mentions: `GET /2/users/{id}/mentions` (https://docs.x.com/x-api/users/get-mentions);
- replies: the account's own posts of the last POST_DAYS (`GET /2/users/{id}/tweets`) give
  their conversations; one recent search gathers the replies in several of them at once,
  `(conversation_id:A OR conversation_id:B …) -from:<account id>`
  (https://docs.x.com/x-api/posts/search-recent-posts; the operators:
  https://docs.x.com/x-api/posts/search/integrate/build-a-query; the recent search reaches
  back 7 days, a query holds at most 512 characters).

X bills each request: a poll makes 1 + 1 + ⌈conversations / CONVERSATIONS_PER_QUERY⌉ of
them (more when a list runs to more pages), and asks for MAX_RESULTS at a time.

The cursor is the newest post id handed over and when it was made, "<id>@<unix seconds>":
X's ids grow with time, so `since_id` asks only for what came after it, in both lists. The
recent search refuses a `since_id` older than its 7 days (a channel whose polling was paused
for longer): it then asks from 7 days back, and what is not after the cursor is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from palabre.networks.base import (
    Author,
    IncomingInteraction,
    InteractionKind,
    InteractionPage,
)
from palabre.networks.x import client as api
from palabre.networks.x import parse
from palabre.networks.x.client import XClient

POST_DAYS = 7  # the recent search reaches back 7 days: older conversations are not searched
FIRST_HOURS = 48  # how far back the first poll reaches
MAX_RESULTS = 100
MAX_PAGES = 5
QUERY_CHARS = 512
CONVERSATIONS_PER_QUERY = 10


def x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fields() -> dict[str, str]:
    return {
        parse.FIELDS_PARAM: parse.POST_FIELDS,
        "expansions": parse.EXPANSIONS,
        "user.fields": parse.USER_FIELDS,
        "max_results": str(MAX_RESULTS),
    }


def poll(client: XClient, account_id: str, cursor: str | None) -> InteractionPage:
    since = cursor if cursor and cursor.isdigit() else None
    window: dict[str, str] = (
        {"since_id": since}
        if since
        else {"start_time": x_time(datetime.now(UTC) - timedelta(hours=FIRST_HOURS))}
    )
    found: dict[str, IncomingInteraction] = {}
    for raw, authors in _pages(
        client, f"/2/users/{account_id}/mentions", {**fields(), **window}, "pagination_token"
    ):
        _keep(found, raw, authors, account_id)
    for query in _conversation_queries(client, account_id):
        for raw, authors in _pages(
            client, "/2/tweets/search/recent", {**fields(), **window, "query": query}, "next_token"
        ):
            _keep(found, raw, authors, account_id)
    items = sorted(found.values(), key=lambda i: int(i.remote_id))
    newest = items[-1].remote_id if items else since
    return InteractionPage(items=tuple(items), next_cursor=newest)


def _pages(
    client: XClient, path: str, params: dict[str, str], token_name: str
) -> Iterator[tuple[dict[str, Any], dict[str, Author]]]:
    token = ""
    for _ in range(MAX_PAGES):
        page = client.get(
            path, kind=api.POST_READ, **params, **({token_name: token} if token else {})
        )
        authors = parse.authors(page)
        for raw in parse._list(page.get("data")):
            if isinstance(raw, dict):
                yield raw, authors
        token = parse.next_token(page)
        if not token:
            return


def _conversation_queries(client: XClient, account_id: str) -> Iterator[str]:
    """Queries that find the replies in the conversations of the account's recent posts."""
    start = x_time(datetime.now(UTC) - timedelta(days=POST_DAYS) + timedelta(minutes=1))
    conversations: list[str] = []
    params = {
        parse.FIELDS_PARAM: "conversation_id,created_at",
        "max_results": "100",
        "start_time": start,
    }
    for raw, _authors in _pages(
        client, f"/2/users/{account_id}/tweets", params, "pagination_token"
    ):
        post = parse.post(raw)
        if post is not None and post.conversation_id not in conversations:
            conversations.append(post.conversation_id)
    tail = f") -from:{account_id}"
    for start_at in range(0, len(conversations), CONVERSATIONS_PER_QUERY):
        group = conversations[start_at : start_at + CONVERSATIONS_PER_QUERY]
        query = "(" + " OR ".join(f"conversation_id:{c}" for c in group) + tail
        if len(query) <= QUERY_CHARS:
            yield query


def _keep(
    found: dict[str, IncomingInteraction],
    raw: dict[str, Any],
    authors: dict[str, Author],
    account_id: str,
) -> None:
    post = parse.post(raw)
    if post is None or post.author_id == account_id:
        return
    if post.replied_to:
        kind = InteractionKind.COMMENT
    elif post.quoted:
        kind = InteractionKind.QUOTE
    else:
        kind = InteractionKind.MENTION
    author = authors.get(post.author_id) or Author(
        remote_id=post.author_id or "unknown", handle=post.author_id or "unknown"
    )
    found[post.id] = IncomingInteraction(
        remote_id=post.id,
        kind=kind,
        author=author,
        created_at=post.created_at or datetime.now(UTC),
        text=post.text,
        in_reply_to=post.replied_to or post.quoted,
        root=post.conversation_id if post.conversation_id != post.id else None,
    )
