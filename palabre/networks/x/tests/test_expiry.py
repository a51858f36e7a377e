"""An X channel's token expiry as the inbox meets it, through the connector and the X
double: a two-hour token is refreshed on the way; a refresh X refuses leaves the channel
needing reconnecting, with a message saying so, and its owners told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from palabre.accounts.models import User as Person
from palabre.channels.models import Channel, ChannelStatus
from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll
from palabre.inbox.models import Interaction
from palabre.networks.x import oauth
from palabre.networks.x.tests.conftest import Brand
from palabre.publishing.models import Notice
from tests.networks.x.double import XDouble
from tests.networks.x.state import User


def _two_hours_later(double: XDouble, brand: Brand) -> None:
    """The access token's two hours are over, on X's side and in what Palabre stored."""
    double.later()
    channel = brand.channel
    gone = (timezone.now() - timedelta(minutes=1)).isoformat()
    channel.save_credentials({**channel.credentials, "expires_at": gone})


def test_an_expired_token_is_refreshed_and_the_poll_goes_on(
    x_double: XDouble, brand: Brand, fan: User
) -> None:
    x_double.post(fan, f"@{brand.user.username} ouvert dimanche ?")
    _two_hours_later(x_double, brand)
    before = brand.channel.credentials
    channel_sync_poll(channel_sync_ensure(brand.channel))
    channel = Channel.objects.get(pk=brand.channel.pk)
    assert channel.status == ChannelStatus.ACTIVE
    assert Interaction.objects.filter(channel=channel).count() == 1
    after = channel.credentials
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] != before["refresh_token"]
    assert x_double.access(after["access_token"]).user_id == brand.user.id


def test_a_refused_refresh_needs_reconnecting_and_says_so(
    x_double: XDouble, brand: Brand, cast: Any
) -> None:
    Person.objects.all().update(language="en")
    _two_hours_later(x_double, brand)
    # Spent elsewhere (another Palabre holding a copy, or a refresh answer lost in a crash).
    oauth.token_refresh(refresh_token=brand.channel.credentials["refresh_token"])
    channel_sync_poll(channel_sync_ensure(brand.channel))
    channel = Channel.objects.get(pk=brand.channel.pk)
    assert channel.status == ChannelStatus.NEEDS_RECONNECT
    assert "X no longer lets Palabre renew its access to this account" in channel.status_reason
    assert "Connect X" in channel.status_reason
    told = Notice.objects.filter(workspace=cast.workspace, user=cast.alice).get()
    assert "needs reconnecting" in told.text
