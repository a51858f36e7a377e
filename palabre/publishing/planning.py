"""Calendar arithmetic in the workspace's time zone, daylight saving included.

A local time that does not exist (02:30 on the night clocks go forward) moves forward by
the gap, as a wall clock would; a local time that happens twice (the night they go back)
is the first one.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.publishing.models import Post, PostStatus

WEEKDAYS = 7


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant (in UTC) of a wall-clock time in `tz`.

    UTC, not local: Python compares a local time inside the autumn fold as unequal to any
    other zone's (PEP 495), so local values would make "is this slot taken?" lie.
    """
    naive = datetime.combine(day, at)
    # fold=0: the first of two; a skipped time converts as if the clock had not jumped yet,
    # which lands after the gap.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def parse_slot(slot: str) -> tuple[int, time] | None:
    """'0 09:30' → (Monday, 09:30); None for anything else."""
    try:
        weekday, hhmm = slot.split()
        hour, minute = hhmm.split(":")
        value = (int(weekday), time(int(hour), int(minute)))
    except ValueError:
        return None
    return value if 0 <= value[0] < WEEKDAYS else None


def _slot_moments(
    channel: Channel, *, after: datetime, tz: ZoneInfo, horizon_days: int
) -> list[datetime]:
    """The instants of the channel's weekly slots after `after`, within the horizon."""
    slots = sorted(s for s in (parse_slot(x) for x in channel.time_slots) if s)
    start = after.astimezone(tz).date()
    moments = []
    for offset in range(horizon_days):
        day = start + timedelta(days=offset)
        for weekday, at in slots:
            if weekday == day.weekday():
                moments.append(local_moment(day, at, tz))
    return [moment for moment in moments if moment > after]


def _taken(
    channels: list[Channel], *, after: datetime, leave_out: int | None
) -> set[datetime | None]:
    """When the channels already have a post, drafts with a time included: two editors
    composing at once would otherwise both be offered the same slot."""
    planned = Post.objects.filter(variants__channels__in=channels, publish_at__gte=after)
    if leave_out is not None:
        planned = planned.exclude(pk=leave_out)
    return set(planned.values_list("publish_at", flat=True))


def first_free_slot(
    channels: Iterable[Channel],
    *,
    after: datetime,
    tz: ZoneInfo,
    horizon_days: int = 28,
    leave_out: int | None = None,
) -> datetime | None:
    """The earliest slot of any of the channels that is free on every one of them (the
    post goes out on all of them at once); None: no such slot in four weeks. `leave_out`
    is the post being planned, whose own time does not count as taken."""
    channels = list(channels)
    candidates = sorted(
        {
            m
            for c in channels
            for m in _slot_moments(c, after=after, tz=tz, horizon_days=horizon_days)
        }
    )
    if not candidates:
        return None
    taken = _taken(channels, after=after, leave_out=leave_out)
    return next((moment for moment in candidates if moment not in taken), None)


@dataclass(frozen=True)
class Slot:
    channel: Channel
    at: datetime
    free: bool


def slots_between(
    channels: Iterable[Channel], *, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Slot]:
    """Each channel's weekly slots in [start, end), free or taken as `first_free_slot`
    counts them (a post with that time on the channel, drafts included)."""
    days = (end - start).days + 2
    found = []
    for channel in channels:
        moments = _slot_moments(
            channel, after=start - timedelta(microseconds=1), tz=tz, horizon_days=days
        )
        moments = [m for m in moments if m < end]
        taken = _taken([channel], after=start, leave_out=None) if moments else set()
        found += [Slot(channel, m, m not in taken) for m in moments]
    return sorted(found, key=lambda s: (s.at, s.channel.pk))


def period_weeks(day: date, view: str) -> list[list[date]]:
    """The weeks the calendar shows: the week of `day` ("week"), or those showing its month."""
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        return [[monday + timedelta(days=i) for i in range(WEEKDAYS)]]
    return month_weeks(day.year, day.month)


def same_time_on(moment: datetime, day: date, tz: ZoneInfo) -> datetime:
    """`moment`'s local time of day on another day (the calendar's drag and drop)."""
    local = moment.astimezone(tz)
    try:
        return local_moment(day, local.time().replace(tzinfo=None), tz)
    except OverflowError:  # the first or last day Python knows: out of bounds anyway
        # (Not moment.replace(year=…): a 29 February has no such day in year 1 or 9999.)
        edge = (
            datetime.min + timedelta(days=1) if day.year < 2 else datetime.max - timedelta(days=1)
        )
        return edge.replace(tzinfo=UTC)


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The Monday-to-Sunday weeks that show the whole month."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    day = first - timedelta(days=first.weekday())
    weeks = []
    while day <= last:
        weeks.append([day + timedelta(days=i) for i in range(WEEKDAYS)])
        day += timedelta(days=WEEKDAYS)
    return weeks


