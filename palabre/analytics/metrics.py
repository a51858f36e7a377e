"""Every figure of the reports, computed from stored rows for a scope (workspace, period,
channels). Definitions: docs/metrics.md and definitions.py; each ratio keeps its
numerator and denominator so that the denominator is always stated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    Field,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics import talk
from palabre.analytics.models import ChannelDay, MonthStat, PeopleRank, PostStat
from palabre.channels.models import Channel
from palabre.inbox.models import (
    CONVERSATION_KINDS,
    WAITING,
    Category,
    Contact,
    EventAction,
    Identity,
    Interaction,
)
from palabre.lib.months import month_after, month_before
from palabre.lib.stats import percentiles
from palabre.networks.base import InteractionKind
from palabre.publishing.models import Category as PostCategory

NOT_TO_ANSWER = talk.NOT_TO_ANSWER
SUPPORT_KINDS = (InteractionKind.LIKE, InteractionKind.REPOST, InteractionKind.QUOTE)


@dataclass(frozen=True)
class Scope:
    """What a report covers: one workspace, [start, end), and optionally some channels."""

    workspace: Workspace
    start: datetime
    end: datetime
    channel_ids: tuple[int, ...] = ()
    rolling_days: int | None = None  # "the last N days" up to now, rather than fixed dates

    def channels(self) -> QuerySet[Channel]:
        rows = Channel.objects.filter(workspace=self.workspace)
        return rows.filter(pk__in=self.channel_ids) if self.channel_ids else rows

    def on_channels(self, lookup: str = "channel_id") -> Q:
        return Q(**{f"{lookup}__in": self.channel_ids}) if self.channel_ids else Q()

    @property
    def end_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(self.workspace.tzinfo).date()


@dataclass(frozen=True)
class Ratio:
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def per_thousand(rate: float | None, followers: int | None) -> float | None:
    """A per-post rate per 1,000 followers, to compare accounts of different sizes."""
    if rate is None or not followers:
        return None
    return rate / followers * 1000


# --- Posts and channels ------------------------------------------------------------------


def post_stats(scope: Scope) -> QuerySet[PostStat]:
    return PostStat.objects.filter(
        scope.on_channels(),
        workspace=scope.workspace,
        published_at__gte=scope.start,
        published_at__lt=scope.end,
    )


@dataclass(frozen=True)
class PostRow:
    target_id: int
    post_id: int
    channel: str
    network: str
    published_at: datetime
    idea: str
    likes: int
    reposts: int
    replies: int
    quotes: int
    impressions: int | None
    reach: int | None
    followers: int | None
    saves: int | None = None  # where the network gives them (Instagram, X's bookmarks)
    video_views: int | None = None
    clicks: int | None = None  # LinkedIn

    @property
    def engagements(self) -> int:
        return self.likes + self.reposts + self.replies + self.quotes

    @property
    def rate_by_followers(self) -> float | None:
        return self.engagements / self.followers if self.followers else None

    @property
    def rate_by_reach(self) -> float | None:
        return self.engagements / self.reach if self.reach else None


def post_rows(scope: Scope, *, limit: int | None = None) -> list[PostRow]:
    """Posts of the period, most engaging first."""
    rows = (
        post_stats(scope)
        .annotate(engaged=F("likes") + F("reposts") + F("replies") + F("quotes"))
        .order_by("-engaged", "-published_at")
        .values(
            "target_id",
            "target__post_id",
            "channel__name",
            "channel__network",
            "published_at",
            "target__post__idea",
            "likes",
            "reposts",
            "replies",
            "quotes",
            "impressions",
            "reach",
            "followers",
            "saves",
            "video_views",
            "clicks",
        )
    )
    if limit:
        rows = rows[:limit]
    return [
        PostRow(
            target_id=r["target_id"],
            post_id=r["target__post_id"],
            channel=r["channel__name"],
            network=r["channel__network"],
            published_at=r["published_at"],
            idea=r["target__post__idea"][:120],
            likes=r["likes"],
            reposts=r["reposts"],
            replies=r["replies"],
            quotes=r["quotes"],
            impressions=r["impressions"],
            reach=r["reach"],
            followers=r["followers"],
            saves=r["saves"],
            video_views=r["video_views"],
            clicks=r["clicks"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ChannelRow:
    channel_id: int
    name: str
    network: str
    followers: int | None
    posts: int
    likes: int
    reposts: int
    replies: int
    quotes: int
    impressions: int | None
    reach: int | None
    reach_engagements: int  # engagements of the posts whose reach is known
    followers_sum: int  # sum over posts of the followers when each was published
    followers_engagements: int  # engagements of the posts whose followers are known
    saves: int | None = None  # None: no post of the channel has them
    video_views: int | None = None
    clicks: int | None = None

    @property
    def engagements(self) -> int:
        return self.likes + self.reposts + self.replies + self.quotes

    @property
    def rate_by_followers(self) -> Ratio:
        """Engagements per post divided by followers, averaged over posts (sum over sum)."""
        return Ratio(self.followers_engagements, self.followers_sum)

    @property
    def rate_by_reach(self) -> Ratio:
        return Ratio(self.reach_engagements, self.reach or 0)

    @property
    def conversation(self) -> Ratio:
        return Ratio(self.replies, self.posts)

    @property
    def amplification(self) -> Ratio:
        return Ratio(self.reposts + self.quotes, self.posts)

    @property
    def applause(self) -> Ratio:
        return Ratio(self.likes, self.posts)


def followers_by_channel(
    workspace: Workspace, day: date, channel_ids: tuple[int, ...] = ()
) -> dict[int, int]:
    """Each channel's follower count on its last day read on or before `day`."""
    channels = Q(channel_id__in=channel_ids) if channel_ids else Q()
    latest = (
        ChannelDay.objects.filter(channels, channel__workspace=workspace, day__lte=day)
        .values("channel_id")
        .annotate(last=Max("day"))
        .order_by()
    )
    keys = Q(pk__in=[])
    for row in latest:
        keys |= Q(channel_id=row["channel_id"], day=row["last"])
    return dict(ChannelDay.objects.filter(keys).values_list("channel_id", "followers"))


