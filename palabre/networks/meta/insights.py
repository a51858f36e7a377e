"""The account's reach over its last whole day, from the Graph API's insights.

Both Page and Instagram insights answer `{"data": [{"name", "period", "values": [{"value",
"end_time"}, …]}]}`, one value per day, the latest last:
https://developers.facebook.com/docs/graph-api/reference/page/insights/ and
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/insights
The reach alert (analytics/collect.py) compares each day's figure with the weeks before.
"""

from __future__ import annotations

from typing import Any

from palabre.networks.base import Rejected, Unavailable
from palabre.networks.meta.graph import Graph


def day_reach(graph: Graph, account_id: str, *, metric: str) -> int | None:
    """People reached over the last day the network reports, or None when it says nothing
    usable (the account too small for insights, a metric it withdrew): the followers are
    still recorded, only the alert has no figure for that day."""
    try:
        answer = graph.get(f"{account_id}/insights", metric=metric, period="day")
    except (Rejected, Unavailable):
        return None
    return latest_value(answer, metric)


def latest_value(answer: dict[str, Any], metric: str) -> int | None:
    data = answer.get("data")
    for result in data if isinstance(data, list) else []:
        if not isinstance(result, dict) or result.get("name") != metric:
            continue
        values = result.get("values")
        last = values[-1] if isinstance(values, list) and values else None
        value = last.get("value") if isinstance(last, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None
