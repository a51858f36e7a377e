"""Every CSV that leaves Palabre goes through one writer that keeps text cells text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from palabre.channels.services import channel_create_demo
from palabre.publishing.csvio import export_posts
from palabre.publishing.models import Post, PostStatus, PostVariant


@pytest.mark.xfail(
    strict=True, reason="issue 14, observation 13: channel names reach the posts CSV raw"
)
def test_observation_13_posts_csv_channel_names_cannot_run(cast) -> None:
    """Observation 13: a channel named like a formula stays text in the posts export."""
    names = ['=HYPERLINK("http://evil.example")', "+1", "-1+2", "@SUM(A1)"]
    for name in names:
        post = Post.objects.create(
            workspace=cast.workspace,
            author=cast.erin,
            idea="Pain",
            category="helpful",
            status=PostStatus.SCHEDULED,
            publish_at=datetime(2030, 1, 2, 9, 0, tzinfo=UTC),
        )
        channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name=name)
        variant = PostVariant.objects.create(post=post, network="mastodon", text="Pain")
        variant.channels.set([channel])
    rows = list(csv.DictReader(io.StringIO(export_posts(cast.workspace))))
    assert sorted(r["channels"] for r in rows) == sorted("'" + n for n in names)