def channel_rows(scope: Scope) -> list[ChannelRow]:
    sums = {
        row["channel_id"]: row
        for row in post_stats(scope)
        .values("channel_id")
        .annotate(
            posts=Count("id"),
            s_likes=Sum("likes"),
            s_reposts=Sum("reposts"),
            s_replies=Sum("replies"),
            s_quotes=Sum("quotes"),
            s_impressions=Sum("impressions"),
            s_reach=Sum("reach"),
            s_saves=Sum("saves"),
            s_video_views=Sum("video_views"),
            s_clicks=Sum("clicks"),
            reach_eng=Sum(
                F("likes") + F("reposts") + F("replies") + F("quotes"),
                filter=Q(reach__isnull=False),
            ),
            s_followers=Sum("followers"),
            followers_eng=Sum(
                F("likes") + F("reposts") + F("replies") + F("quotes"),
                filter=Q(followers__gt=0),
            ),
        )
        .order_by()
    }
    followers = followers_by_channel(scope.workspace, scope.end_day, scope.channel_ids)
    rows = []
    for channel in scope.channels().order_by("name"):
        s: dict[str, Any] = dict(sums.get(channel.pk, {}))
        rows.append(
            ChannelRow(
                channel_id=channel.pk,
                name=channel.name,
                network=channel.network,
                followers=followers.get(channel.pk),
                posts=s.get("posts", 0),
                likes=s.get("s_likes") or 0,
                reposts=s.get("s_reposts") or 0,
                replies=s.get("s_replies") or 0,
                quotes=s.get("s_quotes") or 0,
                impressions=s.get("s_impressions"),
                reach=s.get("s_reach"),
                reach_engagements=s.get("reach_eng") or 0,
                followers_sum=s.get("s_followers") or 0,
                followers_engagements=s.get("followers_eng") or 0,
                saves=s.get("s_saves"),
                video_views=s.get("s_video_views"),
                clicks=s.get("s_clicks"),
            )
        )
    return rows


# --- Dialogue ------------------------------------------------------------------------------


def inbound(scope: Scope) -> QuerySet[Interaction]:
    """Comments, mentions, quotes and messages people sent us, abuse and spam aside."""
    return Interaction.objects.filter(
        scope.on_channels(),
        workspace=scope.workspace,
        kind__in=CONVERSATION_KINDS,
        created_at__gte=scope.start,
        created_at__lt=scope.end,
        erased=False,
    ).exclude(category__in=NOT_TO_ANSWER)


@dataclass(frozen=True)
class Response:
    rate: Ratio  # answered / inbound
    median_seconds: float | None
    p90_seconds: float | None
    business_hours: bool
    answered_times: int  # how many first responses the times are taken from


