"""Insights, the publishing limit, deleting and reading the account's posts back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.networks.base import (
    AccountMetrics,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublishingLimit,
    Rejected,
)
from palabre.networks.threads.tests.conftest import PNG, Brand
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import ThreadsMedia


def _publish(brand: Brand, text: str, **fields: object) -> str:
    post = OutgoingPost(text=text, idempotency_key="k", **fields)  # type: ignore[arg-type]
    return brand.connector().publish(post).remote_id


def test_post_metrics_read_each_posts_insights(
    meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    first, second = _publish(brand, "Measured"), _publish(brand, "Measured too")
    stats = {"views": 900, "likes": 40, "reposts": 3, "quotes": 2, "shares": 5}
    node = meta_double.get(first)
    assert isinstance(node, ThreadsMedia)
    node.stats.update(stats)
    fan.threads_reply(first, "One")
    fan.threads_reply(first, "Two")

    metrics = brand.connector().post_metrics(remote_ids=[first, second, "404404404"])

    assert metrics == {
        first: PostMetrics(likes=40, reposts=3 + 5, replies=2, quotes=2, impressions=900),
        second: PostMetrics(likes=0, reposts=0, replies=0, quotes=0, impressions=0),
    }


def test_account_metrics_read_the_followers(brand: Brand) -> None:
    assert brand.connector().account_metrics() == AccountMetrics(followers=321)


def test_the_publishing_limit_counts_the_last_day(meta_double: MetaDouble, brand: Brand) -> None:
    brand.user.quota_total = 5
    _publish(brand, "One")
    _publish(brand, "Two")
    brand.connector().reply(
        to_remote_id=_publish(brand, "Three"), text="Answer", idempotency_key="a"
    )

    limit = brand.connector().publishing_limit()

    assert limit == PublishingLimit(total=5, used=3, window=timedelta(hours=24))
    assert limit.left == 2


def test_delete_removes_the_post(meta_double: MetaDouble, brand: Brand) -> None:
    doomed = _publish(brand, "Oops")

    brand.connector().delete(remote_id=doomed)

    assert meta_double.get(doomed) is None


def test_deleting_what_is_gone_is_refused(meta_double: MetaDouble, brand: Brand) -> None:
    doomed = _publish(brand, "Twice")
    brand.connector().delete(remote_id=doomed)

    with pytest.raises(Rejected):
        brand.connector().delete(remote_id=doomed)


def test_recent_posts_give_what_reconciliation_matches(
    meta_double: MetaDouble, brand: Brand
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    images = [
        brand.connector().upload_media(
            MediaUpload(
                "p.png", "image/png", PNG, public_url=meta_double.serve_media(PNG, "image/png")
            )
        )
        for _ in range(2)
    ]
    text_post = _publish(brand, "Plain words")
    album = _publish(brand, "Two pictures", media=tuple(images))
    part = brand.connector().reply(to_remote_id=text_post, text="2/2", idempotency_key="k-2")

    posts = brand.connector().recent_posts(since=since)
    answers = brand.connector().recent_posts(since=since, in_reply_to=text_post)

    assert [(p.remote_id, p.text, p.media_count, p.in_reply_to) for p in posts] == [
        (text_post, "Plain words", 0, None),
        (album, "Two pictures", 2, None),
    ]
    assert all(p.created_at >= since and p.url.startswith("https://") for p in posts)
    assert [(p.remote_id, p.text, p.in_reply_to) for p in answers] == [
        (part.remote_id, "2/2", text_post)
    ]
    assert brand.connector().recent_posts(since=datetime.now(UTC) + timedelta(minutes=1)) == []
