"""Measuring: a post's insights and the account's followers, against the Graph API double."""

from __future__ import annotations

import secrets

import pytest

from palabre.networks.base import PostMetrics
from palabre.networks.instagram.connector import InstagramConnector
from palabre.networks.instagram.tests.conftest import Brand
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import IGMedia


def media(double: MetaDouble, brand: Brand, **fields: object) -> IGMedia:
    return double.world.add(  # type: ignore[no-any-return]
        IGMedia(
            id=double.world.new_id(),
            user_id=brand.ig.id,
            page_id=brand.page.id,
            caption="Measured",
            created=double.world.now(),
            shortcode=secrets.token_hex(5),
            **fields,  # type: ignore[arg-type]
        )
    )


def test_a_posts_insights(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    photo = media(
        meta_double,
        brand,
        like_count=25,
        stats={"reach": 120, "views": 300, "shares": 4, "saved": 9},
    )
    reel = media(
        meta_double,
        brand,
        media_type="VIDEO",
        product_type="REELS",
        like_count=3,
        stats={"reach": 50, "views": 210, "shares": 1, "saved": 2},
    )
    fan.ig_comment(photo.id, "Nice")
    fan.ig_reply(fan.ig_comment(photo.id, "Lovely").id, "Indeed")

    found = connector.post_metrics(remote_ids=[photo.id, reel.id])
    assert found[photo.id] == PostMetrics(
        likes=25, replies=3, reposts=4, impressions=300, reach=120, saves=9, video_views=None
    )
    assert found[reel.id] == PostMetrics(
        likes=3, replies=0, reposts=1, impressions=210, reach=50, saves=2, video_views=210
    )


def test_without_insights_the_posts_own_counts_stand_in(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand, fan: Fan
) -> None:
    """(#10) "Not enough viewers for the media to show insights": Instagram's documented
    answer for media few have seen; it is no lost permission."""
    photo = media(meta_double, brand, like_count=7)
    fan.ig_comment(photo.id, "First!")
    meta_double.fail(
        f"/v26.0/{photo.id}/insights",
        code=10,
        message="(#10) Not enough viewers for the media to show insights",
    )
    [(remote_id, metrics)] = connector.post_metrics(remote_ids=[photo.id]).items()
    assert (remote_id, metrics.likes, metrics.replies, metrics.reach, metrics.saves) == (
        photo.id,
        7,
        1,
        None,
        None,
    )


def test_the_accounts_followers(connector: InstagramConnector) -> None:
    found = connector.account_metrics()
    assert (found.followers, found.following) == (812, 90)


def test_a_deleted_post_is_no_longer_measured(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand
) -> None:
    from palabre.networks.base import Rejected

    gone = media(meta_double, brand)
    meta_double.delete_tree(gone.id)
    with pytest.raises(Rejected):
        connector.post_metrics(remote_ids=[gone.id])
