"""Which `palabre stream` process reads a network's public stream for listening.

One row per network (StreamLease): `holder` and `until`, taken and renewed with one
conditional UPDATE (free, expired or already ours), given back when the process stops. A
process killed keeps it until it runs out, then another takes it. Only the holder writes the
row's position (`cursors`, one per source) and `live`. Nothing here talks to a network.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from palabre.listening.models import StreamLease

LEASE = timedelta(seconds=20)  # renewed every few seconds (inbox/stream/runner.RENEW_EVERY)


def _takeable(holder: str) -> Q:
    now = timezone.now()
    free = Q(holder="") | Q(until__isnull=True) | Q(until__lt=now)
    return free | Q(holder=holder)


def _mine(holder: str, network: str) -> QuerySet[StreamLease]:
    return StreamLease.objects.filter(network=network, holder=holder)


def listening_lease_hold(*, holder: str, network: str) -> bool:
    """Take the lease, or renew it if ours; whether we hold it now (another process holds
    a lease it keeps renewing)."""
    if not StreamLease.objects.filter(network=network).exists():
        try:
            with transaction.atomic():
                StreamLease.objects.create(network=network)
        except IntegrityError:
            pass  # another process made it meanwhile
    until = timezone.now() + LEASE
    if _mine(holder, network).update(until=until):
        return True
    # A compare-and-set: taken only if still free or expired inside the UPDATE itself.
    taken = StreamLease.objects.filter(_takeable(holder), network=network)
    return bool(taken.update(holder=holder, until=until, live=False))


def listening_lease_release(*, holder: str, network: str) -> None:
    _mine(holder, network).update(holder="", until=None, live=False)


def listening_cursors(*, holder: str, network: str) -> dict[str, str]:
    """Where each source's subscription resumes (source → position)."""
    lease = _mine(holder, network).first()
    return dict(lease.cursors) if lease is not None else {}


def listening_cursor_save(*, holder: str, network: str, source: str, cursor: str) -> None:
    lease = _mine(holder, network).first()
    if lease is not None:  # lost meanwhile: the next holder keeps its own position
        _mine(holder, network).update(cursors=lease.cursors | {source: cursor[:100]})


def listening_live_set(*, holder: str, network: str, live: bool) -> None:
    _mine(holder, network).exclude(live=live).update(live=live)


def listening_is_live(network: str) -> bool:
    """Whether a process holds the stream and is subscribed (the searches' polling may then
    go slower: a safety net for what the stream missed)."""
    return StreamLease.objects.filter(network=network, live=True, until__gt=timezone.now()).exists()
