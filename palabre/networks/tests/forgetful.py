"""A test network that takes no idempotency key and shows its recent posts back: the kind of
network reconciliation is for (Threads, X, LinkedIn, a Mastodon server that ignores
Idempotency-Key).

It lives in the demo network's tables, but each send makes a new post whatever its key, and
an answer to a comment starts with the commenter's mention, as Mastodon writes it. It is
registered for a test only: `forgetful_channel` in the test's process, `WORKER` for a
`palabre worker` process (forgetful_worker.py).
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.networks.base import Capability, Media, PublishedPost, RecentPost, Visibility
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.networks.registry import CONNECTORS

if TYPE_CHECKING:
    import pytest

KEY = "forgetful"
WORKER = [sys.executable, "-m", "palabre.networks.tests.forgetful_worker", "worker"]


class ForgetfulConnector(DemoConnector):
    key = KEY
    label = "Forgetful network (tests)"
    capabilities = DemoConnector.capabilities | Capability.RECENT_POSTS
    read_back_within = timedelta(seconds=1)

    @property
    def idempotent(self) -> bool:
        return False

    def _create(
        self,
        text: str,
        key: str,
        in_reply_to: str,
        media: tuple[Media, ...],
        visibility: Visibility,
    ) -> PublishedPost:
        # The key means nothing here: a second send is a second post.
        unique = f"{key}/{uuid.uuid4().hex}"
        text = _mentioning(text, in_reply_to)
        return super()._create(text, unique, in_reply_to, media, visibility)

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        rows = DemoPost.objects.filter(channel=self.channel, created_at__gte=since)
        if in_reply_to is not None:
            rows = rows.filter(in_reply_to=in_reply_to)
        return [
            RecentPost(
                remote_id=row.remote_id,
                text=row.text,
                created_at=row.created_at,
                url=f"demo://{self.channel.pk}/{row.pk}",
                media_count=len(row.media_ids),
                in_reply_to=row.in_reply_to or None,
            )
            for row in rows.order_by("pk")
        ]


def _mentioning(text: str, in_reply_to: str) -> str:
    """An answer to a comment names its author first, as Mastodon does."""
    if not in_reply_to.startswith("act:"):
        return text
    handle = DemoActivity.objects.get(pk=int(in_reply_to.removeprefix("act:"))).author_handle
    return text if text.startswith(handle) else f"{handle} {text}"


def forgetful_channel(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, network: str = "mastodon"
) -> Channel:
    """A channel on the forgetful network, registered for this test."""
    monkeypatch.setitem(CONNECTORS, KEY, f"{__name__}.ForgetfulConnector")
    return Channel.objects.create(
        workspace=workspace, network=network, connector=KEY, name="Oublieux", handle="@oublieux"
    )
