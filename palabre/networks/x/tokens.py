"""The access token an X request is made with.

X's OAuth 2.0 access tokens live two hours and its refresh tokens work once: each refresh
returns a new refresh token and spends the old one. Two workers refreshing the same channel
at once would each spend it, and the second would be refused: the channel would need
reconnecting for nothing. So a refresh happens under a lock on the channel's row: the
first worker refreshes and stores both new tokens; the one that waited reads them once the
lock is released and uses them, without a request of its own.

Every X request takes its token from `access_token`; a request X answers with 401 although
the token looked fresh asks `access_token_renew` for a new one (only once per token: if
another worker has renewed it meanwhile, that one is used).

If the process dies between X's answer and the commit, the new refresh token is lost and
the stored one is spent: the next refresh is refused and the channel needs reconnecting (a
person clicks "Connect X" again). Nothing better is possible with one-use tokens.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from palabre.networks.base import AuthExpired

if TYPE_CHECKING:
    from palabre.channels.models import Channel

log = logging.getLogger("palabre.networks")

# Refreshed this long before X says the access token ends: a request started with a token
# about to expire would otherwise fail on the way.
AHEAD = timedelta(minutes=5)


def access_token(channel: Channel) -> str:
    """A working access token for the channel, refreshed first when it is (about to be)
    expired. AuthExpired when X refuses the refresh: the channel needs reconnecting."""
    credentials = channel.credentials
    if not _stale(credentials):
        return str(credentials.get("access_token", ""))
    return _refresh_locked(channel, spent=str(credentials.get("access_token", "")))


def access_token_renew(channel: Channel, *, rejected: str) -> str:
    """X refused `rejected` (401) before its announced end: a new token, unless another
    worker already replaced it (then that one)."""
    return _refresh_locked(channel, spent=rejected)


def _stale(credentials: dict[str, Any]) -> bool:
    if not credentials.get("refresh_token"):
        return False  # nothing to refresh with: the token is used until X refuses it
    expires_at = _moment(credentials.get("expires_at"))
    return expires_at is not None and expires_at - AHEAD <= timezone.now()


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def _refresh_locked(channel: Channel, *, spent: str) -> str:
    from palabre.channels.models import Channel
    from palabre.networks.x import oauth

    with transaction.atomic():
        # Waits here while another worker refreshes this channel; then reads its result.
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        credentials = locked.credentials
        current = str(credentials.get("access_token", ""))
        if current and current != spent and not _stale(credentials):
            channel.credentials_encrypted = locked.credentials_encrypted
            return current  # another worker refreshed it while this one waited
        refresh = str(credentials.get("refresh_token", ""))
        if not refresh:
            raise AuthExpired(_expired_text())
        try:
            token = oauth.token_refresh(refresh_token=refresh)
        except AuthExpired as error:
            log.warning("channel %s: X refused a token refresh: %s", channel.pk, error.reason)
            raise AuthExpired(_expired_text()) from None
        fresh = {**credentials, **token.credentials()}
        if not token.refresh_token:  # X always sends one with offline.access; keep the old
            fresh["refresh_token"] = refresh
        locked.save_credentials(fresh)
    channel.credentials_encrypted = locked.credentials_encrypted
    return token.access_token


def _expired_text() -> str:
    return gettext(
        "X no longer lets Palabre renew its access to this account: connect it again "
        "(Settings → Channels → Connect X)"
    )