@dataclass(frozen=True)
class Dialogue:
    threads: Ratio  # threads with a brand reply / threads with an inbound comment
    replies_per_comment: Ratio  # brand replies / inbound comments
    unanswered_now: int


def talk_figures(scope: Scope) -> tuple[Response, Dialogue]:
    [counts] = _talk_counts([scope])
    return response(scope, counts), dialogue(scope, counts)


def responses(scopes: list[Scope], *, median_only: bool = False) -> list[Response]:
    """The response figures of several periods, read together (the key figures' steps,
    which show the median only: their 90th percentiles are left out, None)."""
    points = (50,) if median_only else (50, 90)
    counted = _talk_counts(scopes, points=points)
    return [response(s, c) for s, c in zip(scopes, counted, strict=True)]


class Percentiles(Aggregate):
    """PostgreSQL's median and 90th percentile (linear, as numpy's default) in one pass."""

    template = "percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = Field()  # no conversion: psycopg hands back a list of two floats, or None


def _time_column(scope: Scope) -> str:
    return "response_business_seconds" if scope.workspace.business_hours else "response_seconds"


def _talk_counts(
    scopes: list[Scope], *, points: tuple[int, ...] = (50, 90)
) -> list[dict[str, Any]]:
    """Every figure of the dialogue, for each scope: from the hourly totals (talk.py) for
    all channels, counted on the spot for some channels or when the totals are stale."""
    workspace = scopes[0].workspace
    found = None
    if all(s.workspace == workspace and not s.channel_ids for s in scopes):
        windows = [(s.start, s.end) for s in scopes]
        found = talk.tallies(workspace, windows, business=workspace.business_hours)
    if found is None:
        return [_talk_counted(s) for s in scopes]
    return [
        {
            "total": t.inbound,
            "answered": t.answered,
            "replies": t.replies,
            "threads": len(t.threads),
            "answered_threads": len(t.answered_threads),
            "timed": t.timed,
            "percentiles": t.percentiles(points),
        }
        for t in found
    ]


def _talk_counted(scope: Scope) -> dict[str, Any]:
    """Every figure of the dialogue in one pass over the reports index (the response
    times too, on PostgreSQL; SQLite has no percentile function: they are read)."""
    answered = Q(answered_at__isnull=False)
    column = _time_column(scope)
    timed = Q(**{f"{column}__isnull": False})
    figures: dict[str, Any] = {
        # Counting a column of the reports index (not the id) lets PostgreSQL answer
        # from the index alone.
        "total": Count("created_at"),
        "answered": Count("created_at", filter=answered),
        "replies": Sum("replies_sent"),
        "threads": Count("target_id", distinct=True),
        "answered_threads": Count("target_id", distinct=True, filter=answered),
        "timed": Count(column, filter=timed),
    }
    if connection.vendor == "postgresql":
        figures["percentiles"] = Percentiles(column, filter=timed)
    found = inbound(scope).aggregate(**figures)
    if connection.vendor == "postgresql":
        spread = found.pop("percentiles")
    else:
        spread = _percentiles_read(inbound(scope).filter(timed), column, [50, 90]).get(None)
    counts: dict[str, Any] = {key: int(value or 0) for key, value in found.items()}
    counts["percentiles"] = spread
    return counts


def _percentiles_read(
    rows: QuerySet[Any], column: str, points: list[int], *, by: str = ""
) -> dict[Any, list[float]]:
    """SQLite has no percentile function: the response times are read, whole (under the
    key None) or for each value of `by`."""
    times: dict[Any, list[float]] = {}
    for row in rows.values_list(*filter(None, (by, column))).iterator():
        times.setdefault(row[0] if by else None, []).append(float(row[-1]))
    return {key: percentiles(spread, points) for key, spread in times.items()}


def response(scope: Scope, counts: dict[str, Any] | None = None) -> Response:
    counts = counts or _talk_counts([scope])[0]
    found = [float(v) for v in counts["percentiles"] or []]  # the median, the 90th if asked
    median = found[0] if found else None
    p90 = found[1] if len(found) > 1 else None
    return Response(
        rate=Ratio(counts["answered"], counts["total"]),
        median_seconds=median,
        p90_seconds=p90,
        business_hours=scope.workspace.business_hours,
        answered_times=counts["timed"],
    )


def dialogue(scope: Scope, counts: dict[str, Any] | None = None) -> Dialogue:
    counts = counts or _talk_counts([scope])[0]
    waiting = Interaction.objects.filter(scope.on_channels(), WAITING, workspace=scope.workspace)
    return Dialogue(
        threads=Ratio(counts["answered_threads"], counts["threads"]),
        replies_per_comment=Ratio(counts["replies"], counts["total"]),
        unanswered_now=waiting.count(),
    )


