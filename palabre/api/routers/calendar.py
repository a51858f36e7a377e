"""The calendar, for a program: a period's posts and free time slots, and moving a post.

The period is the page's (a month's weeks, or one week, around `date`), read through the
same functions (`publishing/planning.py`, `limits.py`): the posts of each day, the cadence
per channel and week, the days over a network's daily quota; plus each channel's weekly
time slots in the period, free or taken as the composer's "next free slot" counts them.
Moving a post is the page's drag and drop (`workflow.post_reschedule`), with If-Match; a
scheduled or approved post moves only with the "publish" scope (it stays cleared to go
out at its new time when its mover is one of those who would approve it again: the
client's approver, or the owners and managers of a workspace without one).
"""

from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from palabre.accounts.permissions import Action, scoped
from palabre.api.access import ApiRouter, allowed, caller_of, check
from palabre.api.errors import invalid
from palabre.api.models import Scope
from palabre.api.routers.posts import (
    EDITS,
    CategoryName,
    IfMatch,
    PostOut,
    StatusName,
    post_loaded,
    post_out,
    refusals,
    seen_version,
    version_stale,
)
from palabre.api.schemas import REFUSALS, Ref
from palabre.channels.models import Channel
from palabre.lib.concurrency import StaleVersion, version_advance
from palabre.lib.ids import MAX_ID_DIGITS
from palabre.lib.months import FIRST_YEAR, LAST_YEAR
from palabre.publishing import limits, planning, workflow
from palabre.publishing.models import Post, PostStatus

router = ApiRouter(tags=["calendar"])
Day = date  # for the fields named `date`, which hide the type in their class
MAX_ID = 10**MAX_ID_DIGITS - 1


class CalendarPost(Schema):
    id: int
    idea: str
    status: str
    category: str
    publish_at: datetime
    networks: list[str]


class SlotOut(Schema):
    at: datetime
    channel: Ref
    free: bool = Field(description="No post has this time on this channel (drafts count).")


class DayOut(Schema):
    date: date
    posts: list[CalendarPost]
    slots: list[SlotOut]


class CadenceWeek(Schema):
    monday: date
    planned: int
    short: bool = Field(description="Fewer posts planned than the channel's weekly goal.")


class CadenceOut(Schema):
    channel: Ref
    goal: int | None
    weeks: list[CadenceWeek]


class OverLimitOut(Schema):
    channel: Ref
    day: date
    planned: int
    limit: int
    message: str


class CalendarOut(Schema):
    first: date
    last: date
    days: list[DayOut]
    cadence: list[CadenceOut]
    over_limit: list[OverLimitOut] = Field(description="Days over a network's daily quota.")
    next_free_slot: datetime | None = Field(
        description="The earliest slot to come free on every channel (the composer's)."
    )


class CalendarFilters(Schema):
    view: Literal["month", "week"] = "month"
    date: Day | None = Field(None, description="A day of the period; today when left out.")
    channel: int | None = Field(None, ge=1, le=MAX_ID)
    category: CategoryName | None = None
    status: StatusName | None = None


def _ref(channel: Channel) -> Ref:
    return Ref(id=channel.pk, name=channel.name)


