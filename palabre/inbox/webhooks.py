"""Interactions a network pushed by webhook (Meta's: palabre/networks/meta/webhooks.py),
stored as a poll would store them: an item that arrives both ways is one interaction,
whichever came first (the unique channel + remote id; ingest.interactions_store).

The channel is found by the network's id of the account (`Channel.account_id`) and the
connector; an account that is no channel here, or a channel disconnected, is ignored.
Polling goes on: it is the fallback when a delivery is lost, and what finds the
interactions of an instance the internet cannot reach.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError
from django.utils import timezone

from palabre.channels.models import Channel, ChannelGrant, ChannelStatus
from palabre.inbox.ingest import interactions_store
from palabre.networks.base import IncomingInteraction
from palabre.networks.meta.webhooks import Delivery


def webhook_delivery_ingest(*, delivery: Delivery) -> int:
    """Store what a delivery carried, and note when each account's webhooks last arrived.
    How many interactions were new."""
    by_account: dict[tuple[str, str], list[IncomingInteraction]] = defaultdict(list)
    for connector, item in delivery.items:
        by_account[(connector, item.account_id)].append(item.interaction)
    added = 0
    for connector, account_id in sorted(delivery.accounts | set(by_account)):
        channel = (
            Channel.objects.filter(connector=connector, account_id=account_id)
            .exclude(status=ChannelStatus.DISABLED)
            .select_related("workspace")
            .first()
        )
        if channel is None:
            continue
        interactions = by_account.get((connector, account_id))
        if interactions:
            added += _store(channel, interactions)
        ChannelGrant.objects.filter(channel=channel).update(webhook_received_at=timezone.now())
    return added


def _store(channel: Channel, interactions: list[IncomingInteraction]) -> int:
    try:
        return interactions_store(channel=channel, items=interactions)
    except IntegrityError:
        # The poll stored one of these between our read and our write (PostgreSQL runs
        # both at once): read again, and what it stored is now known.
        return interactions_store(channel=channel, items=interactions)