# What people write to us, in the order a community manager answers it (abuse and spam are
# not answered: inbound() leaves them out).
TALK_KINDS = (Category.QUESTION, Category.CRITICISM, Category.PRAISE, Category.OTHER)


@dataclass(frozen=True)
class KindTalk:
    """One kind of message (Category: question, criticism, praise, other) over a period."""

    category: str
    rate: Ratio  # answered / received
    median_seconds: float | None  # the first response's median, over those timed
    timed: int


def talk_by_kind(scope: Scope) -> list[KindTalk]:
    """The response figures kind by kind: were the questions answered, and how fast? (The
    dialogue's totals mix a thank-you for a compliment with an answer to a question.)
    Counted on the spot in one grouped pass; the medians, on SQLite, read."""
    column = _time_column(scope)
    timed = Q(**{f"{column}__isnull": False})
    figures: dict[str, Any] = {
        "received": Count("created_at"),
        "answered": Count("created_at", filter=Q(answered_at__isnull=False)),
        "timed": Count(column, filter=timed),
    }
    if connection.vendor == "postgresql":
        figures["percentiles"] = Percentiles(column, filter=timed)
    # Not sorted yet (a comment read while the classifier was down): with the rest, so that
    # the kinds add up to the dialogue's totals.
    kinds = inbound(scope).annotate(
        talk_kind=Case(
            When(category__in=TALK_KINDS, then=F("category")),
            default=Value(Category.OTHER),
            output_field=CharField(),
        )
    )
    grouped = kinds.values("talk_kind").annotate(**figures).order_by()
    found: dict[str, dict[str, Any]] = {row["talk_kind"]: dict(row) for row in grouped}
    if connection.vendor != "postgresql":
        read = _percentiles_read(kinds.filter(timed), column, [50], by="talk_kind")
        for category, counted in found.items():
            counted["percentiles"] = read.get(category)
    said = []
    for category in TALK_KINDS:
        row = found.get(category, {"received": 0, "answered": 0, "timed": 0})
        points = [float(v) for v in row.get("percentiles") or []]
        said.append(
            KindTalk(
                category=category,
                rate=Ratio(row["answered"], row["received"]),
                median_seconds=points[0] if points else None,
                timed=row["timed"],
            )
        )
    return said


# --- Content mix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentMix:
    counts: dict[str, int]
    max_promotional_percent: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def promotional(self) -> Ratio:
        return Ratio(self.counts.get(PostCategory.PROMOTIONAL, 0), self.total)

    @property
    def over_target(self) -> bool:
        share = self.promotional.value
        return share is not None and share * 100 > self.max_promotional_percent


def content_mix(scope: Scope) -> ContentMix:
    """Posts (not variants) with at least one publication in the period, by category."""
    posts = (
        post_stats(scope)
        .values("category")
        .annotate(n=Count("target__post_id", distinct=True))
        .order_by()
    )
    counts = {c.value: 0 for c in PostCategory}
    for row in posts:
        if row["category"] in counts:
            counts[row["category"]] = row["n"]
    return ContentMix(
        counts=counts, max_promotional_percent=scope.workspace.max_promotional_percent
    )


# --- People --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    contact_id: int
    name: str
    count: int
    stage: str


def _people(scope: Scope, kinds: tuple[str, ...], limit: int) -> list[PersonRow]:
    """The most active people. Counted per account on the reports index, then the accounts
    of one person (merged contacts) added up; a person whose accounts each rank below the
    first PEOPLE_POOL could be missed, which takes several very active accounts."""
    per_account = (
        Interaction.objects.filter(
            scope.on_channels(),
            workspace=scope.workspace,
            kind__in=kinds,
            created_at__gte=scope.start,
            created_at__lt=scope.end,
            identity__isnull=False,
            erased=False,
        )
        .exclude(category__in=NOT_TO_ANSWER)
        .values("identity_id")
        .annotate(n=Count("created_at"))  # index-only, as in _talk_counts
        .order_by("-n")[: max(PEOPLE_POOL, limit * 4)]
    )
    counts = {row["identity_id"]: row["n"] for row in per_account}
    people: dict[int, PersonRow] = {}
    owners = Identity.objects.filter(pk__in=counts).values_list(
        "pk", "contact_id", "contact__name", "contact__stage"
    )
    for identity_id, contact_id, name, stage in owners:
        known = people.get(contact_id)
        total = counts[identity_id] + (known.count if known else 0)
        people[contact_id] = PersonRow(contact_id, name, total, stage)
    return sorted(people.values(), key=lambda p: (-p.count, p.name))[:limit]


