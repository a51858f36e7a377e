from __future__ import annotations

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel


def channel_create_demo(*, workspace: Workspace, network: str, name: str) -> Channel:
    """A channel on the built-in demo network, which follows `network`'s rules."""
    handle = "@" + workspace.slug + "." + network + ".demo"
    return Channel.objects.create(
        workspace=workspace, network=network, connector="demo", name=name, handle=handle
    )


def channel_remove(*, channel: Channel) -> None:
    channel.delete()
