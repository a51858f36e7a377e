"""What a connector that declares SEARCH_POSTS must do, against a real server: shared by
the contract suite (test_contract.py: Takahē, mastodon-mock, the X double) and the local
Bluesky network (tests/bluesky/test_search.py), which is not one of its servers yet."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from palabre.networks.base import PublicPost
from tests.networks.harness import eventually

SKEW = timedelta(seconds=5)  # the server's clock and the test's


def _found(connector: Any, query: str, since: datetime, remote_id: str) -> PublicPost | None:
    posts = connector.search_posts(query=query, since=since)
    times = [p.created_at for p in posts]
    assert times == sorted(times, reverse=True), "newest first"
    return next((p for p in posts if p.remote_id == remote_id), None)


def search_contract(
    connector: Any,
    *,
    post: Callable[[str], str],
    author_id: str,
    no_word_search: str = "",
    copied: bool = False,
) -> None:
    """A public post found by its hashtag and, where the server searches words, by a word;
    nothing older than `since`. `post`: the peer publishes a text, returns its remote id.
    Words and hashtags are sent folded (Term.query): lower case, as posted here. `copied`:
    the network copies posts across servers, each under its own id (Mastodon): a post found
    says its one address everywhere, which listening keeps it once by."""
    mark = uuid.uuid4().hex[:8]
    tag, word = f"levain{mark}", f"fournil{mark}"
    since = datetime.now(UTC) - SKEW
    tagged = post(f"Une fournée au levain #{tag}")
    worded = post(f"Qui connaît le {word} de la rue ?")

    found = eventually(lambda: _found(connector, f"#{tag}", since, tagged))
    assert f"#{tag}" in found.text
    assert found.author.remote_id == author_id and found.author.handle
    assert found.url.startswith("https://")
    assert found.created_at >= since - SKEW
    if copied:
        assert found.canonical.startswith(("https://", "http://")), found.canonical
        assert found.canonical != found.remote_id
    else:
        assert found.canonical == "", "ids are the network's own: no other address"
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert connector.search_posts(query=f"#{tag}", since=later) == []

    if no_word_search:  # said, never silently passed
        assert connector.search_posts(query=word, since=since) == [], no_word_search
        return
    found = eventually(lambda: _found(connector, word, since, worded))
    assert found.text == f"Qui connaît le {word} de la rue ?"
    assert found.author.remote_id == author_id
