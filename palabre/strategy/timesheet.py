"""Time spent: the timer, manual entries, each week against the budgets, and the reminder
when a week ends under a network's budget or under the workspace's minimum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palabre.accounts.models import User, Workspace
from palabre.networks.kinds import NETWORKS
from palabre.publishing.notices import notice_send, sentence
from palabre.strategy.models import NetworkPlan, Strategy, TimeEntry
from palabre.worker.jobs import each_once, held_write

REVIEW_AT = time(8, 0)  # Monday morning, workspace time: the week before is over
TIMER_CAP_MINUTES = 600  # a timer forgotten overnight counts 10 hours, not 16
WEEK_SHORT = gettext_noop("The week of %(day)s ended under the time planned. %(details)s")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, workspace: Workspace) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=workspace.tzinfo)


def next_review_time(workspace: Workspace, moment: datetime) -> datetime:
    """The next Monday 08:00 in the workspace's time zone, strictly after `moment`."""
    local = moment.astimezone(workspace.tzinfo)
    monday = week_start(local.date())
    review = datetime.combine(monday, REVIEW_AT, tzinfo=workspace.tzinfo)
    return review if review > moment else review + timedelta(days=7)


# --- Logging time --------------------------------------------------------------------------


def time_entries_logged(*, workspace: Workspace, user: User) -> QuerySet[TimeEntry]:
    """A person's logged entries (a running timer is not one yet), the latest first."""
    return TimeEntry.objects.filter(workspace=workspace, user=user, minutes__isnull=False).order_by(
        "-started_at"
    )


def running_timer(*, workspace: Workspace, user: User) -> TimeEntry | None:
    return TimeEntry.objects.filter(workspace=workspace, user=user, minutes__isnull=True).first()


@transaction.atomic
def timer_start(*, workspace: Workspace, user: User, network: str, activity: str) -> TimeEntry:
    """Start counting; a timer already running for this person is stopped first."""
    running = running_timer(workspace=workspace, user=user)
    if running is not None:
        timer_stop(entry=running)
    return TimeEntry.objects.create(
        workspace=workspace, user=user, network=network, activity=activity
    )


def timer_stop(*, entry: TimeEntry) -> TimeEntry:
    elapsed = (timezone.now() - entry.started_at).total_seconds() / 60
    entry.minutes = min(max(round(elapsed), 1), TIMER_CAP_MINUTES)
    entry.save(update_fields=["minutes"])
    return entry


def time_entry_add(
    *,
    workspace: Workspace,
    user: User,
    day: date,
    network: str,
    activity: str,
    minutes: int,
    note: str = "",
) -> TimeEntry:
    """Time logged afterwards, counted on `day` (at noon, so no time zone moves it)."""
    return TimeEntry.objects.create(
        workspace=workspace,
        user=user,
        network=network,
        activity=activity,
        minutes=minutes,
        note=note,
        started_at=datetime.combine(day, time(12, 0), tzinfo=workspace.tzinfo),
    )


def time_entry_delete(*, workspace: Workspace, user: User, entry_id: int | None) -> bool:
    """One of the person's own logged entries deleted (to log it again, right); whether
    there was one."""
    if entry_id is None:
        return False
    mine = time_entries_logged(workspace=workspace, user=user).filter(pk=entry_id)
    return mine.delete()[0] > 0


# --- Weeks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkWeek:
    network: str
    label: str
    minutes: int
    budget: int | None  # None: a network we did not choose, yet spent time on

    @property
    def under_budget(self) -> bool:
        return self.budget is not None and self.minutes < self.budget

    @property
    def over_by(self) -> int:
        """Minutes beyond the budget: time is the cost, so an overrun is said, not hidden
        behind a full bar."""
        return max(0, self.minutes - self.budget) if self.budget is not None else 0

    @property
    def percent(self) -> int | None:
        return round(self.minutes * 100 / self.budget) if self.budget else None

    @property
    def left(self) -> int:
        return max(0, self.budget - self.minutes) if self.budget is not None else 0


