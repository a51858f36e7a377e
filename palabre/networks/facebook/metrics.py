"""A Page post's figures: its counts (shares, comments) and its insights.

Insights https://developers.facebook.com/docs/graph-api/reference/insights#page-posts:
`GET /{post}/insights?metric=...` answers `{"data": [{"name", "period", "values": [{"value"}]}]}`;
post_impressions (times shown), post_impressions_unique (people reached),
post_reactions_by_type_total (`{"like": 3, "love": 1}`), post_video_views (videos only).
Shares come from the post itself (`shares.count`), comments and replies from the summary
of its comments (https://developers.facebook.com/docs/graph-api/reference/object/comments).
Meta computes insights once a day and only for Pages with enough followers: what it does
not give stays None (not said), never 0.
"""

from __future__ import annotations

from typing import Any

from palabre.networks.base import PostMetrics, Rejected
from palabre.networks.facebook import parse
from palabre.networks.meta.graph import Graph

POST_FIELDS = "status_type,shares"
INSIGHTS = ("post_impressions", "post_impressions_unique", "post_reactions_by_type_total")
VIDEO_INSIGHTS = ("post_video_views",)


def metrics_of(graph: Graph, post_id: str) -> PostMetrics | None:
    """None when Facebook says nothing of the post (deleted, or not the Page's)."""
    try:
        post = graph.get(post_id, fields=POST_FIELDS)
    except Rejected:
        return None
    names = INSIGHTS + (VIDEO_INSIGHTS if post.get("status_type") == "added_video" else ())
    try:
        found = graph.get(f"{post_id}/insights", metric=",".join(names), period="lifetime")
    except Rejected:
        found = {}  # no insights for this Page (too few followers, or not yet computed)
    values = _values(found)
    reactions = values.get("post_reactions_by_type_total")
    # Comments and their replies (filter=stream), counted by the edge's summary.
    try:
        comments = graph.get(
            f"{post_id}/comments", filter="stream", summary=True, limit=1, fields="id"
        )
    except Rejected:
        comments = {}
    return PostMetrics(
        likes=_total(reactions),
        replies=_count(parse.dict_of(comments.get("summary")), "total_count"),
        reposts=_count(parse.dict_of(post.get("shares")), "count"),
        impressions=_number(values.get("post_impressions")),
        reach=_number(values.get("post_impressions_unique")),
        video_views=_number(values.get("post_video_views")),
    )


def _values(answer: dict[str, Any]) -> dict[str, Any]:
    """Each metric's latest value (lifetime metrics have one)."""
    found: dict[str, Any] = {}
    data = answer.get("data")
    for row in data if isinstance(data, list) else []:
        row = parse.dict_of(row)
        values = row.get("values")
        if isinstance(row.get("name"), str) and isinstance(values, list) and values:
            found[row["name"]] = parse.dict_of(values[-1]).get("value")
    return found


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, int(value))


def _total(value: Any) -> int:
    """Reactions by type (`{"like": 3, "love": 1}`), all together."""
    if isinstance(value, dict):
        return sum(n for n in (_number(v) for v in value.values()) if n is not None)
    return _number(value) or 0


def _count(container: dict[str, Any], key: str) -> int:
    return _number(container.get(key)) or 0
