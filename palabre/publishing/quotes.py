"""A quoted post on X, given by its address or its number.

X quotes a post by its id (`quote_tweet_id`: https://docs.x.com/x-api/posts/create-post).
People copy the address from their browser or the app's share button: x.com or
twitter.com, often with a query string (`?s=20&t=…`); some paste the bare number. The
composer keeps one canonical address (`quote_address`), which the approver sees and the
preview links to; the publisher sends the id it names (`quoted_post_id`).
"""

from __future__ import annotations

import re

# https://x.com/<user>/status/<id>: a username is 1 to 15 letters, digits or underscores
# (https://help.x.com/en/managing-your-account/x-username-rules); `i/web` is X's address
# for a post whose author is not named. Ids are positive 64-bit numbers (snowflakes).
_ID = r"[1-9][0-9]{0,18}"
ADDRESS = re.compile(
    r"https://(?:www\.|mobile\.)?(?:x|twitter)\.com/"
    rf"(?P<user>[A-Za-z0-9_]{{1,15}}|i/web)/status/(?P<id>{_ID})/?(?:\?[^\s#]*)?",
    re.ASCII | re.IGNORECASE,
)
BARE_ID = re.compile(_ID, re.ASCII)


def quoted_post_id(value: str) -> str | None:
    """The id of the post an address (or a bare id) names; None if it names none."""
    value = value.strip()
    if BARE_ID.fullmatch(value):
        return value
    found = ADDRESS.fullmatch(value)
    return found["id"] if found else None


def quote_address(value: str) -> str:
    """The canonical address of the quoted post ("" if `value` names none): on x.com,
    without the query string; `i/web` for a bare id."""
    value = value.strip()
    found = ADDRESS.fullmatch(value)
    if found:
        user = "i/web" if found["user"].lower() == "i/web" else found["user"]
        return f"https://x.com/{user}/status/{found['id']}"
    if BARE_ID.fullmatch(value):
        return f"https://x.com/i/web/status/{value}"
    return ""
