"""Which `palabre stream` process holds which channel's push channel.

A lease on the channel's ChannelSync row: `stream_holder` and `stream_until`, taken with one
conditional UPDATE (free, expired or already ours), renewed every few seconds by its holder,
given back when it stops. A process killed keeps its channels until the lease runs out, then
another takes them. Nothing here talks to a network.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from palabre.channels.models import ChannelStatus
from palabre.inbox.models import ChannelSync

LEASE = timedelta(seconds=20)


def _takeable(holder: str) -> Q:
    now = timezone.now()
    free = Q(stream_holder="") | Q(stream_until__isnull=True) | Q(stream_until__lt=now)
    return free | Q(stream_holder=holder)


def _mine(holder: str, ids: Iterable[int]) -> QuerySet[ChannelSync]:
    return ChannelSync.objects.filter(pk__in=list(ids), stream_holder=holder)


def stream_leases_claim(*, holder: str, connectors: Iterable[str], limit: int) -> list[int]:
    """Take the free leases of active channels on these connectors (at most `limit`, ours
    included); the ids of the ChannelSync rows held now."""
    wanted = (
        ChannelSync.objects.filter(
            _takeable(holder),
            channel__status=ChannelStatus.ACTIVE,
            channel__connector__in=list(connectors),
        )
        .exclude(stream_holder=holder)
        .order_by("pk")
    )
    until = timezone.now() + LEASE
    held = ChannelSync.objects.filter(stream_holder=holder).count()
    room = max(limit - held, 0)
    if room:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                ids = list(
                    wanted.select_for_update(skip_locked=True, of=("self",)).values_list(
                        "pk", flat=True
                    )
                )
                ChannelSync.objects.filter(pk__in=ids[:room]).update(
                    stream_holder=holder, stream_until=until, stream_live=False
                )
        else:
            ids = list(wanted.values_list("pk", flat=True)[:room])
            # "Takeable" checked again inside the UPDATE: a compare-and-set, so a lease
            # another process took in between is left alone.
            ChannelSync.objects.filter(_takeable(holder), pk__in=ids).update(
                stream_holder=holder, stream_until=until, stream_live=False
            )
    return list(
        ChannelSync.objects.filter(stream_holder=holder).order_by("pk").values_list("pk", flat=True)
    )


def stream_leases_renew(*, holder: str, ids: Iterable[int]) -> set[int]:
    """Extend our leases; the ids still ours (one lost while this process was stalled is
    another's now)."""
    mine = _mine(holder, ids)
    mine.update(stream_until=timezone.now() + LEASE)
    return set(mine.values_list("pk", flat=True))


def stream_leases_release(*, holder: str, ids: Iterable[int]) -> None:
    """Give leases back, and have each channel polled at once: whatever came while the
    stream was going down is fetched now, not a slow poll later."""
    _mine(holder, ids).update(
        stream_holder="", stream_until=None, stream_live=False, next_attempt_at=timezone.now()
    )


def stream_live_set(*, holder: str, ids: Iterable[int], live: bool) -> None:
    """Subscribed (polling slows down) or not (polling resumes its pace, from now)."""
    changes: dict[str, object] = {"stream_live": live}
    if not live:
        changes["next_attempt_at"] = timezone.now()
    _mine(holder, ids).exclude(stream_live=live).update(**changes)


def stream_cursor_save(*, holder: str, ids: Iterable[int], cursor: str) -> None:
    _mine(holder, ids).update(stream_cursor=cursor[:100])


def stream_is_live(sync: ChannelSync) -> bool:
    """Whether a stream holds this channel and is subscribed: the poller's safety-net pace."""
    return bool(
        sync.stream_live and sync.stream_until is not None and sync.stream_until > timezone.now()
    )
