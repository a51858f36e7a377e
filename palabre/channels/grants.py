"""What Meta (or Threads) says after a channel was connected through its login, and keeping
the token alive: the person who connected it removed Palabre (deauthorize), or asked that
Palabre forget their data (data deletion); a Threads token refreshed before it expires; a
LinkedIn token refreshed before its 60 days where LinkedIn granted a refresh token, and
otherwise its channel's owners told TELL_AHEAD before it expires.

Those callbacks name the person (their app-scoped id, kept in each channel's ChannelGrant),
never the Pages: their channels are found through it.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

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
    channel_said,
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


# LinkedIn without a refresh token: a week is time enough for an owner to reconnect.
TELL_AHEAD = timedelta(days=7)


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
                reason=gettext_noop(
                    "the person who connected it removed Palabre from their account"
                ),
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
        channel_owners_tell(
            channel=grant.channel, message=FORGOTTEN, params=_forgotten_params(grant.channel)
        )
    ChannelGrant.objects.filter(pk__in=[g.pk for g in grants]).delete()
    return DataDeletion.objects.create(
        code=secrets.token_hex(10), app=app, channels_forgotten=len(grants)
    )


FORGOTTEN = gettext_noop(
    "%(channel)s is disconnected: the person who connected it asked the network that Palabre "
    "forget their access. Its history stays; connect it again to go on."
)


def _forgotten_params(channel: Channel) -> dict[str, Any]:
    return {"channel": channel_said(channel)}


# --- Token refresh (the worker) ----------------------------------------------------------


def grant_token_refresh(grant: ChannelGrant) -> datetime | None:
    """The worker's step: a Threads token refreshed before it expires. A token the network
    refuses, or one already expired, marks the channel as needing reconnecting."""
    from palabre.channels.connectors import wait_out
    from palabre.networks.base import RateLimited
    from palabre.networks.meta import threads_login

    channel = grant.channel
    token = channel.credentials.get("access_token")
    if channel.connector == "linkedin" and token:
        return _linkedin_keep_alive(channel)
    if channel.connector != "threads" or not token:
        return None
    expired = channel.credentials_expire_at and channel.credentials_expire_at <= timezone.now()
    if expired:
        channel_mark_needs_reconnect(
            channel=channel, reason=gettext_noop("the Threads access expired")
        )
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
    if not channel.save_credentials_if_unchanged(
        {**channel.credentials, "access_token": fresh.value}
    ):
        return _changed_meanwhile(channel)
    Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=fresh.expires_at)
    return refresh_due(fresh.expires_at)


def _changed_meanwhile(channel: Channel) -> datetime:
    """Its credentials changed while a refresh was under way (forgotten, reconnected): what
    the refresh brought is dropped, and the channel looked at again as it is now."""
    log.info("channel %s: credentials changed during a refresh, left as they are", channel.pk)
    return timezone.now()


# --- LinkedIn: refresh where granted, otherwise tell the owners --------------------------


def _linkedin_refresh_expires(credentials: dict[str, str]) -> datetime | None:
    try:
        return datetime.fromisoformat(credentials.get("refresh_expires_at", ""))
    except ValueError:
        return None


def linkedin_can_refresh(channel: Channel) -> bool:
    """LinkedIn granted a refresh token (only some apps get them) and refreshing would
    lengthen the access: a refresh token keeps its first 365 days, and an access token it
    gives never outlives it (https://learn.microsoft.com/en-us/linkedin/shared/authentication/
    programmatic-refresh-tokens). In its last days the owners are told instead."""
    credentials = channel.credentials
    if not credentials.get("refresh_token"):
        return False
    until = _linkedin_refresh_expires(credentials)
    expires = channel.credentials_expire_at or timezone.now()
    return until is None or until > expires + timedelta(days=1)


def linkedin_next_step(channel: Channel) -> datetime | None:
    """When the worker next looks at a LinkedIn channel's token: REFRESH_AHEAD of its expiry
    where it can be refreshed; otherwise TELL_AHEAD of it to tell the owners, then at the
    expiry itself to mark the channel as needing reconnecting."""
    expires = channel.credentials_expire_at
    if expires is None:
        return None
    now = timezone.now()
    if linkedin_can_refresh(channel):
        return max(expires - REFRESH_AHEAD, now)
    if channel.credentials.get("expiry_told") == expires.isoformat():
        return max(expires, now)
    return max(expires - TELL_AHEAD, now)


def _linkedin_keep_alive(channel: Channel) -> datetime | None:
    from palabre.channels.connectors import wait_out
    from palabre.networks.base import RateLimited
    from palabre.networks.linkedin import oauth

    expires = channel.credentials_expire_at
    if expires is None:
        return None
    if expires <= timezone.now():
        channel_mark_needs_reconnect(
            channel=channel, reason=gettext_noop("the LinkedIn access expired")
        )
        return None
    credentials = channel.credentials
    if linkedin_can_refresh(channel) and expires - timezone.now() <= REFRESH_AHEAD:
        try:
            fresh = oauth.token_refresh(refresh_token=credentials["refresh_token"])
        except AuthExpired as error:
            # The refresh token no longer works: the access still does, until it expires.
            log.warning("channel %s: LinkedIn refused a refresh: %s", channel.pk, error.reason)
            credentials = {k: v for k, v in credentials.items() if not k.startswith("refresh_")}
            if not channel.save_credentials_if_unchanged(credentials):
                return _changed_meanwhile(channel)
        except RateLimited as error:
            raise wait_out(error) from None
        except Rejected as error:
            log.warning("channel %s: LinkedIn refused a refresh: %s", channel.pk, error.reason)
            return timezone.now() + timedelta(days=1)
        else:
            if not channel.save_credentials_if_unchanged({**credentials, **fresh.credentials()}):
                return _changed_meanwhile(channel)
            Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=fresh.expires_at)
            channel.credentials_expire_at = fresh.expires_at
            return linkedin_next_step(channel)
    told = credentials.get("expiry_told") == expires.isoformat()
    if not told and expires - timezone.now() <= TELL_AHEAD:
        channel_owners_tell(
            channel=channel, message=LINKEDIN_EXPIRES, params=_linkedin_expiry_params(channel)
        )
        if not channel.save_credentials_if_unchanged(
            {**credentials, "expiry_told": expires.isoformat()}
        ):
            return _changed_meanwhile(channel)
    return linkedin_next_step(channel)


LINKEDIN_EXPIRES = gettext_noop(
    "%(channel)s: Palabre's access to this page ends on %(day)s, and LinkedIn gives this "
    "instance's app no way to renew it. Reconnect the page before then (Settings → "
    "Channels), or it stops publishing and collecting comments."
)


def _linkedin_expiry_params(channel: Channel) -> dict[str, Any]:
    expires = channel.credentials_expire_at
    # Kept as {"day": ISO}: the notice writes it in its reader's language when read.
    day = {"day": timezone.localdate(expires).isoformat()} if expires else "?"
    return {"channel": channel_said(channel), "day": day}