@dataclass(frozen=True)
class Week:
    monday: date
    rows: list[NetworkWeek]
    minimum: int
    # This week: what is not spent yet is still to come, not a shortfall (on Monday
    # morning, every network was "under budget").
    ongoing: bool = False

    @property
    def total(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def left(self) -> int:
        return max(0, self.minimum - self.total)

    @property
    def under_minimum(self) -> bool:
        return self.total < self.minimum

    @property
    def short(self) -> list[NetworkWeek]:
        return [row for row in self.rows if row.under_budget]


def _logged(workspace: Workspace, start: datetime, end: datetime) -> QuerySet[TimeEntry]:
    """The entries logged in [start, end) (a running timer is not one yet)."""
    return TimeEntry.objects.filter(
        workspace=workspace, started_at__gte=start, started_at__lt=end, minutes__isnull=False
    )


def minutes_by_network(workspace: Workspace, start: datetime, end: datetime) -> dict[str, int]:
    rows = _logged(workspace, start, end).values("network").annotate(total=Sum("minutes"))
    return {row["network"]: row["total"] for row in rows.order_by()}


@dataclass(frozen=True)
class PersonWeek:
    name: str
    minutes: int
    networks: list[tuple[str, int]]  # (label, minutes), the most first


def week_by_person(*, workspace: Workspace, monday: date) -> list[PersonWeek]:
    """Who spent the week's time, and on which networks: the most first. For those who set
    the budgets (a team's time is its cost; each member sees their own entries only)."""
    start = local_midnight(monday, workspace)
    end = local_midnight(monday + timedelta(days=7), workspace)
    rows = (
        _logged(workspace, start, end)
        .values("user_id", "user__name", "user__email", "network")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    people: dict[int, tuple[str, list[tuple[str, int]]]] = {}
    for row in rows:
        name = row["user__name"] or row["user__email"]
        network = NETWORKS.get(row["network"])
        label = str(network.label) if network else row["network"]
        people.setdefault(row["user_id"], (name, []))[1].append((label, row["total"]))
    found = [
        PersonWeek(name, sum(m for _, m in spent), sorted(spent, key=lambda n: (-n[1], n[0])))
        for name, spent in people.values()
    ]
    return sorted(found, key=lambda p: (-p.minutes, p.name))


def weekly_budgets(workspace: Workspace) -> dict[str, int]:
    """network → its weekly time budget in minutes, for the networks of the plan."""
    plans = NetworkPlan.objects.filter(workspace=workspace)
    return dict(plans.values_list("network", "weekly_budget_minutes"))


def week_summary(*, workspace: Workspace, strategy: Strategy, monday: date) -> Week:
    """One week's time per network against its budget, and in all against the minimum."""
    start = local_midnight(monday, workspace)
    spent = minutes_by_network(
        workspace, start, local_midnight(monday + timedelta(days=7), workspace)
    )
    budgets = weekly_budgets(workspace)
    keys = sorted(set(budgets) | set(spent), key=lambda k: (k not in budgets, k))
    rows = [
        NetworkWeek(key, str(NETWORKS[key].label), spent.get(key, 0), budgets.get(key))
        for key in keys
        if key in NETWORKS
    ]
    ongoing = monday >= week_start(workspace.local_date())  # a week to come too
    return Week(monday, rows, strategy.weekly_minimum_minutes, ongoing=ongoing)


def week_review(strategy: Strategy) -> datetime | None:
    """The worker's step, on Monday morning: tell the managers if last week fell short."""
    workspace = strategy.workspace
    now = timezone.now()
    last_monday = week_start(workspace.local_date(now)) - timedelta(days=7)
    if strategy.last_week_reviewed != last_monday:
        week = week_summary(workspace=workspace, strategy=strategy, monday=last_monday)
        if week.under_minimum or week.short:
            each_once(
                strategy,
                field="week_told",
                period=last_monday.isoformat(),
                people=workspace.managers(),
                send=lambda user: _remind(workspace, user, week),
            )
        held_write(strategy, last_week_reviewed=last_monday)
    return next_review_time(workspace, now)


def shortfall_said(week: Week) -> list[dict[str, Any]]:
    """What fell short, one sentence each, to be said in the reader's language."""
    parts = []
    if week.under_minimum:
        parts.append(
            sentence(
                gettext_noop("%(spent)s in all, under the minimum of %(minimum)s."),
                spent={"minutes": week.total},
                minimum={"minutes": week.minimum},
            )
        )
    for row in week.short:
        parts.append(
            sentence(
                gettext_noop("%(network)s: %(spent)s of its %(budget)s budget."),
                network={"network": row.network},
                spent={"minutes": row.minutes},
                budget={"minutes": row.budget or 0},
            )
        )
    return parts


def _remind(workspace: Workspace, user: User, week: Week) -> None:
    link = reverse("time_spent", args=[workspace.slug]) + f"?week={week.monday:%Y-%m-%d}"
    params = {"day": f"{week.monday:%Y-%m-%d}", "details": shortfall_said(week)}
    notice_send(workspace=workspace, user=user, message=WEEK_SHORT, params=params, url=link)
