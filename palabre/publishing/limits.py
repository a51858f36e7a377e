"""Daily publishing limits: the quota of published posts some networks set per account
(Instagram's and Threads' per rolling 24 hours; Capability.PUBLISHING_LIMIT).

The quota is read from the network (`connector.publishing_limit()`) at most every
CHECK_EVERY, and by the daily step, and kept on the channel as
`Channel.server["publishing_limit"]` = {"total", "used", "window_seconds", "checked_at"}.

- Publishing: before a new post goes out on such a channel, a quota used up makes the target
  wait until the window frees, with the reason shown on the post, rather than be refused by
  the network (which would count as a failure and tell nobody when to try again).
- Scheduling: the composer and the calendar warn when the posts planned on a channel for one
  day are more than its quota. A calendar day stands in for the network's rolling window:
  more posts in a day than the quota always runs into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.formats.written import date_text
from palabre.networks.base import (
    Capability,
    Connector,
    PublishingLimit,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.publishing.models import Post, PostStatus, PostTarget, TargetStatus
from palabre.publishing.planning import day_bounds
from palabre.publishing.rules.base import Problem

KEY = "publishing_limit"
# Reading the quota costs a request: often enough to see posts made elsewhere (in the
# network's own app), seldom enough not to eat into the network's rate limits.
CHECK_EVERY = timedelta(minutes=5)
# A used-up quota whose freeing Palabre cannot date (posts made outside Palabre): look again.
LOOK_AGAIN = timedelta(hours=1)


@dataclass(frozen=True)
class KnownLimit:
    total: int
    used: int
    window: timedelta
    checked_at: datetime


def known_limit(channel: Channel) -> KnownLimit | None:
    """The quota last read for the channel, or None (never read, or unreadable)."""
    server = channel.server if isinstance(channel.server, dict) else {}
    found: Any = server.get(KEY)
    if not isinstance(found, dict):
        return None
    total, used, seconds = (_count(found.get(k)) for k in ("total", "used", "window_seconds"))
    if not total or used is None or not seconds:  # a quota of no post is none (see below)
        return None
    try:
        checked_at = datetime.fromisoformat(str(found.get("checked_at")))
    except ValueError:
        return None
    if checked_at.tzinfo is None:
        return None
    return KnownLimit(total, used, timedelta(seconds=seconds), checked_at)


def _count(value: Any) -> int | None:
    """A whole number of at least 0, as stored; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def channel_publishing_limit_refresh(
    *, channel: Channel, connector: Connector, force: bool = False
) -> KnownLimit | None:
    """The channel's quota, read from the network if what is known is older than
    CHECK_EVERY (or `force`). What cannot be read keeps what was known; credentials that no
    longer work (AuthExpired) reach the caller."""
    if not connector.supports(Capability.PUBLISHING_LIMIT):
        return None
    known = known_limit(channel)
    if known and not force and timezone.now() - known.checked_at < CHECK_EVERY:
        return known
    try:
        found = connector.publishing_limit()
    except (Rejected, Unavailable, RateLimited):
        return known
    if found.total < 1:
        # No network allows no post at all: believed, it would hold every post for good.
        return known
    return _record(channel, found)


def _record(channel: Channel, found: PublishingLimit) -> KnownLimit:
    now = timezone.now()
    entry = {
        "total": max(0, int(found.total)),
        "used": max(0, int(found.used)),
        "window_seconds": max(1, int(found.window.total_seconds())),
        "checked_at": now.isoformat(),
    }
    # Read again just before writing: the daily step may have rewritten the rest meanwhile.
    stored = Channel.objects.filter(pk=channel.pk).values_list("server", flat=True).first()
    server = dict(stored) if isinstance(stored, dict) else {}
    server[KEY] = entry
    Channel.objects.filter(pk=channel.pk).update(server=server)
    channel.server = server
    known = known_limit(channel)
    assert known is not None
    return known


def used_now(channel: Channel, known: KnownLimit) -> int:
    """The quota used as the network said, plus what Palabre published there since."""
    since = PostTarget.objects.filter(
        channel=channel, status=TargetStatus.PUBLISHED, published_at__gt=known.checked_at
    )
    return known.used + since.count()


class LimitReached(Exception):
    """The channel's quota is used up: the post waits until `when`; `reason` is for people."""

    def __init__(self, when: datetime, reason: str) -> None:
        super().__init__(reason)
        self.when = when
        self.reason = reason


