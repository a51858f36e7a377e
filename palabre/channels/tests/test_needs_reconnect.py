"""A channel whose access stops working tells the people who can reconnect it, once, in
their language, whatever the network and whichever path found out."""

from __future__ import annotations

from django.core import mail

from palabre.accounts.models import Membership, Role, User
from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import channel_mark_needs_reconnect, channel_reactivate
from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll
from palabre.publishing.models import Notice


def test_owners_and_managers_are_told_once_in_their_language(cast) -> None:
    User.objects.filter(pk=cast.bob.pk).update(language="en")  # alice reads French
    channel = Channel.objects.create(
        workspace=cast.workspace, network="facebook", connector="facebook", name="Lumière FB"
    )
    channel_mark_needs_reconnect(channel=channel, reason="token revoked")
    channel_mark_needs_reconnect(channel=channel, reason="token revoked again")
    notices = {n.user.email: n for n in Notice.objects.select_related("user")}
    assert set(notices) == {"alice@example.com", "bob@example.com"}
    assert "Lumière FB" in notices["bob@example.com"].text
    assert "(Facebook Page)" in notices["bob@example.com"].text
    assert "(Page Facebook)" in notices["alice@example.com"].text
    assert notices["bob@example.com"].url == f"/w/lumiere/settings/channels/#channel-{channel.pk}"
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert all("/w/lumiere/settings/channels/#channel-" in m.body for m in mail.outbox)
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_RECONNECT
    assert channel.status_reason == "token revoked again"


def test_after_reconnecting_a_new_failure_tells_them_again(cast) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="x", connector="demo", name="Lumière X"
    )
    channel_mark_needs_reconnect(channel=channel, reason="revoked")
    channel_reactivate(channel=channel)
    channel_mark_needs_reconnect(channel=channel, reason="revoked")
    assert Notice.objects.filter(user=cast.alice).count() == 2


def test_a_disconnected_channel_tells_no_one(cast) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="mastodon",
        connector="mastodon",
        name="M",
        status=ChannelStatus.DISABLED,
    )
    channel_mark_needs_reconnect(channel=channel, reason="this channel is not connected")
    assert not Notice.objects.exists()


def test_nobody_outside_the_workspace_nor_without_the_role_is_told(cast) -> None:
    outsider = Channel.objects.create(
        workspace=cast.other_workspace, network="x", connector="demo", name="Ailleurs X"
    )
    Membership.objects.create(workspace=cast.other_workspace, user=cast.erin, role=Role.EDITOR)
    channel_mark_needs_reconnect(channel=outsider, reason="revoked")
    assert list(Notice.objects.values_list("user__email", "workspace__slug")) == [
        ("charlie@example.com", "ailleurs")
    ]


def test_the_inbox_finding_a_refused_token_tells_the_owners(cast) -> None:
    # A Mastodon channel whose credentials are gone: its connector says AuthExpired.
    channel = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name="Lumière M"
    )
    channel_sync_poll(channel_sync_ensure(channel))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_RECONNECT
    assert Notice.objects.filter(user=cast.alice, text__contains="Lumière M").count() == 1
