"""One connector per channel in each worker process.

Its HTTP connection and session are reused from one call to the next (publishing,
polling the inbox, hiding a reply). A change of credentials (reconnection, refreshed
session) or of what the channel's server says of itself makes a new one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from palabre.channels.models import Channel
from palabre.networks.base import Connector, RateLimited
from palabre.worker.jobs import RetryAt

RATE_LIMIT_WAIT = timedelta(seconds=60)  # when the network does not say how long

_connectors: dict[int, tuple[tuple[str, Any], Connector]] = {}


def connector_for(channel: Channel) -> Connector:
    # What the connector was made from: new credentials, or a server read again (its limits,
    # whether it honours idempotency keys), make a new one.
    made_from = (channel.credentials_encrypted, _server_said(channel.server))
    cached = _connectors.get(channel.pk)
    if cached and cached[0] == made_from:
        return cached[1]
    connector = channel.get_connector()
    _connectors[channel.pk] = (made_from, connector)
    return connector


def _server_said(server: Any) -> Any:
    """What the server says of itself, without the publishing quota Palabre keeps beside it
    (publishing/limits.py): a quota read again every few minutes changes no connector."""
    if not isinstance(server, dict):
        return server
    return {k: v for k, v in server.items() if k != "publishing_limit"}


def wait_out(error: RateLimited) -> RetryAt:
    """A worker step's answer to a rate limit: come back when the network says."""
    wait = RATE_LIMIT_WAIT
    if error.retry_after is not None:
        wait = timedelta(seconds=error.retry_after)
    return RetryAt(timezone.now() + wait, error.reason)


def forget_all() -> None:
    """Tests: channels are recreated with reused primary keys between them."""
    _connectors.clear()
