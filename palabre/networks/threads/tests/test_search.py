"""Listening's search on Threads (`/keyword_search`), against the Graph API double: a word
or a topic tag, the most recent first, nothing older than `since`, and a channel connected
without the permission refused in words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from palabre.networks.base import Capability, Rejected
from palabre.networks.threads.tests.conftest import Brand
from tests.networks.meta.double import Fan, MetaDouble


def _mark() -> str:
    return uuid.uuid4().hex[:8]  # the double is shared by the run: words of this test only


def _searches(meta_double: MetaDouble) -> list[dict[str, str]]:
    return [p for _, path, p in meta_double.requests if path.endswith("/keyword_search")]


def test_a_word_finds_recent_posts_newest_first_and_none_older_than_since(
    meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    word = f"fournil{_mark()}"
    old = fan.threads_post(f"Le {word} d'avant")
    old.created = meta_double.world.now() - 3600
    first = fan.threads_post(f"Un {word.upper()} ouvre")
    second = fan.threads_post(f"Le {word}, enfin !")
    connector = brand.connector()
    assert connector.supports(Capability.SEARCH_POSTS)

    found = connector.search_posts(query=word, since=datetime.now(UTC) - timedelta(minutes=10))

    assert [p.remote_id for p in found] == [second.id, first.id]  # case folded, not the old
    post = found[0]
    assert post.text == f"Le {word}, enfin !"
    assert post.author.remote_id == post.author.handle == fan.threads.username
    assert post.url == f"https://www.threads.net/@{fan.threads.username}/post/{second.shortcode}"
    assert abs(post.created_at.timestamp() - second.created) < 1 and post.langs == ()
    sent = _searches(meta_double)[-1]
    assert (sent["q"], sent["search_type"], sent["search_mode"]) == (word, "RECENT", "KEYWORD")
    assert int(sent["since"]) <= int((datetime.now(UTC) - timedelta(minutes=10)).timestamp())
    assert [p.remote_id for p in connector.search_posts(query=word)][-1] == old.id


def test_a_hashtag_is_searched_as_a_topic_tag_without_its_sign(
    meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    tag = f"levain{_mark()}"
    tagged = fan.threads_post(f"Une fournée au levain #{tag.capitalize()}")
    fan.threads_post(f"Le mot {tag} sans dièse")

    found = brand.connector().search_posts(query=f"#{tag}")

    assert [p.remote_id for p in found] == [tagged.id]
    sent = _searches(meta_double)[-1]
    assert (sent["q"], sent["search_mode"]) == (tag, "TAG")
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert brand.connector().search_posts(query=f"#{tag}", since=later) == []


def test_a_channel_connected_without_the_permission_is_refused_in_words(
    meta_double: MetaDouble, brand: Brand
) -> None:
    """Connected before Palabre asked for threads_keyword_search: each search is refused
    (Rejected: polling leaves that query out), the channel keeps working otherwise."""
    token = meta_double.token(brand.token)
    token.scopes = [s for s in token.scopes if s != "threads_keyword_search"]

    with pytest.raises(Rejected) as refused:
        brand.connector().search_posts(query="levain")

    assert refused.value.reason == (
        "Threads does not let Palabre search from this account: connect it again and allow "
        "keyword search."
    )
    assert brand.connector().recent_posts(since=datetime.now(UTC) - timedelta(hours=1)) == []
