"""Post and account metrics on the X double; impressions only for the account's own posts."""

from __future__ import annotations

import pytest

from palabre.networks.x.tests.conftest import Brand
from tests.networks.x.double import XDouble
from tests.networks.x.state import User

pytestmark = [pytest.mark.network, pytest.mark.django_db]


def test_post_metrics(x_double: XDouble, brand: Brand, fan: User) -> None:
    own = x_double.post(brand.user, "Le pain du jour", likes=12, reposts=3, impressions=480)
    x_double.post(fan, "Super", reply_to=own.id)
    x_double.post(fan, "Vu", quote_of=own.id)
    theirs = x_double.post(fan, "mine", likes=1, impressions=99)
    gone = x_double.post(brand.user, "deleted")
    x_double.world.posts[gone.id].deleted = True

    found = brand.connector().post_metrics(remote_ids=[own.id, theirs.id, gone.id])

    assert set(found) == {own.id, theirs.id}  # a deleted post is left out, the others measured
    mine = found[own.id]
    assert (mine.likes, mine.reposts, mine.replies, mine.quotes) == (12, 3, 1, 1)
    assert mine.impressions == 480
    assert found[theirs.id].impressions is None
    assert brand.request_count() == 1 and brand.requests() == {"post_read": 2}  # 2 posts read


def test_account_metrics(brand: Brand) -> None:
    metrics = brand.connector().account_metrics()
    assert metrics.followers == 1200 and metrics.following == 0
    assert brand.requests() == {"user_read": 1}
