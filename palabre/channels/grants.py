"""What Meta (or Threads) says after a channel was connected through its login, and keeping
the token alive: the person who connected it removed Palabre (deauthorize), or asked that
Palabre forget their data (data deletion); a Threads token refreshed before it expires.

Those callbacks name the person (their app-scoped id, kept in each channel's ChannelGrant),
never the Pages: their channels are found through it.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.channels.models import (
    Channel,
    ChannelGrant,
    ChannelStatus,
    ConnectPending,
    DataDeletion,
    GrantApp,
)
from palabre.channels.services import (
    channel_disconnect,
    channel_mark_needs_reconnect,
    channel_owners_tell,
)
from palabre.networks.base import AuthExpired, Rejected

log = logging.getLogger("palabre.channels")

# Threads tokens live 60 days: refreshing two weeks ahead leaves room for a network down
# for days, and for a person to reconnect if refreshing keeps failing.
REFRESH_AHEAD = timedelta(days=14)
MIN_TOKEN_AGE = timedelta(hours=24)  # Threads refuses to refresh a younger token


def refresh_due(expires_at: datetime | None) -> datetime | None:
    """When a token that expires at `expires_at` is refreshed (None: it does not expire)."""
    if expires_at is None:
        return None
    return max(expires_at - REFRESH_AHEAD, timezone.now() + MIN_TOKEN_AGE)


def _grants(*, app: GrantApp, user_id: str) -> list[ChannelGrant]:
    rows = ChannelGrant.objects.filter(app=app, granted_by=user_id)
    return list(rows.select_related("channel", "channel__workspace"))


def grants_deauthorize(*, app: GrantApp, user_id: str) -> int:
    """The person removed Palabre from their Facebook (or Threads) account: the tokens they
    gave stopped working. Their channels need reconnecting, and their owners are told (the
    needs-reconnecting path does). How many channels."""
    ConnectPending.objects.filter(granted_by=user_id).delete()
    grants = _grants(app=app, user_id=user_id)
    for grant in grants:
        if grant.channel.status != ChannelStatus.DISABLED:
            channel_mark_needs_reconnect(
                channel=grant.channel,
                reason=_("the person who connected it removed Palabre from their account"),
            )
    return len(grants)


def grants_delete_data(*, app: GrantApp, user_id: str) -> DataDeletion:
    """The person asked Meta that Palabre forget what it holds of theirs: the access they
    gave (each channel's token: the channel is disconnected, its history stays, as after
    Disconnect) and their id. The owners are told, so that someone else can reconnect."""
    ConnectPending.objects.filter(granted_by=user_id).delete()
    grants = _grants(app=app, user_id=user_id)
    for grant in grants:
        channel_disconnect(channel=grant.channel)
        channel_owners_tell(channel=grant.channel, message=_forgotten_text)
    ChannelGrant.objects.filter(pk__in=[g.pk for g in grants]).delete()
    return DataDeletion.objects.create(
        code=secrets.token_hex(10), app=app, channels_forgotten=len(grants)
    )


def _forgotten_text(channel: Channel, _reason: str) -> str:
    return _(
        "“%(name)s” (%(network)s) is disconnected: the person who connected it asked the "
        "network that Palabre forget their access. Its history stays; connect it again to go on."
    ) % {"name": channel.name, "network": channel.network_label}


# --- Token refresh (the worker) ----------------------------------------------------------


def grant_token_refresh(grant: ChannelGrant) -> datetime | None:
    """The worker's step: a Threads token refreshed before it expires. A token the network
    refuses, or one already expired, marks the channel as needing reconnecting."""
    from palabre.channels.connectors import wait_out
    from palabre.networks.base import RateLimited
    from palabre.networks.meta import threads_login

    channel = grant.channel
    token = channel.credentials.get("access_token")
    if channel.connector != "threads" or not token:
        return None
    expired = channel.credentials_expire_at and channel.credentials_expire_at <= timezone.now()
    if expired:
        channel_mark_needs_reconnect(channel=channel, reason=_("the Threads access expired"))
        return None
    try:
        fresh = threads_login.token_refresh(access_token=token)
    except AuthExpired as error:
        channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        return None
    except RateLimited as error:
        raise wait_out(error) from None
    except Rejected as error:
        # Refused without saying the token is bad: try again tomorrow, until it expires.
        log.warning("channel %s: Threads refused a token refresh: %s", channel.pk, error.reason)
        return timezone.now() + timedelta(days=1)
    channel.save_credentials({**channel.credentials, "access_token": fresh.value})
    Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=fresh.expires_at)
    return refresh_due(fresh.expires_at)