def publishing_limit_check(*, target: PostTarget, connector: Connector) -> None:
    """Raises LimitReached when a new post on the target's channel would go over its quota."""
    channel = target.channel
    known = channel_publishing_limit_refresh(channel=channel, connector=connector)
    if known is None or used_now(channel, known) < known.total:
        return
    when = _frees_at(channel, known)
    local = timezone.localtime(when, channel.workspace.tzinfo)
    reason = _(
        "%(channel)s has used its quota of %(total)s posts per 24 hours on %(network)s: "
        "this post waits and goes out once the quota frees, at about %(when)s."
    ) % {
        "channel": channel.name,
        "total": known.total,
        "network": channel.network_label,
        "when": date_text(local, "DAY_TIME_FORMAT"),
    }
    raise LimitReached(when, reason)


def _frees_at(channel: Channel, known: KnownLimit) -> datetime:
    """When a place in the quota frees: the oldest post Palabre published in the window
    leaves it; posts made elsewhere cannot be dated, so it looks again within LOOK_AGAIN.
    Never sooner than CHECK_EVERY: the quota is read again by then."""
    now = timezone.now()
    oldest = (
        PostTarget.objects.filter(
            channel=channel, status=TargetStatus.PUBLISHED, published_at__gt=now - known.window
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    frees = now + LOOK_AGAIN
    if oldest is not None:
        frees = min(frees, oldest + known.window)
    return max(frees, now + CHECK_EVERY)


# --- Scheduling -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOverLimit:
    channel: Channel
    day: date
    planned: int
    limit: int

    @property
    def message(self) -> str:
        return _(
            "%(channel)s: %(planned)s posts planned on %(day)s, more than the %(limit)s per "
            "24 hours %(network)s allows; those over it will wait."
        ) % {
            "channel": self.channel.name,
            "planned": self.planned,
            "day": date_text(self.day, "DAY_FORMAT"),
            "limit": self.limit,
            "network": self.channel.network_label,
        }


def _limited(channels: list[Channel]) -> list[tuple[Channel, KnownLimit]]:
    found = [(c, known_limit(c)) for c in channels]
    return [(c, k) for c, k in found if k is not None]


def _planned_by_day(
    channel: Channel, start: datetime, end: datetime, *, leave_out: int | None = None
) -> dict[date, int]:
    """Posts planned on the channel between start and end, per local day: drafts aside, and
    failed ones, which took no place in the quota."""
    tz = channel.workspace.tzinfo
    posts = (
        Post.objects.filter(variants__channels=channel, publish_at__gte=start, publish_at__lt=end)
        .exclude(status__in=[PostStatus.DRAFT, PostStatus.FAILED])
        .exclude(pk=leave_out or 0)
        .values_list("pk", "publish_at")
        .distinct()  # a post with two variants on the channel is still one post
    )
    counts: dict[date, int] = {}
    for _pk, moment in posts:
        assert moment is not None  # filtered on above
        day = moment.astimezone(tz).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


def days_over_limit(*, workspace: Workspace, first: date, last: date) -> list[DayOverLimit]:
    """The calendar's warnings: each channel and day between first and last (local days)
    whose planned posts are more than the channel's known quota."""
    start, end = day_bounds(first, last, workspace.tzinfo)
    channels = list(Channel.objects.filter(workspace=workspace).order_by("network", "name"))
    over = []
    for channel, known in _limited(channels):
        for day, planned in sorted(_planned_by_day(channel, start, end).items()):
            if planned > known.total:
                over.append(DayOverLimit(channel, day, planned, known.total))
    return over


def post_limit_problems(
    *, post: Post, channels: list[Channel], publish_at: datetime | None
) -> list[Problem]:
    """The composer's warnings for one variant: its channels whose day, with this post,
    would have more posts planned than their quota."""
    if publish_at is None:
        return []
    problems = []
    for channel, known in _limited(channels):
        day = publish_at.astimezone(channel.workspace.tzinfo).date()
        start, end = day_bounds(day, day, channel.workspace.tzinfo)
        planned = _planned_by_day(channel, start, end, leave_out=post.pk).get(day, 0) + 1
        if planned > known.total:
            over = DayOverLimit(channel, day, planned, known.total)
            problems.append(Problem("publishing.over_daily_limit", over.message))
    return problems
