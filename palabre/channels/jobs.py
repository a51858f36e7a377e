"""The channels' worker steps: Threads tokens refreshed before they expire, and Facebook
logins whose accounts were never picked forgotten when they expire."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from palabre.channels.grants import grant_token_refresh
from palabre.channels.meta import connect_pending_expire
from palabre.channels.models import ChannelGrant, ChannelStatus, ConnectPending
from palabre.worker.jobs import Job

JOBS = [
    Job(
        name="channels-token-refresh",
        model=ChannelGrant,
        handle=grant_token_refresh,
        due=Q(channel__status=ChannelStatus.ACTIVE),
        # A network down for days must not stop the refresh while the token still works;
        # past its expiry the step marks the channel as needing reconnecting instead.
        max_attempts=1_000_000,
        backoff_max=timedelta(hours=6),
    ),
    Job(name="channels-connect-expire", model=ConnectPending, handle=connect_pending_expire),
]
