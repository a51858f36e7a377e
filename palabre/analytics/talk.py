"""The dialogue's figures over any period, from hourly totals rather than the interactions.

A period's dialogue (docs/metrics.md, "Dialogue") is counted over hundreds of thousands of
inbound messages on a busy workspace. Each hour's are kept in a TalkHour row: counts that
add up, and, for what does not add up, the sorted response times (percentiles are taken
from them exactly) and the ids of the threads (counted once across hours). A period reads
the rows of its whole hours and the interactions of its partial hours and of the time since
the last refresh, so that it holds the same messages as counting them on the spot.

The worker's hourly community step recounts the hours whose sums moved (a late answer, a
message erased, reclassified or deleted) and the new ones (talk_hours_refresh).
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Trunc
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics.models import CommunityRefresh, TalkHour
from palabre.inbox.models import CONVERSATION_KINDS, Category, Interaction

NOT_TO_ANSWER = (Category.ABUSE, Category.SPAM)
HOUR = timedelta(hours=1)
# Hourly totals older than this are not trusted (the worker stopped): the reports count on
# the spot, as they did before there were any.
FRESH = timedelta(hours=2)
TIMES, IDS = "I", "q"  # unsigned 32-bit seconds, signed 64-bit ids


def inbound_rows(workspace: Workspace) -> QuerySet[Interaction]:
    """Comments, mentions, quotes and messages people sent us, abuse and spam aside."""
    return Interaction.objects.filter(
        workspace=workspace, kind__in=CONVERSATION_KINDS, erased=False
    ).exclude(category__in=NOT_TO_ANSWER)


# --- Reading ------------------------------------------------------------------------------


@dataclass
class Tally:
    """The inbound messages of one period, as the dialogue counts them."""

    inbound: int = 0
    answered: int = 0
    replies: int = 0
    threads: set[int] = field(default_factory=set)
    answered_threads: set[int] = field(default_factory=set)
    runs: list[Sequence[int]] = field(default_factory=list)  # sorted response times

    @property
    def timed(self) -> int:
        return sum(len(run) for run in self.runs)

    def percentiles(self, points: Sequence[float]) -> list[float] | None:
        """As percentile_cont on PostgreSQL and lib.stats.percentiles on SQLite computed
        them from the rows (linear interpolation; each database's own float arithmetic)."""
        count = self.timed
        if not count:
            return None
        found = []
        for point in points:
            if connection.vendor == "postgresql":
                position = point / 100 * (count - 1)
            else:
                position = (count - 1) * point / 100
            below = int(position)
            low, high = _neighbours(self.runs, below, min(below + 1, count - 1))
            found.append(low + (high - low) * (position - below))
        return found


def tallies(
    workspace: Workspace, windows: Sequence[tuple[datetime, datetime]], *, business: bool
) -> list[Tally] | None:
    """Each [start, end) window's tally, all channels; None when the hourly totals are
    missing or stale, and the caller counts on the spot."""
    until = _counted_until(workspace)
    if until is None:
        return None
    spans = [_whole_hours(start, end, until) for start, end in windows]
    hours = _HourRows(workspace, spans, business=business)
    gaps = [_gaps(window, span) for window, span in zip(windows, spans, strict=True)]
    rows = _raw_rows(workspace, sorted({gap for found in gaps for gap in found}), business)
    found = []
    for span, window_gaps in zip(spans, gaps, strict=True):
        tally = hours.tally(span)
        for gap in window_gaps:
            _add_rows(tally, rows[gap])
        found.append(tally)
    return found


def _counted_until(workspace: Workspace) -> datetime | None:
    until = (
        CommunityRefresh.objects.filter(workspace=workspace)
        .values_list("talk_until", flat=True)
        .first()
    )
    if until is None or until < timezone.now() - FRESH:
        return None
    return until


def _whole_hours(start: datetime, end: datetime, until: datetime) -> tuple[datetime, datetime]:
    """The hours inside [start, end) that the rows hold (empty when first >= last)."""
    first = _hour_of(start)
    if first < start:
        first += HOUR
    return first, max(first, _hour_of(min(end, until)))


def _gaps(
    window: tuple[datetime, datetime], span: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    """What of the window the hours do not hold, read from the interactions."""
    (start, end), (first, last) = window, span
    if first >= last:
        return [(start, end)]
    return [gap for gap in ((start, first), (last, end)) if gap[0] < gap[1]]


class _HourRows:
    """The TalkHour rows of every window's whole hours, read in one query."""

    def __init__(
        self, workspace: Workspace, spans: list[tuple[datetime, datetime]], *, business: bool
    ) -> None:
        used = [(first, last) for first, last in spans if first < last]
        self.rows: list[tuple[Any, ...]] = []
        if used:
            times = "business_times" if business else "times"
            self.rows = list(
                TalkHour.objects.filter(
                    workspace=workspace,
                    hour__gte=min(first for first, _ in used),
                    hour__lt=max(last for _, last in used),
                )
                .order_by("hour")
                .values_list(
                    "hour", "inbound", "answered", "replies", times, "threads", "answered_threads"
                )
            )
        self.hours = [row[0] for row in self.rows]
        self.unpacked: dict[int, tuple[array[int], array[int], array[int]]] = {}

    def tally(self, span: tuple[datetime, datetime]) -> Tally:
        tally = Tally()
        first, last = span
        for index in range(bisect_left(self.hours, first), bisect_left(self.hours, last)):
            _hour, inbound, answered, replies, *_packed = self.rows[index]
            times, threads, answered_threads = self._arrays(index)
            tally.inbound += inbound
            tally.answered += answered
            tally.replies += replies
            tally.threads.update(threads)
            tally.answered_threads.update(answered_threads)
            if times:
                tally.runs.append(times)
        return tally

    def _arrays(self, index: int) -> tuple[array[int], array[int], array[int]]:
        if index not in self.unpacked:
            times, threads, answered = self.rows[index][4:]
            self.unpacked[index] = (
                unpack(times, TIMES),
                unpack(threads, IDS),
                unpack(answered, IDS),
            )
        return self.unpacked[index]


def _raw_rows(
    workspace: Workspace, gaps: list[tuple[datetime, datetime]], business: bool
) -> dict[tuple[datetime, datetime], list[tuple[Any, ...]]]:
    """Per gap, (target_id, answered, replies, time) of its messages. One query: gaps
    overlap (a month to come, the last 30 days), so each row is marked with its piece of
    time by the database (converting thousands of dates in Python takes longer)."""
    edges = sorted({moment for gap in gaps for moment in gap})
    pieces = [
        (start, end)
        for start, end in zip(edges, edges[1:], strict=False)
        if any(a <= start and end <= b for a, b in gaps)
    ]
    rows: list[list[tuple[Any, ...]]] = [[] for _piece in pieces]
    if pieces:
        within = Q(pk__in=[])
        for start, end in pieces:
            within |= Q(created_at__gte=start, created_at__lt=end)
        which = Case(
            *(
                When(created_at__gte=start, created_at__lt=end, then=Value(index))
                for index, (start, end) in enumerate(pieces)
            ),
            output_field=IntegerField(),
        )
        column = "response_business_seconds" if business else "response_seconds"
        answered = ExpressionWrapper(Q(answered_at__isnull=False), output_field=BooleanField())
        found = (
            inbound_rows(workspace)
            .filter(within)
            .order_by()
            .annotate(piece=which, answered=answered)
            .values_list("piece", "target_id", "answered", "replies_sent", column)
        )
        for piece, *row in found:
            rows[piece].append(tuple(row))
    return {
        (a, b): [
            row
            for (start, end), piece_rows in zip(pieces, rows, strict=True)
            if a <= start and end <= b
            for row in piece_rows
        ]
        for a, b in gaps
    }


def _merged(gaps: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(gaps):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _add_rows(tally: Tally, rows: list[tuple[Any, ...]]) -> None:
    times = []
    for target, answered, replies, seconds in rows:
        tally.inbound += 1
        tally.replies += replies
        if target is not None:
            tally.threads.add(target)
        if answered:
            tally.answered += 1
            if target is not None:
                tally.answered_threads.add(target)
        if seconds is not None:
            times.append(seconds)
    if times:
        tally.runs.append(sorted(times))


def _neighbours(runs: list[Sequence[int]], below: int, above: int) -> tuple[int, int]:
    """The values of ranks `below` and `above` (from 0, above = below or below + 1) among
    all the sorted runs."""
    low = _kth(runs, below)
    if above == below or sum(map(bisect_right, runs, repeat(low))) > above:
        return low, low
    return low, min(run[i] for run in runs if (i := bisect_right(run, low)) < len(run))


def _kth(runs: list[Sequence[int]], rank: int) -> int:
    """The value of rank `rank` (from 0) among the sorted runs: a search on the value,
    each step counting with a binary search per run (hundreds of runs of hundreds)."""
    low = min(run[0] for run in runs if run)
    high = max(run[-1] for run in runs if run)
    while low < high:
        middle = (low + high) // 2
        if sum(map(bisect_right, runs, repeat(middle))) > rank:
            high = middle
        else:
            low = middle + 1
    return low


def _hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


# --- Writing ------------------------------------------------------------------------------


def pack(values: Iterable[int], typecode: str) -> bytes:
    """Sorted values as bytes, little-endian whatever the machine."""
    found = array(typecode, sorted(values))
    if sys.byteorder == "big":
        found.byteswap()
    return found.tobytes()


def unpack(data: bytes | memoryview, typecode: str) -> array[int]:
    found = array(typecode)
    found.frombytes(data)
    if sys.byteorder == "big":
        found.byteswap()
    return found


SIGNATURE = (
    "inbound",
    "answered",
    "replies",
    "id_sum",
    "target_sum",
    "seconds_sum",
    "business_sum",
)


def talk_hours_refresh(*, workspace: Workspace, now: datetime) -> int:
    """Count again every hour before this one whose totals moved (or that is new), from one
    pass of sums over the interactions; returns the hours counted again or dropped."""
    until = _hour_of(now)
    found = _signatures(workspace, until)
    stored = {
        row[0]: tuple(row[1:])
        for row in TalkHour.objects.filter(workspace=workspace).values_list("hour", *SIGNATURE)
    }
    changed = sorted(hour for hour, sums in found.items() if stored.get(hour) != sums)
    gone = [hour for hour in stored if hour not in found]
    fresh = list(_counted_hours(workspace, changed))
    with transaction.atomic():
        for chunk in _chunks(changed + gone, 500):
            TalkHour.objects.filter(workspace=workspace, hour__in=chunk).delete()
        TalkHour.objects.bulk_create(fresh, batch_size=500)
        CommunityRefresh.objects.filter(workspace=workspace).update(talk_until=until)
    return len(changed) + len(gone)


def _signatures(workspace: Workspace, until: datetime) -> dict[datetime, tuple[int, ...]]:
    sums = {
        "inbound": Count("id"),
        "answered": Count("answered_at"),
        "replies": Sum("replies_sent"),
        "id_sum": Sum("id"),
        "target_sum": Sum("target_id"),
        "seconds_sum": Sum("response_seconds"),
        "business_sum": Sum("response_business_seconds"),
    }
    rows = (
        inbound_rows(workspace)
        .filter(created_at__lt=until)
        .annotate(hour=Trunc("created_at", "hour", tzinfo=UTC))
        .values("hour")
        .annotate(**{f"sum_{key}": total for key, total in sums.items()})
        .order_by()
        .values_list("hour", *(f"sum_{key}" for key in SIGNATURE))
    )
    return {row[0]: tuple(int(value or 0) for value in row[1:]) for row in rows}


def _counted_hours(workspace: Workspace, hours: list[datetime]) -> Iterator[TalkHour]:
    """The TalkHour rows of these hours, counted from the interactions, a stretch at a time."""
    for start, end in _merged((hour, hour + HOUR) for hour in hours):
        rows = (
            inbound_rows(workspace)
            .filter(created_at__gte=start, created_at__lt=end)
            .order_by("created_at")
            .values_list(
                "created_at",
                "id",
                "target_id",
                "answered_at",
                "replies_sent",
                "response_seconds",
                "response_business_seconds",
            )
        )
        current: list[tuple[Any, ...]] = []
        for row in rows.iterator(chunk_size=5000):
            if current and _hour_of(row[0]) != _hour_of(current[0][0]):
                yield _talk_hour(workspace, current)
                current = []
            current.append(row)
        if current:
            yield _talk_hour(workspace, current)


def _talk_hour(workspace: Workspace, rows: list[tuple[Any, ...]]) -> TalkHour:
    answered = [r for r in rows if r[3] is not None]
    times = [r[5] for r in rows if r[5] is not None]
    business = [r[6] for r in rows if r[6] is not None]
    return TalkHour(
        workspace=workspace,
        hour=_hour_of(rows[0][0]),
        inbound=len(rows),
        answered=len(answered),
        replies=sum(r[4] for r in rows),
        id_sum=sum(r[1] for r in rows),
        target_sum=sum(r[2] or 0 for r in rows),
        seconds_sum=sum(times),
        business_sum=sum(business),
        times=pack(times, TIMES),
        business_times=pack(business, TIMES),
        threads=pack({r[2] for r in rows if r[2] is not None}, IDS),
        answered_threads=pack({r[2] for r in answered if r[2] is not None}, IDS),
    )


def _chunks(items: list[datetime], size: int) -> Iterator[list[datetime]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def talk_hours_forget(*, workspace: Workspace) -> None:
    """Every time changed (business hours): count on the spot until the next refresh has
    counted the hours again (their sums moved)."""
    CommunityRefresh.objects.filter(workspace=workspace).update(talk_until=None)
