"""Threads' lists, page after page.

Threads pages with `paging.cursors.after` but, unlike the rest of the Graph API, gives no
`paging.next` on a user's posts and mentions ("you will have to use the before and after
cursors ... manually"): https://developers.facebook.com/docs/threads/retrieve-and-discover-posts
So a list ends on an empty page or a page without a new `after` cursor, not on a missing
`next` (the shared Graph.edge's rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from palabre.networks.meta.graph import Graph

PAGE = 100  # the most Threads gives in one page
MAX_PAGES = 10


class NotAllRead(Exception):
    """The list goes on past `max_pages`: what was read is not all there is."""


def items(
    graph: Graph, path: str, *, max_pages: int = MAX_PAGES, **params: Any
) -> Iterator[dict[str, Any]]:
    """The items of the list at `path`, in the network's order; NotAllRead at the end of
    `max_pages` pages when there is more."""
    after = None
    for _ in range(max_pages):
        page = graph.get(path, **params, limit=PAGE, **({"after": after} if after else {}))
        data = page.get("data")
        found = [i for i in data if isinstance(i, dict)] if isinstance(data, list) else []
        yield from found
        cursor = _after(page)
        if not found or not cursor or cursor == after:
            return
        after = cursor
    raise NotAllRead(path)


def _after(page: dict[str, Any]) -> str | None:
    paging = page.get("paging")
    cursors = paging.get("cursors") if isinstance(paging, dict) else None
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None
