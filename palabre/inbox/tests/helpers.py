"""A published post on the demo network, people commenting under it or writing privately."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.ingest import channel_sync_poll
from palabre.inbox.models import ChannelSync, Interaction
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.publishing.media import media_store
from palabre.publishing.models import PostTarget
from palabre.publishing.publisher import post_publish_now, post_target_publish
from palabre.publishing.services import post_create
from palabre.publishing.tests.media_samples import image
from palabre.worker import loop


def published(
    workspace: Workspace, author: object, network: str = "mastodon", connector: str = "demo"
) -> PostTarget:
    """`connector`: "demo" can do everything, "demo_mastodon" cannot hide (as Mastodon)."""
    channel = channel_create_demo(workspace=workspace, network=network, name=f"{network} demo")
    Channel.objects.filter(pk=channel.pk).update(connector=connector)
    post = post_create(
        workspace=workspace,
        author=author,  # type: ignore[arg-type]
        idea="Le pain du jour est prêt.",
        category="helpful",
        networks=[network],
    )
    if network == "instagram":  # which publishes nothing without a photo or a video
        photo = media_store(
            workspace=workspace,
            uploaded_by=author,  # type: ignore[arg-type]
            name="pain.jpg",
            data=image(1080, 1080),
            alt_text="Un pain au levain",
            tags=[],
        )
        post.variants.get().media.set([photo])
    [target] = post_publish_now(post=post)
    post_target_publish(target)
    target.refresh_from_db()
    return target


def comment(
    target: PostTarget,
    text: str,
    *,
    handle: str = "@claire",
    name: str = "Claire Martin",
    kind: str = "comment",
    at: datetime | None = None,
    in_reply_to: str = "",
) -> DemoActivity:
    post = DemoPost.objects.get(pk=int(target.remote_id.removeprefix("post:")))
    return DemoActivity.objects.create(
        channel=target.channel,
        kind=kind,
        author_handle=handle,
        author_name=name,
        text=text,
        post=post,
        in_reply_to=in_reply_to,
        created_at=at or timezone.now() - timedelta(minutes=1),
    )


def private_message(
    channel: Channel,
    text: str,
    *,
    handle: str = "@claire",
    name: str = "Claire Martin",
    at: datetime | None = None,
    in_reply_to: str = "",
) -> DemoActivity:
    """A direct message to the channel's account (Mastodon's direct visibility)."""
    return DemoActivity.objects.create(
        channel=channel,
        kind="message",
        author_handle=handle,
        author_name=name,
        text=text,
        in_reply_to=in_reply_to,
        visibility="direct",
        created_at=at or timezone.now() - timedelta(minutes=1),
    )


def poll(channel: Channel) -> None:
    channel_sync_poll(ChannelSync.objects.get(channel=channel))


def ingested(activity: DemoActivity) -> Interaction:
    return Interaction.objects.get(channel=activity.channel, remote_id=activity.remote_id)


def run_worker() -> None:
    """What `palabre worker` does, until nothing is due."""
    loop.run(stop=threading.Event(), until_idle=True)
