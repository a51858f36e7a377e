"""Relationship stages: who is engaged, a member, an advocate, or drifting away.

Definitions (docs/metrics.md, "Community"), counted over the interactions the inbox
collected, follows excepted, at a reference moment:
- engaged: at least one interaction (follows, abuse and spam aside) in the last 90 days;
- member: engaged, and 3+ interactions spread over 2+ calendar months in the last 12;
- advocate: a member who shared us (a repost or a quote in the last 12 months) or whom a
  person tagged "recommends us";
- drifting: a regular (3+ interactions over 2+ months in the last 12) silent for 45+ days;
- customer: tagged by hand, or by an imported conversion.
Stages are nested, so the funnel reads from the top down.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics.metrics import followers_by_channel, people_ranks_refresh
from palabre.analytics.models import CommunityDay, CommunityRefresh
from palabre.analytics.rollup import month_stats_refresh
from palabre.analytics.talk import talk_hours_refresh
from palabre.inbox.models import Category, Contact, Interaction, Stage
from palabre.lib.months import month_before
from palabre.networks.base import InteractionKind

ENGAGED_DAYS = 90
YEAR_DAYS = 365
MEMBER_INTERACTIONS, MEMBER_MONTHS = 3, 2
DRIFT_DAYS = 45
SHARE_KINDS = (InteractionKind.REPOST, InteractionKind.QUOTE)
NOT_COUNTED = (Category.ABUSE, Category.SPAM)
TAG_CUSTOMER, TAG_ADVOCATE = "customer", "advocate"


@dataclass
class Activity:
    total: int = 0
    shares: int = 0
    months: int = 0
    last: datetime | None = None


@dataclass(frozen=True)
class Relationship:
    stage: str
    drifting: bool


def relationship(activity: Activity, *, recommends: bool, now: datetime) -> Relationship:
    """One contact's stage from their last 12 months of activity."""
    last = activity.last
    regular = activity.total >= MEMBER_INTERACTIONS and activity.months >= MEMBER_MONTHS
    engaged = last is not None and last >= now - timedelta(days=ENGAGED_DAYS)
    drifting = regular and last is not None and last < now - timedelta(days=DRIFT_DAYS)
    if not engaged:
        return Relationship(Stage.NONE, drifting)
    if not regular:
        return Relationship(Stage.ENGAGED, drifting)
    if activity.shares or recommends:
        return Relationship(Stage.ADVOCATE, drifting)
    return Relationship(Stage.MEMBER, drifting)


def counted_interactions(workspace: Workspace, since: datetime) -> Q:
    """What makes a relationship: anything but a follow, abuse or spam."""
    return (
        Q(workspace=workspace, created_at__gte=since, identity__isnull=False, erased=False)
        & ~Q(kind=InteractionKind.FOLLOW)
        & ~Q(category__in=NOT_COUNTED)
    )


def activities(workspace: Workspace, *, now: datetime) -> dict[int, Activity]:
    """Per contact: interactions, shares, distinct months and last moment, over 12 months."""
    rows = (
        Interaction.objects.filter(counted_interactions(workspace, now - timedelta(days=YEAR_DAYS)))
        .filter(created_at__lte=now)
        .annotate(month=TruncMonth("created_at", tzinfo=workspace.tzinfo))
        .values("identity__contact_id", "month")
        .annotate(
            n=Count("id"),
            shares=Count("id", filter=Q(kind__in=SHARE_KINDS)),
            last=Max("created_at"),
        )
        .order_by()
    )
    found: dict[int, Activity] = defaultdict(Activity)
    for row in rows.iterator(chunk_size=5000):
        activity = found[row["identity__contact_id"]]
        activity.total += row["n"]
        activity.shares += row["shares"]
        activity.months += 1
        if activity.last is None or row["last"] > activity.last:
            activity.last = row["last"]
    return found


def community_refresh(*, workspace: Workspace, now: datetime | None = None) -> CommunityDay:
    """Recompute every contact's stage, then record today's funnel."""
    now = now or timezone.now()
    found = activities(workspace, now=now)
    changed: list[tuple[Any, ...]] = []
    fields = ["stage", "drifting", "interactions_12m", "months_active", "last_seen_at"]
    contacts = Contact.objects.filter(workspace=workspace).values_list("pk", "tags", *fields)
    for pk, tags, *old in contacts.iterator(chunk_size=5000):
        activity = found.get(pk, Activity())
        rel = relationship(activity, recommends=TAG_ADVOCATE in (tags or []), now=now)
        new = (rel.stage, rel.drifting, activity.total, min(activity.months, 12), activity.last)
        if new != tuple(old):
            changed.append((*new, pk))
    _contacts_update(changed)
    day = community_day_record(workspace=workspace, day=workspace.local_date(now))
    CommunityRefresh.objects.filter(workspace=workspace).update(stages_at=now)
    return day


