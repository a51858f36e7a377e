"""The reports page's sections: each builds its tables and charts for a scope.

The page, the CSV export, the monthly PDF and `make bench` all go through SECTIONS, so
what is measured is what people see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from palabre.analytics import metrics, tables
from palabre.analytics.charts import Chart
from palabre.analytics.definitions import label
from palabre.analytics.insights import channel_insights
from palabre.analytics.metrics import Scope
from palabre.analytics.tables import Table

PAGE_ROWS = 15  # rows of long tables on the page; the CSV has them all
CSV_ROWS = 100_000


@dataclass
class Section:
    key: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def dialogue(scope: Scope, full: bool) -> Section:
    return Section("dialogue", [tables.dialogue_table(scope)])


def channels(scope: Scope, full: bool) -> Section:
    return Section("channels", [tables.channels_table(scope)])


def posts(scope: Scope, full: bool) -> Section:
    return Section("posts", [tables.posts_table(scope, limit=None if full else PAGE_ROWS)])


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
        target_label=_("promotional maximum %(n)s %%") % {"n": round(mix_max * 100)},
    )
    return Section("content_mix", [table], [chart])


def community(scope: Scope, full: bool) -> Section:
    table = tables.funnel_table(scope)
    steps = table.rows[:5]
    chart = Chart(
        "funnel",
        _("Community funnel"),
        "hbars",
        tuple(str(r[0]) for r in steps),
        tuple(float(r[1]) for r in steps),  # type: ignore[arg-type]
    )
    return Section("community", [table], [chart])


def people(scope: Scope, full: bool) -> Section:
    limit = CSV_ROWS if full else 10
    return Section(
        "people",
        [
            tables.people_table("contributors", metrics.top_contributors(scope, limit=limit)),
            tables.people_table("supporters", metrics.top_supporters(scope, limit=limit)),
            tables.drifting_table(list(metrics.drifting(scope.workspace, limit=limit))),
        ],
    )


def trend(scope: Scope, full: bool) -> Section:
    rows = metrics.monthly_trend(scope)
    names = tuple(formats.date_format(r.month, "M y") for r in rows)
    return Section(
        "trend",
        [tables.trend_table(rows)],
        [
            Chart("followers", _("Followers, month by month"), "line", names,
                  tuple(float(r.followers) if r.followers is not None else None for r in rows)),
            Chart("engagements", _("Engagements, month by month"), "bars", names,
                  tuple(float(r.engagements) for r in rows)),
            Chart("response", _("Response rate, month by month"), "line", names,
                  tuple(r.response.value for r in rows), percent=True),
        ],
    )


def insights(scope: Scope, full: bool) -> Section:
    return Section("insights", [tables.insights_table(channel_insights(scope))])


SECTIONS: dict[str, Callable[[Scope, bool], Section]] = {
    "dialogue": dialogue,
    "channels": channels,
    "posts": posts,
    "content_mix": content_mix,
    "community": community,
    "people": people,
    "trend": trend,
    "insights": insights,
}


def build(scope: Scope, *, full: bool = False) -> list[Section]:
    return [make(scope, full) for make in SECTIONS.values()]


def find_table(scope: Scope, key: str) -> Table | None:
    """The whole table called `key` (for its CSV), or None if there is no such table."""
    owner = TABLE_SECTION.get(key)
    if owner is None:
        return None
    section = SECTIONS[owner](scope, True)
    return next(t for t in section.tables if t.key == key)


TABLE_SECTION = {
    "dialogue": "dialogue",
    "channels": "channels",
    "posts": "posts",
    "content_mix": "content_mix",
    "funnel": "community",
    "contributors": "people",
    "supporters": "people",
    "drifting": "people",
    "trend": "trend",
    "insights": "insights",
}