PEOPLE_POOL = 200


def top_contributors(scope: Scope, *, limit: int = 10) -> list[PersonRow]:
    """Who talked with us most in the period (comments, mentions, quotes, messages)."""
    return _ranked(scope, "contributors", limit) or _people(scope, tuple(CONVERSATION_KINDS), limit)


def top_supporters(scope: Scope, *, limit: int = 10) -> list[PersonRow]:
    """Who liked and shared us most in the period: people to thank, but for those whose
    words in the period were abuse or spam, or hidden (the report named first, "to thank",
    someone whose insults the team had hidden that month)."""
    asked = max(limit, RANKED_LIMIT)  # room for those left out
    found = _ranked(scope, "supporters", asked) or _people(scope, SUPPORT_KINDS, asked)
    # Read as abuse or spam and not cleared by a person ("not abuse"), or hidden.
    judged_abusive = Q(category__in=NOT_TO_ANSWER) & ~Q(events__action=EventAction.NOT_ABUSE)
    moderated = set(
        Interaction.objects.filter(
            judged_abusive | Q(hidden=True),
            scope.on_channels(),
            workspace=scope.workspace,
            created_at__gte=scope.start,
            created_at__lt=scope.end,
            identity__contact_id__in=[p.contact_id for p in found],
        ).values_list("identity__contact_id", flat=True)
    )
    return [p for p in found if p.contact_id not in moderated][:limit]


RANKED_DAYS = (30, 90, 365)
RANKED_LIMIT = 100
RANK_FRESH = timedelta(hours=2)
PEOPLE_KINDS = {"contributors": tuple(CONVERSATION_KINDS), "supporters": SUPPORT_KINDS}


def _ranked(scope: Scope, kind: str, limit: int) -> list[PersonRow]:
    """The hourly ranking, when it answers this scope (all channels; the last 30 or 90
    days or 12 months, or this calendar month or the one before) and is fresh; []
    otherwise, and the caller counts."""
    if scope.channel_ids or limit > RANKED_LIMIT:
        return []
    rows = PeopleRank.objects.filter(workspace=scope.workspace, kind=kind)
    if scope.rolling_days in RANKED_DAYS:
        rows = rows.filter(days=scope.rolling_days, computed_at__gte=scope.end - RANK_FRESH)
    elif (month := _calendar_month(scope)) is not None:
        rows = rows.filter(days=0, month=month, computed_at__gte=timezone.now() - RANK_FRESH)
    else:
        return []
    found = rows.order_by("rank")[:limit].values_list(
        "contact_id", "contact__name", "count", "contact__stage"
    )
    return [PersonRow(*row) for row in found]


def _calendar_month(scope: Scope) -> date | None:
    """The month the scope is, if it is exactly one calendar month (workspace time)."""
    first = scope.workspace.local_date(scope.start)
    if first.day != 1 or _month_start(scope.workspace, first) != scope.start:
        return None
    return first if _month_start(scope.workspace, month_after(first)) == scope.end else None


def _month_start(workspace: Workspace, month: date) -> datetime:
    return datetime.combine(month, datetime.min.time(), tzinfo=workspace.tzinfo)


def people_ranks_refresh(*, workspace: Workspace, now: datetime) -> int:
    """The hourly rankings for the standard periods (the rolling ones, this calendar month
    and the one before, where late messages still arrive); returns the rows written."""
    this_month = workspace.local_date(now).replace(day=1)
    scopes: list[tuple[int, date | None, Scope]] = [
        (days, None, Scope(workspace, now - timedelta(days=days), now)) for days in RANKED_DAYS
    ]
    for month in (month_before(this_month), this_month):
        start, end = _month_start(workspace, month), _month_start(workspace, month_after(month))
        scopes.append((0, month, Scope(workspace, start, end)))
    fresh = [
        PeopleRank(
            workspace=workspace,
            days=days,
            month=month,
            kind=kind,
            rank=rank,
            contact_id=person.contact_id,
            count=person.count,
            computed_at=now,
        )
        for days, month, scope in scopes
        for kind, kinds in PEOPLE_KINDS.items()
        for rank, person in enumerate(_people(scope, kinds, RANKED_LIMIT), start=1)
    ]
    drifting = Contact.objects.filter(workspace=workspace, drifting=True).order_by(
        "-interactions_12m", "name"
    )
    fresh += [
        PeopleRank(
            workspace=workspace,
            days=365,
            kind="drifting",
            rank=rank,
            contact_id=contact_id,
            count=count,
            computed_at=now,
        )
        for rank, (contact_id, count) in enumerate(
            drifting.values_list("pk", "interactions_12m")[:RANKED_LIMIT], start=1
        )
    ]
    with transaction.atomic():
        PeopleRank.objects.filter(workspace=workspace).delete()
        PeopleRank.objects.bulk_create(fresh)
    return len(fresh)


