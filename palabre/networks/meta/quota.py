"""A daily publishing quota as Instagram and Threads state it.

Both answer `{"data": [{"quota_usage", "config": {"quota_total", "quota_duration"}}]}`:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
https://developers.facebook.com/docs/threads/troubleshooting#retrieve-publishing-quota-limit
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext

from palabre.networks.base import PublishingLimit, Unavailable

LONGEST_WINDOW = 7 * 86400  # seconds; a window beyond a week is no quota (nor a timedelta)


def publishing_limit_of(answer: dict[str, Any], *, network: str) -> PublishingLimit:
    data = answer.get("data")
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    config = first.get("config")
    config = config if isinstance(config, dict) else {}
    used, total = first.get("quota_usage"), config.get("quota_total")
    if not isinstance(used, int) or not isinstance(total, int):
        raise Unavailable(
            gettext("%(network)s did not give its publishing limit.") % {"network": network}
        )
    seconds = config.get("quota_duration")
    # A day, documented.
    window = (
        timedelta(seconds=seconds)
        if isinstance(seconds, int) and 0 < seconds <= LONGEST_WINDOW
        else timedelta(hours=24)
    )
    return PublishingLimit(total=total, used=used, window=window)
