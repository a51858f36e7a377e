"""xdk 0.10 speaks X's newer field names (referenced_posts, edit_history_post_ids,
repost_count, includes.posts); X's documentation still shows the tweet names
(referenced_tweets, edit_history_tweet_ids, retweet_count, includes.tweets). The connector
reads both: the same scenario runs against the double speaking each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from palabre.networks.base import InteractionKind, OutgoingPost
from palabre.networks.x import parse
from palabre.networks.x.tests.conftest import Brand
from tests.networks.x.double import XDouble
from tests.networks.x.state import User

pytestmark = [pytest.mark.network, pytest.mark.django_db]


@pytest.mark.parametrize("tweet_names", [False, True], ids=["xdk-names", "tweet-names"])
def test_the_connector_reads_either_names(
    x_double: XDouble, brand: Brand, fan: User, tweet_names: bool
) -> None:
    x_double.tweet_names = tweet_names
    connector = brand.connector()
    started = datetime.now(UTC) - timedelta(seconds=5)
    root = connector.publish(_post("Pain de seigle"))
    thread = connector.publish(_post("la suite", reply_to=root.remote_id))
    x_double.world.posts[root.remote_id].reposts = 7
    reply = x_double.post(fan, "Miam", reply_to=root.remote_id)
    quote = x_double.post(fan, f"@{brand.user.username} à tester", quote_of=root.remote_id)

    items = {i.remote_id: i for i in connector.fetch_interactions(cursor=None).items}
    assert items[reply.id].kind == InteractionKind.COMMENT
    assert items[reply.id].in_reply_to == root.remote_id
    assert items[quote.id].kind == InteractionKind.QUOTE
    assert items[quote.id].in_reply_to == root.remote_id

    metrics = connector.post_metrics(remote_ids=[root.remote_id])[root.remote_id]
    assert (metrics.reposts, metrics.replies, metrics.quotes) == (7, 2, 1)

    recent = connector.recent_posts(since=started, in_reply_to=root.remote_id)
    assert [p.remote_id for p in recent] == [thread.remote_id]

    # The double did speak the names asked for.
    raw = httpx.get(
        f"{x_double.url}/2/users/{brand.user.id}/mentions",
        params={"expansions": "referenced_posts"},
        headers={"Authorization": f"Bearer {brand.token}"},
    ).text
    assert ("referenced_tweets" in raw) is tweet_names
    assert ("referenced_posts" in raw) is not tweet_names


def _post(text: str, reply_to: str | None = None) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", reply_to=reply_to)


@pytest.mark.parametrize(
    ("refs", "repost", "includes"),
    [
        ("referenced_posts", "repost_count", "posts"),
        ("referenced_tweets", "retweet_count", "tweets"),
    ],
)
def test_parse_takes_either_name(refs: str, repost: str, includes: str) -> None:
    raw = {
        "id": "20",
        "text": "a https://t.co/abc",
        "entities": {
            "urls": [
                {
                    "start": 2,
                    "end": 20,
                    "url": "https://t.co/abc",
                    "expanded_url": "https://lumiere.example/pain",
                }
            ]
        },
        refs: [{"type": "replied_to", "id": "10"}, {"type": "quoted", "id": "11"}],
        "public_metrics": {
            repost: 3,
            "like_count": 2,
            "reply_count": 1,
            "quote_count": 0,
            "impression_count": 40,
            "bookmark_count": 1,
        },
    }
    post = parse.post(raw)
    assert post is not None
    assert (post.replied_to, post.quoted) == ("10", "11")
    assert post.text == "a https://lumiere.example/pain"
    assert parse.metrics(raw, own=True).reposts == 3
    assert parse.metrics(raw, own=True).impressions == 40
    assert parse.metrics(raw, own=False).impressions is None
    page = {"includes": {includes: [raw]}}
    assert [p.id for p in parse.included_posts(page)] == ["20"]