def day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Aware [start, end) covering local days first..last, whatever the offsets in between."""
    return local_moment(first, time(0), tz), local_moment(last + timedelta(days=1), time(0), tz)


@dataclass(frozen=True)
class Filters:
    channel: int | None = None
    category: str = ""
    status: str = ""


def posts_between(
    workspace: Workspace, start: datetime, end: datetime, filters: Filters
) -> QuerySet[Post]:
    posts = Post.objects.filter(workspace=workspace, publish_at__gte=start, publish_at__lt=end)
    if filters.channel:
        posts = posts.filter(variants__channels=filters.channel)
    if filters.category:
        posts = posts.filter(category=filters.category)
    if filters.status:
        posts = posts.filter(status=filters.status)
    return posts.distinct().order_by("publish_at")


def posts_by_day(
    workspace: Workspace, first: date, last: date, filters: Filters
) -> dict[date, list[Post]]:
    """The posts planned on each local day from `first` to `last`, in time order."""
    tz = workspace.tzinfo
    start, end = day_bounds(first, last, tz)
    by_day: dict[date, list[Post]] = {}
    for post in posts_between(workspace, start, end, filters):
        assert post.publish_at is not None
        by_day.setdefault(post.publish_at.astimezone(tz).date(), []).append(post)
    return by_day


class DayPosts:
    """A calendar day's posts as listed: the first `shown` (every one when None), and how
    many more the day holds."""

    def __init__(self, posts: list[Post], shown: int | None) -> None:
        self.posts = posts if shown is None else posts[:shown]
        self.more = len(posts) - len(self.posts)


def cadence_table(
    workspace: Workspace, mondays: list[date], tz: ZoneInfo
) -> list[dict[str, object]]:
    """One row per channel, one cell per week: planned posts (not drafts) against the
    channel's goal. One query for every channel and week: the calendar shows five weeks of
    a dozen channels, and a count each made it the slowest page."""
    if not mondays:
        return []
    weeks = [day_bounds(monday, monday + timedelta(days=6), tz) for monday in mondays]
    planned: dict[tuple[int, int], set[int]] = defaultdict(set)  # (channel, week) -> posts
    placed = (
        Post.objects.filter(
            workspace=workspace, publish_at__gte=weeks[0][0], publish_at__lt=weeks[-1][1]
        )
        .filter(~Q(status=PostStatus.DRAFT), variants__channels__isnull=False)
        .values_list("pk", "publish_at", "variants__channels")
    )
    for post, moment, channel in placed:
        if moment is None:  # the range above already leaves these out
            continue
        for index, (start, end) in enumerate(weeks):
            if start <= moment < end:
                planned[(channel, index)].add(post)
    channels = Channel.objects.filter(workspace=workspace).order_by("network", "name")
    return [
        {
            "channel": channel,
            "goal": channel.cadence_per_week,
            "weeks": [
                _cadence_cell(channel, len(planned[(channel.pk, index)]))
                for index in range(len(weeks))
            ],
        }
        for channel in channels
    ]


def _cadence_cell(channel: Channel, planned: int) -> dict[str, object]:
    goal = channel.cadence_per_week
    return {"planned": planned, "goal": goal, "short": goal is not None and planned < goal}


# Every way text says "new line": CRLF first, then a lone CR or LF, and the Unicode ones
# (NEL, line and paragraph separators, vertical tab, form feed) a reader may also break on.
_NEWLINES = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# RFC 5545 TEXT allows no other control character (a tab is fine).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _ical_text(value: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): \\ ; , escaped and every line break written \\n,
    so a post's text can never end the line it is on and start a property of its own."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _NEWLINES.sub(r"\\n", escaped))


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next, after a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def ical(workspace: Workspace, posts: QuerySet[Post], link: Callable[[Post], str]) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Palabre//Calendar//FR",
        f"X-WR-CALNAME:{_ical_text('Palabre · ' + workspace.name)}",
    ]
    for post in posts:
        assert post.publish_at is not None
        start = post.publish_at.astimezone(UTC)
        networks = ", ".join(str(v.get_network_display()) for v in post.variants.all())
        lines += [
            "BEGIN:VEVENT",
            f"UID:post-{post.pk}@palabre",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(minutes=15):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{_ical_text(post.idea[:80])}",
            f"DESCRIPTION:{_ical_text(f'{post.get_status_display()} · {networks}')}",
            f"URL:{link(post)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


UNDATED_SHOWN = 50


def posts_undated(workspace: Workspace) -> list[Post]:
    """Posts past the draft that nothing sends yet, for want of a time: sent for approval,
    approved, or sent back with changes asked (drafts are the composer's list)."""
    waiting = (PostStatus.IN_REVIEW, PostStatus.APPROVED, PostStatus.CHANGES_REQUESTED)
    posts = Post.objects.filter(workspace=workspace, publish_at__isnull=True, status__in=waiting)
    return list(posts.order_by("updated_at")[:UNDATED_SHOWN])