def _contacts_update(rows: list[tuple[Any, ...]]) -> None:
    """One prepared UPDATE per changed contact: Django's bulk_update builds a CASE per
    field and row, which takes minutes for a hundred thousand people."""
    adapt = connection.ops.adapt_datetimefield_value
    params = [(*row[:4], adapt(row[4]), row[5]) for row in rows]
    table = Contact._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET stage = %s, drifting = %s, interactions_12m = %s, "  # noqa: S608
            "months_active = %s, last_seen_at = %s WHERE id = %s",
            params,
        )


def followers_total(workspace: Workspace, day: date) -> int:
    """The sum of each channel's latest follower count on or before `day`."""
    return sum(followers_by_channel(workspace, day).values())


def funnel_counts(workspace: Workspace) -> dict[str, int]:
    """Every stage, the customers and the drifting, in one pass over the contacts."""
    members = (Stage.ADVOCATE, Stage.MEMBER)
    counts = Contact.objects.filter(workspace=workspace).aggregate(
        engaged=Count("pk", filter=Q(stage__in=(*members, Stage.ENGAGED))),
        members=Count("pk", filter=Q(stage__in=members)),
        advocates=Count("pk", filter=Q(stage=Stage.ADVOCATE)),
        customers=Count("pk", filter=_tagged(TAG_CUSTOMER)),
        drifting=Count("pk", filter=Q(drifting=True)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def funnel_today(workspace: Workspace) -> dict[str, int]:
    """funnel_counts, now. Only the hourly refresh writes stages: when it ran in the last
    two hours, today's record holds its counts (a person erased or merged since leaves
    them at the next refresh, as their stage does), and only the customers, whom a person
    or a conversion tags at any time, are counted."""
    refreshed = (
        CommunityRefresh.objects.filter(workspace=workspace)
        .values_list("stages_at", flat=True)
        .first()
    )
    today = workspace.local_date()
    fresh = refreshed is not None and refreshed >= timezone.now() - STAGES_FRESH
    day = CommunityDay.objects.filter(workspace=workspace, day=today).first()
    if not fresh or day is None or workspace.local_date(refreshed) != today:
        return funnel_counts(workspace)
    counts = {k: getattr(day, k) for k in ("engaged", "members", "advocates", "drifting")}
    counts["customers"] = tagged(Contact.objects.filter(workspace=workspace), TAG_CUSTOMER).count()
    return counts


STAGES_FRESH = timedelta(hours=2)


def tagged(contacts: QuerySet[Contact], tag: str) -> QuerySet[Contact]:
    """Contacts whose tags list holds `tag`."""
    return contacts.filter(_tagged(tag))


def _tagged(tag: str) -> Q:
    """The JSON text is searched for the quoted word: one query on both databases (SQLite
    has no JSON containment); most people have no tag, and an empty list is not read."""
    return ~Q(tags=[]) & Q(tags__icontains=f'"{tag}"')


def community_day_record(*, workspace: Workspace, day: date) -> CommunityDay:
    counts = funnel_counts(workspace)
    row, _created = CommunityDay.objects.update_or_create(
        workspace=workspace,
        day=day,
        defaults={"followers": followers_total(workspace, day), **counts},
    )
    return row


def community_refresh_run(row: CommunityRefresh) -> datetime:
    """The worker's step, hourly: stages, today's funnel, the people rankings, this
    month's and last month's totals (a late answer can still change last month), and the
    dialogue's hourly totals."""
    now = timezone.now()
    community_refresh(workspace=row.workspace, now=now)
    people_ranks_refresh(workspace=row.workspace, now=now)
    today = row.workspace.local_date(now)
    month_stats_refresh(workspace=row.workspace, since=month_before(today))
    talk_hours_refresh(workspace=row.workspace, now=now)
    CommunityRefresh.objects.filter(pk=row.pk).update(last_run_at=now)
    return now + timedelta(hours=1)
