"""The reports page's parts: each builds one table (and its charts) for a scope.

The page, the CSV export, the monthly PDF and `make bench` all go through SECTIONS, so
what is measured is what people see, part by part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.analytics import metrics, tables
from palabre.analytics.charts import Chart
from palabre.analytics.definitions import label
from palabre.analytics.figures import Figure, key_figures
from palabre.analytics.insights import channel_insights
from palabre.analytics.metrics import Scope
from palabre.analytics.tables import Table
from palabre.formats.written import date_text
from palabre.lib.percent import share_text

PAGE_ROWS = 15  # rows of long tables on the page; the CSV has them all
CSV_ROWS = 100_000


@dataclass
class Section:
    table: Table
    charts: list[Chart] = field(default_factory=list)


def dialogue(scope: Scope, full: bool) -> Section:
    return Section(tables.dialogue_table(scope))


def talk_kinds(scope: Scope, full: bool) -> Section:
    return Section(tables.talk_kinds_table(scope))


def channels(scope: Scope, full: bool) -> Section:
    return Section(tables.channels_table(scope))


def posts(scope: Scope, full: bool) -> Section:
    return Section(tables.posts_table(scope, limit=None if full else PAGE_ROWS))


def content_mix(scope: Scope, full: bool) -> Section:
    table = tables.mix_table(scope)
    mix_max = scope.workspace.max_promotional_percent / 100
    chart = Chart(
        "mix",
        label("content_mix"),
        "hbars",
        tuple(str(r[0]) for r in table.rows),
        tuple(r[2] if isinstance(r[2], float) else 0.0 for r in table.rows),
        percent=True,
        target=mix_max,
        target_label=_("promotional maximum %(percent)s") % {"percent": share_text(mix_max)},
    )
    return Section(table, [chart])


def funnel(scope: Scope, full: bool) -> Section:
    table = tables.funnel_table(scope)
    steps = table.rows[:5]
    chart = Chart(
        "funnel",
        _("Community funnel"),
        "hbars",
        tuple(str(r[0]) for r in steps),
        tuple(float(r[1]) for r in steps),  # type: ignore[arg-type]
    )
    return Section(table, [chart])


def contributors(scope: Scope, full: bool) -> Section:
    found = metrics.top_contributors(scope, limit=CSV_ROWS if full else 10)
    return Section(tables.people_table("contributors", found))


def supporters(scope: Scope, full: bool) -> Section:
    found = metrics.top_supporters(scope, limit=CSV_ROWS if full else 10)
    return Section(tables.people_table("supporters", found))


def drifting(scope: Scope, full: bool) -> Section:
    found = list(metrics.drifting(scope.workspace, limit=CSV_ROWS if full else 10))
    return Section(tables.drifting_table(found, scope.workspace.tzinfo))


def trend(scope: Scope, full: bool) -> Section:
    rows = metrics.monthly_trend(scope)
    names = tuple(date_text(r.month, "MONTH_AXIS_FORMAT") for r in rows)
    followers = tuple(float(r.followers) if r.followers is not None else None for r in rows)
    # A month still under way would chart as a collapse (three days of engagements, the
    # week's questions not answered yet): the sums and rates chart whole months only; the
    # table keeps it.
    whole = rows[:-1] if rows and _under_way(rows[-1].month, scope) else rows
    whole_names = names[: len(whole)]
    return Section(
        tables.trend_table(rows),
        [
            Chart("followers", _("Followers, month by month"), "line", names, followers),
            Chart(
                "engagements",
                _("Engagements, month by month"),
                "bars",
                whole_names,
                tuple(float(r.engagements) for r in whole),
            ),
            Chart(
                "response",
                _("Response rate, month by month"),
                "line",
                whole_names,
                tuple(r.response.value for r in whole),
                percent=True,
            ),
        ],
    )


def _under_way(month: date, scope: Scope) -> bool:
    """Does the period end inside this month, before its last day is over?"""
    last = scope.workspace.local_date(scope.end - timedelta(microseconds=1))
    return (last.year, last.month) == (month.year, month.month) and (
        last + timedelta(days=1)
    ).month == month.month


def insights(scope: Scope, full: bool) -> Section:
    return Section(tables.insights_table(channel_insights(scope)))


# Keyed by table: /reports/<key>.csv exports the whole table.
SECTIONS: dict[str, Callable[[Scope, bool], Section]] = {
    "dialogue": dialogue,
    "talk_kinds": talk_kinds,
    "channels": channels,
    "posts": posts,
    "content_mix": content_mix,
    "funnel": funnel,
    "contributors": contributors,
    "supporters": supporters,
    "drifting": drifting,
    "trend": trend,
    "insights": insights,
}


# The tables that name people: shown, exported and e-mailed only to those who may open
# the Community page (Action.VIEW_COMMUNITY); the others see that they are withheld.
PEOPLE = frozenset({"contributors", "supporters", "drifting"})


# The reports page keeps its figures this long, per workspace, period, channel, language and
# whether people are named: a team opening it together computes them once a minute
# (docs/scaling.md), and the page says when they were counted.
REPORT_CACHE_SECONDS = 60


class Report:
    """The reports page's figures, computed on first use."""

    def __init__(self, scope: Scope, *, people: bool) -> None:
        self.scope, self.people = scope, people

    @cached_property
    def sections(self) -> dict[str, Section]:
        return build(self.scope, people=self.people)

    @cached_property
    def figures(self) -> list[Figure]:
        return key_figures(self.scope)

    @cached_property
    def charts(self) -> list[Chart]:
        return [chart for part in self.sections.values() for chart in part.charts]

    @cached_property
    def counted_at(self) -> datetime:
        return timezone.now()


def build(scope: Scope, *, full: bool = False, people: bool = True) -> dict[str, Section]:
    return {
        key: make(scope, full) if people or key not in PEOPLE else _withheld(key)
        for key, make in SECTIONS.items()
    }


def _withheld(key: str) -> Section:
    table = tables.drifting_table([], UTC) if key == "drifting" else tables.people_table(key, [])
    table.withheld = True
    table.empty = _(
        "Names are shown to those who may open the Community page: the owner, the "
        "community managers and the analysts."
    )
    return Section(table)


def table_csv_name(scope: Scope, key: str) -> str:
    """A table's CSV file name: the days it covers, both included, in the workspace's zone,
    as the page says them (the scope's end is the instant after its last day)."""
    first = scope.start.astimezone(scope.workspace.tzinfo)
    return f"palabre-{scope.workspace.slug}-{key}-{first:%Y%m%d}-{scope.end_day:%Y%m%d}.csv"


def find_table(scope: Scope, key: str) -> Table | None:
    """The whole table called `key` (for its CSV), or None if there is no such table."""
    make = SECTIONS.get(key)
    return make(scope, True).table if make else None