@router.get("", response={200: CalendarOut, **REFUSALS})
@allowed(Action.VIEW_CALENDAR, Scope.READ)
def calendar_read(request: HttpRequest, filters: Query[CalendarFilters]) -> CalendarOut:
    """A month (the weeks that show it) or a week: what the calendar page shows, each
    day's free time slots, and the next free slot."""
    workspace = caller_of(request).workspace
    tz = workspace.tzinfo
    day = filters.date or timezone.now().astimezone(tz).date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # as the page: no arithmetic at the ends
        raise invalid([{"field": "date", "message": _out_of_range()}])
    weeks = planning.period_weeks(day, filters.view)
    first, last = weeks[0][0], weeks[-1][-1]
    chosen = planning.Filters(
        channel=filters.channel,
        category=filters.category or "",
        status=filters.status or "",
    )
    by_day = planning.posts_by_day(workspace, first, last, chosen)
    prefetch_related_objects([p for posts in by_day.values() for p in posts], "variants")
    channels = scoped(Channel.objects.all(), workspace).order_by("network", "name")
    start, end = planning.day_bounds(first, last, tz)
    slots = planning.slots_between(
        channels.filter(pk=chosen.channel) if chosen.channel else channels,
        start=start,
        end=end,
        tz=tz,
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return CalendarOut(
        first=first,
        last=last,
        days=[_day_out(d, by_day.get(d, []), slots, tz) for d in days],
        cadence=[
            CadenceOut(
                channel=_ref(row["channel"]),  # type: ignore[arg-type]
                goal=row["goal"],  # type: ignore[arg-type]
                weeks=[
                    CadenceWeek(monday=week[0], planned=cell["planned"], short=cell["short"])
                    for week, cell in zip(weeks, row["weeks"], strict=True)  # type: ignore[call-overload]
                ],
            )
            for row in planning.cadence_table(workspace, [week[0] for week in weeks], tz)
        ],
        over_limit=[
            OverLimitOut(
                channel=_ref(o.channel),
                day=o.day,
                planned=o.planned,
                limit=o.limit,
                message=o.message,
            )
            for o in limits.days_over_limit(workspace=workspace, first=first, last=last)
        ],
        next_free_slot=planning.first_free_slot(channels, after=timezone.now(), tz=tz),
    )


def _day_out(day: date, posts: list[Post], slots: list[planning.Slot], tz: ZoneInfo) -> DayOut:
    return DayOut(
        date=day,
        posts=[
            CalendarPost(
                id=p.pk,
                idea=p.idea,
                status=p.status,
                category=p.category,
                publish_at=p.publish_at,  # type: ignore[arg-type]  # posts_between: never None
                networks=sorted(v.network for v in p.variants.all()),
            )
            for p in posts
        ],
        slots=[
            SlotOut(at=s.at, channel=_ref(s.channel), free=s.free)
            for s in slots
            if s.at.astimezone(tz).date() == day
        ],
    )


def _out_of_range() -> str:
    return _("Choose a day between %(first)s and %(last)s.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


class MoveIn(Schema):
    publish_at: datetime | None = Field(
        None, description="The new time (no offset: the workspace's time zone)."
    )
    date: Day | None = Field(
        None, description="Or a day: the post keeps its time of day (the page's drag and drop)."
    )


@router.patch("/posts/{int:pk}", response={200: PostOut, **EDITS})
@allowed(Action.COMPOSE, Scope.WRITE)
def calendar_move(
    request: HttpRequest,
    pk: int,
    body: MoveIn,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> PostOut:
    """A new time for a post (with If-Match). Where approval is required, a post moved by
    anyone but those who would approve it again goes back to review."""
    caller = caller_of(request)
    post = post_loaded(caller.workspace, pk)
    if post.status in (PostStatus.SCHEDULED, PostStatus.APPROVED):
        check(caller, Action.COMPOSE, Scope.PUBLISH)  # it stays cleared to go out
    seen = seen_version(if_match, post)
    moment = _moment(post, body)
    with transaction.atomic():  # a refused move leaves the version as it was
        try:
            version_advance(post, seen=seen)
        except StaleVersion:
            raise version_stale(post) from None
        with refusals():
            workflow.post_reschedule(post=post, actor=caller.user, publish_at=moment)
    return post_out(post, response)


def _moment(post: Post, body: MoveIn) -> datetime:
    if (body.publish_at is None) == (body.date is None):
        message = _("Send either a new time (publish_at) or a new day (date).")
        raise invalid([{"field": "", "message": message}])
    if body.date is not None:
        if not FIRST_YEAR <= body.date.year <= LAST_YEAR:
            raise invalid([{"field": "date", "message": _out_of_range()}])
        if post.publish_at is None:
            message = _("This post has no time yet: send publish_at.")
            raise invalid([{"field": "date", "message": message}])
        return planning.same_time_on(post.publish_at, body.date, post.workspace.tzinfo)
    assert body.publish_at is not None
    if timezone.is_naive(body.publish_at):
        return timezone.make_aware(body.publish_at, post.workspace.tzinfo)
    return body.publish_at
