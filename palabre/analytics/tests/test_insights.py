"""Insights say how sure they are, and say nothing below their minimum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from palabre.analytics.insights import (
    FORMATS,
    MIN_GROUP,
    MIN_POSTS,
    channel_insights,
    mean_interval,
)
from palabre.analytics.metrics import Scope
from palabre.analytics.models import PostStat
from palabre.analytics.tests.handmade import published_post as _post
from palabre.channels.services import channel_create_demo

pytestmark = pytest.mark.django_db
END = datetime(2026, 6, 30, tzinfo=UTC)


def test_mean_interval_by_hand() -> None:
    mean, low, high = mean_interval([1, 2, 3, 4])
    # sd = 1.29099, t(0.975, 3 df) = 3.18245, half width = 3.18245 × 1.29099 / 2
    assert mean == 2.5
    assert low == pytest.approx(2.5 - 2.05426, abs=1e-4)
    assert high == pytest.approx(2.5 + 2.05426, abs=1e-4)
    assert mean_interval([0.3]) == (0.3, 0.3, 0.3)


def _posts(ws, channel, formats: list[tuple[str, int]]) -> None:
    when = END - timedelta(days=200)
    for n, (fmt, likes) in enumerate(formats):
        target = _post(
            ws, channel, when + timedelta(days=n), "helpful", likes=likes, followers=1000
        )
        PostStat.objects.filter(target=target).update(media_format=fmt)


def test_best_format_is_found_with_its_interval(cast) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="X")
    rng = np.random.default_rng(3)
    videos = [int(v) for v in rng.normal(50, 5, 20)]
    texts = [int(v) for v in rng.normal(10, 3, 20)]
    _posts(cast.workspace, channel, [("video", v) for v in videos] + [("text", v) for v in texts])
    found = channel_insights(Scope(cast.workspace, END - timedelta(days=30), END))
    fmt = next(i for i in found if i.dimension == "format")
    assert fmt.posts == 40 and fmt.best is not None
    assert fmt.best.label == str(FORMATS["video"]) and fmt.best.n == 20
    expected = mean_interval([v / 1000 for v in videos])
    assert (fmt.best.mean, fmt.best.low, fmt.best.high) == pytest.approx(expected)
    assert fmt.average == pytest.approx(np.mean([v / 1000 for v in videos + texts]))
    assert fmt.clearly_better


def test_not_enough_data_is_said(cast) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="X")
    _posts(cast.workspace, channel, [("video", 50)] * MIN_GROUP + [("text", 10)] * 5)
    assert MIN_GROUP + 5 < MIN_POSTS
    found = channel_insights(Scope(cast.workspace, END - timedelta(days=30), END))
    assert found and all(i.best is None for i in found)
    assert all(i.posts == MIN_GROUP + 5 for i in found)


def test_a_close_call_is_not_called_clearly_better(cast) -> None:
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="X")
    rng = np.random.default_rng(5)
    same = [("video", int(v)) for v in rng.normal(20, 8, 20)]
    same += [("text", int(v)) for v in rng.normal(20, 8, 20)]
    _posts(cast.workspace, channel, same)
    found = channel_insights(Scope(cast.workspace, END - timedelta(days=30), END))
    fmt = next(i for i in found if i.dimension == "format")
    assert fmt.best is not None and not fmt.clearly_better