def drifting(workspace: Workspace, *, limit: int = 10) -> QuerySet[Contact]:
    """Regulars gone quiet for 45 days or more, most active first (community.py). Only
    the hourly refresh changes who drifts and how much they did: its ranking (when fresh)
    names the candidates, and they are sorted again, to read a few rows, not every person."""
    regulars = Contact.objects.filter(workspace=workspace, drifting=True)
    if limit <= RANKED_LIMIT:
        ranked = PeopleRank.objects.filter(
            workspace=workspace, kind="drifting", computed_at__gte=timezone.now() - RANK_FRESH
        )
        if ranked.exists():
            regulars = regulars.filter(pk__in=ranked.values("contact_id"))
    return regulars.order_by("-interactions_12m", "name")[:limit]


# --- Trends --------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    posts: int = 0
    engagements: int = 0
    followers: int | None = None
    inbound: int = 0
    answered: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def response(self) -> Ratio:
        return Ratio(self.answered, self.inbound)


def months_back(end_day: date, count: int) -> list[date]:
    first = end_day.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = month_before(first)
    return months[::-1]


def monthly_trend(scope: Scope, *, months: int = 12) -> list[MonthRow]:
    """Posts, engagements, followers and answered share, month by month up to the end.
    Messages come from the hourly monthly totals (rollup.py), not from the interactions."""
    tz = scope.workspace.tzinfo
    keys = months_back(scope.end_day, months)
    start = datetime.combine(keys[0], datetime.min.time(), tzinfo=tz)
    rows = {m: MonthRow(month=m) for m in keys}
    # Each month's posts and engagements as one filtered sum per month, in one pass: grouping
    # by the month in the workspace's time zone ran a Python function per row on SQLite.
    engagements = F("likes") + F("reposts") + F("replies") + F("quotes")
    sums: dict[str, Any] = {}
    for i, month in enumerate(keys):
        begins = datetime.combine(month, datetime.min.time(), tzinfo=tz)
        ends = datetime.combine(month_after(month), datetime.min.time(), tzinfo=tz)
        within = Q(published_at__gte=begins, published_at__lt=min(ends, scope.end))
        sums[f"n{i}"], sums[f"e{i}"] = Count("id", filter=within), Sum(engagements, filter=within)
    posted = PostStat.objects.filter(
        scope.on_channels(),
        workspace=scope.workspace,
        published_at__gte=start,
        published_at__lt=scope.end,
    ).aggregate(**sums)
    for i, month in enumerate(keys):
        rows[month].posts, rows[month].engagements = posted[f"n{i}"], posted[f"e{i}"] or 0
    talk = (
        MonthStat.objects.filter(scope.on_channels(), workspace=scope.workspace, month__in=keys)
        .values("month")
        .annotate(n=Sum("inbound"), a=Sum("answered"))
        .order_by()
    )
    for totals in talk:
        rows[totals["month"]].inbound, rows[totals["month"]].answered = totals["n"], totals["a"]
    for month, total in followers_by_month(scope, keys).items():
        rows[month].followers = total
    return list(rows.values())


def followers_by_month(scope: Scope, months: list[date]) -> dict[date, int]:
    """Total followers at each month's last recorded day (per channel, then summed). The
    year's few thousand daily rows are read in order and the last of each month kept:
    grouping them by month in SQL, then fetching the rows found, took longer."""
    days = ChannelDay.objects.filter(
        scope.on_channels(),
        channel__workspace=scope.workspace,
        day__gte=months[0],
        day__lte=scope.end_day,
    )
    last: dict[tuple[int, date], int] = {}
    for channel_id, day, followers in days.order_by("day").values_list(
        "channel_id", "day", "followers"
    ):
        last[(channel_id, day.replace(day=1))] = followers
    totals: dict[date, int] = {}
    for (_channel, month), followers in last.items():
        totals[month] = totals.get(month, 0) + followers
    return totals
