"""Polling Threads for the inbox: replies under the account's posts and posts that mention it.

- replies: the account's posts of the last POST_DAYS (`GET /{user}/threads`, those with
  `has_replies`), then each one's whole conversation, nested replies included
  (`GET /{media}/conversation`, newest first), without the account's own replies (its
  thread's parts and answers):
  https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations
  Replies under older posts arrive only by webhook.
- mentions: `GET /{user}/mentions` (permission threads_manage_mentions):
  https://developers.facebook.com/docs/threads/threads-mentions

The cursor is the newest item handed over, "<unix seconds>:<id>": a poll hands over only
what comes after it in (time, id) order, so an item is neither handed over twice nor
skipped, however the polls fall (several replies in one second included). Threads dates a
reply when it is published and shows it then; a reply held for approval and approved later
keeps its first date, comes before the cursor, and reaches the inbox by webhook only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from palabre.networks.base import IncomingInteraction, InteractionKind, InteractionPage
from palabre.networks.meta.graph import Graph
from palabre.networks.threads import lists, parse

POST_DAYS = 30  # whose posts' replies are polled
FIRST_DAYS = 7  # how far back the first poll reaches
EARLIEST = 1688540400  # "since" earlier than this is refused (July 2023, Threads' launch)

Position = tuple[int, int, str]  # (unix seconds, length of the id, id): ids are numbers


def position(item: IncomingInteraction) -> Position:
    return (int(item.created_at.timestamp()), len(item.remote_id), item.remote_id)


def read_cursor(cursor: str | None) -> Position | None:
    seconds, _, remote_id = (cursor or "").partition(":")
    if not seconds.isdigit():
        return None
    return (int(seconds), len(remote_id), remote_id)


def write_cursor(at: Position) -> str:
    return f"{at[0]}:{at[2]}"


def poll(graph: Graph, user_id: str, cursor: str | None) -> InteractionPage:
    after = read_cursor(cursor)
    if after is None:
        first = datetime.now(UTC) - timedelta(days=FIRST_DAYS)
        after = (int(first.timestamp()), 0, "")
    found: dict[str, IncomingInteraction] = {}
    for raw in _mentions(graph, user_id, after[0]):
        _keep(found, raw, InteractionKind.MENTION)
    for post_id in _posts_with_replies(graph, user_id):
        for raw in _conversation(graph, post_id, after[0]):
            _keep(found, raw, InteractionKind.COMMENT)  # one naming the account stays a reply
    fresh = sorted((i for i in found.values() if position(i) > after), key=position)
    newest = position(fresh[-1]) if fresh else after
    return InteractionPage(items=tuple(fresh), next_cursor=write_cursor(newest))


def _keep(
    found: dict[str, IncomingInteraction], raw: dict[str, Any], kind: InteractionKind
) -> None:
    # Without its date an item has no place behind the cursor (Threads always dates them).
    item = parse.interaction(raw, kind)
    if item is not None and parse.moment(raw.get("timestamp")) is not None:
        found[item.remote_id] = item


def _mentions(graph: Graph, user_id: str, since: int) -> Iterator[dict[str, Any]]:
    # A second earlier: whether Threads' `since` is inclusive is not said; the cursor sorts it.
    yield from _bounded(
        lists.items(
            graph,
            f"{user_id}/mentions",
            fields=parse.INTERACTION_FIELDS,
            since=max(EARLIEST, since - 1),
        )
    )


def _posts_with_replies(graph: Graph, user_id: str) -> Iterator[str]:
    since = datetime.now(UTC) - timedelta(days=POST_DAYS)
    posts = lists.items(
        graph,
        f"{user_id}/threads",
        fields="id,timestamp,has_replies",
        since=max(EARLIEST, int(since.timestamp())),
    )
    for post in _bounded(posts):
        post_id = post.get("id")
        if isinstance(post_id, str | int) and post.get("has_replies") is not False:
            yield str(post_id)


def _conversation(graph: Graph, post_id: str, since: int) -> Iterator[dict[str, Any]]:
    """Replies under the post dated `since` or later, newest first, the account's left out."""
    replies = lists.items(
        graph, f"{post_id}/conversation", fields=parse.INTERACTION_FIELDS, reverse=True
    )
    for raw in _bounded(replies):
        created = parse.moment(raw.get("timestamp"))
        if created is not None and int(created.timestamp()) < since:
            return  # newest first: the rest is older still
        if raw.get("is_reply_owned_by_me") is not True:
            yield raw


def _bounded(found: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A list read as far as a poll reads: past that, the oldest wait for no one (a post
    with more than a thousand new replies between two polls loses its oldest ones)."""
    try:
        yield from found
    except lists.NotAllRead:
        return
