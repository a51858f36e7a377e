"""The demo network as X bills it: each request the real connector would make is counted
for the channel, under the same kind (networks/x/client.py), so that the demo's X channel
shows its requests this month, their estimated cost and the workspace's cap
(channels/x_cost.py) as a real X channel does."""

from __future__ import annotations

from datetime import datetime

from palabre.channels.usage import usage_record
from palabre.networks.base import (
    AccountMetrics,
    InteractionKind,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    Visibility,
)
from palabre.networks.demo.connector import DemoConnector
from palabre.publishing.rules import entities


class DemoXConnector(DemoConnector):
    key = "demo_x"
    label = "Demo network (X)"
    hides_kinds = frozenset({InteractionKind.COMMENT})  # as X: replies to its own posts
    visibilities = (Visibility.PUBLIC,)  # as X: every reply is public

    def _count(self, kind: str, count: int = 1) -> None:
        usage_record(channel_id=self.channel.pk, kind=kind, count=count)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        self._count("post_create_url" if entities.urls(post.text) else "post_create")
        return super().publish(post)

    def upload_media(self, upload: MediaUpload) -> Media:
        self._count("media_upload", 2 if upload.alt_text else 1)  # the file, its alt text
        return super().upload_media(upload)

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        self._count("post_create")
        return super().reply(
            to_remote_id=to_remote_id,
            text=text,
            idempotency_key=idempotency_key,
            created_at=created_at,
            visibility=visibility,
        )

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        page = super().fetch_interactions(cursor=cursor)
        self._count("post_read", max(1, len(page.items)))  # X bills each post read
        return page

    def hide(self, *, remote_id: str) -> None:
        self._count("reply_hide")
        super().hide(remote_id=remote_id)

    def unhide(self, *, remote_id: str) -> None:
        self._count("reply_hide")
        super().unhide(remote_id=remote_id)

    def delete(self, *, remote_id: str) -> None:
        self._count("post_delete")
        super().delete(remote_id=remote_id)

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        self._count("post_read", max(1, len(remote_ids)))
        return super().post_metrics(remote_ids=remote_ids)

    def account_metrics(self) -> AccountMetrics:
        self._count("user_read")
        return super().account_metrics()
