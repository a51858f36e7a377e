"""Polling an organization's page: comments on its recent posts and replies to them,
threaded, through a cursor that neither skips nor repeats an item.

Each poll reads the page's latest WATCHED_POSTS posts of the last WATCH_DAYS
(`GET /rest/posts?q=author`), for each its first-level comments
(`GET /rest/socialActions/{post}/comments`) and, for a comment that has replies
(`commentsSummary.aggregatedTotalComments`), its replies
(`GET /rest/socialActions/{comment}/comments`): LinkedIn threads one level deep.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
The organization's own comments are not delivered (they are its answers).

The cursor is Facebook's (facebook/inbox.py `Cursor`): the second of the newest item
delivered and digests of those delivered a few minutes before it, so that a comment LinkedIn
shows late is still delivered, once. LinkedIn gives milliseconds; the cursor keeps seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from palabre.networks.base import (
    Author,
    IncomingInteraction,
    InteractionKind,
    InteractionPage,
)
from palabre.networks.facebook.inbox import Cursor
from palabre.networks.linkedin import client
from palabre.networks.linkedin.client import LinkedIn

WATCHED_POSTS = 20
WATCH_DAYS = 30
COMMENT_PAGE = 100
COMMENT_PAGES = 3


def now() -> datetime:
    return datetime.now(UTC)


def moment(stamp: Any) -> datetime | None:
    if isinstance(stamp, dict):
        stamp = stamp.get("time")
    if isinstance(stamp, int) and not isinstance(stamp, bool) and stamp > 0:
        try:
            return datetime.fromtimestamp(stamp / 1000, tz=UTC)
        except (OverflowError, ValueError, OSError):  # past year 9999: not a moment
            return None
    return None


def elements(answer: Any) -> list[dict[str, Any]]:
    found = answer.get("elements") if isinstance(answer, dict) else None
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def has_next(answer: Any) -> bool:
    paging = answer.get("paging") if isinstance(answer, dict) else None
    links = paging.get("links") if isinstance(paging, dict) else None
    return isinstance(links, list) and any(
        isinstance(link, dict) and link.get("rel") == "next" for link in links
    )


def recent_posts(api: LinkedIn, organization: str, *, count: int, start: int = 0) -> Any:
    return api.get(
        "/rest/posts",
        client.query(
            q="author", author=organization, count=count, start=start, sortBy="LAST_MODIFIED"
        ),
    )


def comments_on(api: LinkedIn, target: str, *, pages: int = COMMENT_PAGES) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in range(pages):
        answer = api.get(
            client.path("socialActions", target, "comments"),
            client.query(start=page * COMMENT_PAGE, count=COMMENT_PAGE),
        )
        found += elements(answer)
        if not has_next(answer):
            break
    return found


def replies_count(comment: dict[str, Any]) -> int:
    summary = comment.get("commentsSummary")
    total = summary.get("aggregatedTotalComments") if isinstance(summary, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else 0


def interaction(comment: dict[str, Any], post: str) -> IncomingInteraction | None:
    urn = comment.get("commentUrn") or comment.get("$URN")
    actor = comment.get("actor")
    created = moment(comment.get("created"))
    message = comment.get("message")
    text = message.get("text") if isinstance(message, dict) else None
    if not isinstance(urn, str) or not isinstance(actor, str) or created is None:
        return None
    if not urn.startswith("urn:li:comment:"):
        # Not a comment's URN: the inbox's "delete" would delete whatever it names (a post).
        return None
    parent = comment.get("parentComment")
    # LinkedIn gives the author's URN only; their name needs a profile read Palabre's scopes
    # do not grant (uncertain): the inbox shows the member's id.
    short = actor.rsplit(":", 1)[-1]
    return IncomingInteraction(
        remote_id=urn,
        kind=InteractionKind.COMMENT,
        author=Author(remote_id=actor, handle=short),
        created_at=created,
        text=text if isinstance(text, str) else "",
        in_reply_to=parent if isinstance(parent, str) and parent else post,
        root=post,
    )


def read_all(api: LinkedIn, organization: str, since: datetime) -> list[IncomingInteraction]:
    posts = [
        p
        for p in elements(recent_posts(api, organization, count=WATCHED_POSTS))
        if isinstance(p.get("id"), str)
        and (moment(p.get("createdAt")) or since) >= since - timedelta(days=WATCH_DAYS)
    ]
    found: list[IncomingInteraction] = []
    for post in posts:
        post_urn = post["id"]
        for comment in comments_on(api, post_urn):
            item = interaction(comment, post_urn)
            if item is None:
                continue
            if comment.get("actor") != organization:
                found.append(item)
            if replies_count(comment) > 0:
                for reply in comments_on(api, item.remote_id, pages=1):
                    answer = interaction(reply, post_urn)
                    if answer is not None and reply.get("actor") != organization:
                        found.append(answer)
    return found


def poll(api: LinkedIn, *, organization: str, cursor: str | None, at: datetime) -> InteractionPage:
    current = Cursor.decode(cursor, at)
    read = list({i.remote_id: i for i in read_all(api, organization, at)}.values())
    fresh = sorted(
        (i for i in read if current.is_new(i)), key=lambda i: (i.created_at, i.remote_id)
    )
    known = [i for i in read if current.known(i)]
    return InteractionPage(items=tuple(fresh), next_cursor=current.after(fresh, known).encode())
