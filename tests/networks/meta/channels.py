"""Channels on the Graph API double, stored as connecting stores them (palabre/channels):
for the tests that need a connected account without going through the login each time."""

from __future__ import annotations

from dataclasses import dataclass

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.state import IGUser, Page, ThreadsUser


@dataclass(frozen=True)
class Connected:
    channel: Channel
    account_id: str  # the Page's, the Instagram user's or the Threads user's id
    page: Page | None = None
    ig: IGUser | None = None
    threads: ThreadsUser | None = None


def facebook(double: MetaDouble, workspace: Workspace, *, followers: int = 1200) -> Connected:
    page = double.page(
        double.person("Brigitte Boulanger"), "Boulangerie Lumière", followers=followers
    )
    channel = _channel(workspace, "facebook", page.name, page.name, page.id)
    channel.save_credentials({"page_id": page.id, "page_token": double.page_token(page)})
    return Connected(channel, page.id, page=page)


def instagram(double: MetaDouble, workspace: Workspace, *, followers: int = 800) -> Connected:
    page = double.page(double.person("Brigitte Boulanger"), "Boulangerie Lumière")
    ig = double.instagram(page, f"lumiere.{double.world.new_id()}", followers=followers)
    channel = _channel(workspace, "instagram", "Lumière on Instagram", ig.username, ig.id)
    channel.save_credentials(
        {"ig_user_id": ig.id, "page_id": page.id, "page_token": double.page_token(page)}
    )
    return Connected(channel, ig.id, page=page, ig=ig)


def threads(double: MetaDouble, workspace: Workspace, *, followers: int = 300) -> Connected:
    user = double.threads_user(f"lumiere.{double.world.new_id()}", followers=followers)
    channel = _channel(workspace, "threads", "Lumière on Threads", user.username, user.id)
    channel.save_credentials(
        {"threads_user_id": user.id, "access_token": double.threads_token(user)}
    )
    return Connected(channel, user.id, threads=user)


def _channel(
    workspace: Workspace, network: str, name: str, handle: str, account_id: str
) -> Channel:
    return Channel.objects.create(
        workspace=workspace,
        network=network,
        connector=network,
        name=name,
        handle=handle,
        account_id=account_id,
    )


def brand_texts(double: MetaDouble, connected: Connected) -> list[str]:
    """Everything the brand's account has on the network, as the network holds it: posts,
    comments, answers, thread parts (read from the double's state, never through Palabre)."""
    ids = {connected.account_id}
    said: list[str] = []
    for node in list(double.world.nodes.values()):
        author = getattr(node, "by", None) or getattr(node, "user_id", None)
        if (
            author not in ids
            or getattr(node, "parent_id", None)
            and node.kind
            in (
                "ig_media",
                "threads_media",
            )
        ):
            continue  # a carousel's items are part of their album
        if node.kind == "post" and not getattr(node, "published", True):
            continue
        text = (
            getattr(node, "message", None)
            or getattr(node, "caption", None)
            or getattr(node, "text", None)
        )
        if node.kind in ("post", "comment", "ig_media", "ig_comment", "threads_media") and text:
            said.append(str(text))
    return said
