"""The reports' tables, built once and shown three ways: on the page, as CSV, in the PDF."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from palabre.analytics import metrics
from palabre.analytics.community import followers_total, funnel_today
from palabre.analytics.definitions import label
from palabre.analytics.insights import Insight
from palabre.analytics.metrics import Ratio, Scope
from palabre.analytics.models import CommunityDay
from palabre.formats.written import date_text
from palabre.inbox.models import Category as MessageKind
from palabre.inbox.models import Contact, Identity, Stage
from palabre.lib.csvsafe import csv_text, date_cell
from palabre.lib.durations import duration_text
from palabre.lib.numbers import number_text
from palabre.lib.percent import share_text
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Category

# How a column's values are written: text, a whole number, a share (0.25 → 25%), a
# number with decimals, a duration in seconds, a date, or "row": each row says which
# (Table.row_kinds), for a table whose rows are different figures.
KINDS = ("text", "int", "pct", "num", "duration", "date", "row")
NUMERIC = frozenset({"int", "pct", "num", "duration"})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    definition: str = ""  # a key of definitions.DEFINITIONS, for the tooltip


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    definition: str = ""
    empty: str = ""
    row_definitions: list[str] = field(
        default_factory=list
    )  # a key per row, where rows are figures
    withheld: bool = False  # people's names this reader may not see (dashboard.PEOPLE)
    # The columns the page shows, so that the table fits a 1280 px screen (all if empty);
    # the CSV and the PDF keep every column.
    page_columns: tuple[str, ...] = ()
    row_links: list[str] = field(default_factory=list)  # a query string per row: drill down
    row_kinds: list[str] = field(default_factory=list)  # a kind per row, for "row" columns
    # The page shows the first rows of `of` (the CSV has them all): said above the rows, a
    # page listing 15 of 69 posts read as the whole list.
    of: int = 0

    @property
    def shown_columns(self) -> list[Column]:
        return [c for c in self.columns if not self.page_columns or c.key in self.page_columns]

    @property
    def hidden_columns(self) -> int:
        return len(self.columns) - len(self.shown_columns)

    def kind(self, column: Column, row: int) -> str:
        """How the cell of `column` in row number `row` is written."""
        return self.row_kinds[row] if column.kind == "row" else column.kind

    def displayed(self, columns: list[Column] | None = None) -> list[list[tuple[Column, str, str]]]:
        """Rows as people read them: (column, text, the row's definition key or ""), of
        every column or of `columns`."""
        keys = self.row_definitions + [""] * (len(self.rows) - len(self.row_definitions))
        wanted = {c.key for c in (columns or self.columns)}
        places = self._num_places()
        return [
            [
                (c, display(self.kind(c, index), v, places.get(c.key)), key)
                for c, v in zip(self.columns, row, strict=True)
                if c.key in wanted
            ]
            for index, (row, key) in enumerate(zip(self.rows, keys, strict=True))
        ]

    def _num_places(self) -> dict[str, int]:
        """The decimals of each column's "num" cells: two for all of them as soon as one
        needs them ("1,00" above "1,50", not "1"), none where every one is whole."""
        found: dict[str, int] = {}
        for index, row in enumerate(self.rows):
            for column, value in zip(self.columns, row, strict=True):
                if self.kind(column, index) == "num" and value not in (None, ""):
                    whole = float(value).is_integer()  # type: ignore[arg-type]
                    found[column.key] = max(found.get(column.key, 0), 0 if whole else 2)
        return found

    def page_rows(self) -> list[tuple[list[tuple[Column, str, str]], str]]:
        """The page's rows (its chosen columns), each with its drill-down query ("" for none)."""
        links = self.row_links + [""] * (len(self.rows) - len(self.row_links))
        return list(zip(self.displayed(self.shown_columns), links, strict=True))

    def csv(self, *, tz: tzinfo) -> str:
        """The whole table in the reader's spreadsheet style, dates in `tz` (the workspace's)."""
        return csv_text(
            [c.label for c in self.columns],
            (
                [
                    _csv_value(self.kind(c, index), v, tz)
                    for c, v in zip(self.columns, row, strict=True)
                ]
                for index, row in enumerate(self.rows)
            ),
        )


def _csv_value(kind: str, value: object, tz: tzinfo) -> object:
    if value is None:
        return ""
    if kind == "text":
        return str(value)  # a name such as "-1" stays text; csv_text keeps it from running
    if kind == "date" and isinstance(value, datetime | date):
        return date_cell(value, tz)
    if isinstance(value, float):
        return round(value, 6)
    return value


def display(kind: str, value: Any, places: int | None = None) -> str:
    """A cell as people read it, in the active language; `places`: a "num" cell's decimals
    (its column's, Table._num_places), else as many as it needs, none or two."""
    if value is None or value == "":
        return "–"
    if kind == "int":
        return number_text(value, 0)
    if kind == "pct":
        return share_text(float(value), 1)
    if kind == "num":
        if places is None:
            places = 0 if float(value).is_integer() else 2
        return number_text(value, places)
    if kind == "duration":
        return duration_text(float(value))
    if kind == "date":
        if isinstance(value, datetime):
            return date_text(value, "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return date_text(value, "SHORT_DATE_FORMAT")
    return str(value)


def _v(ratio: Ratio) -> float | None:
    return ratio.value


# --- Builders ------------------------------------------------------------------------------


def channels_table(scope: Scope) -> Table:
    rows = metrics.channel_rows(scope)
    table = Table(
        "channels",
        _("Channels"),
        [
            Column("name", _("Channel")),
            Column("network", _("Network")),
            Column("followers", label("followers"), "int", "followers"),
            Column("posts", _("Posts"), "int"),
            Column("engagements", label("engagements"), "int", "engagements"),
            Column("reach", label("reach"), "int", "reach"),
            Column("impressions", label("impressions"), "int", "impressions"),
            Column("saves", label("saves"), "int", "saves"),
            Column("video_views", label("video_views"), "int", "video_views"),
            Column("clicks", label("clicks"), "int", "clicks"),
            Column("rate_followers", label("rate_followers"), "pct", "rate_followers"),
            Column("rate_reach", label("rate_reach"), "pct", "rate_reach"),
            Column("conversation", label("conversation"), "num", "conversation"),
            Column(
                "conversation_k", _("Comments per post per 1,000 followers"), "num", "conversation"
            ),
            Column("amplification", label("amplification"), "num", "amplification"),
            Column(
                "amplification_k", _("Shares per post per 1,000 followers"), "num", "amplification"
            ),
            Column("applause", label("applause"), "num", "applause"),
            Column("applause_k", _("Likes per post per 1,000 followers"), "num", "applause"),
        ],
        empty=_("No channel yet."),
        page_columns=(
            "name",
            "followers",
            "posts",
            "engagements",
            "reach",
            "rate_followers",
            "conversation",
            "amplification",
        ),
    )
    for r in rows:
        table.row_links.append(f"channel={r.channel_id}")
        table.rows.append(
            [
                r.name,
                str(NETWORKS[r.network].label) if r.network in NETWORKS else r.network,
                r.followers,
                r.posts,
                r.engagements,
                r.reach,
                r.impressions,
                r.saves,
                r.video_views,
                r.clicks,
                _v(r.rate_by_followers),
                _v(r.rate_by_reach),
                _v(r.conversation),
                metrics.per_thousand(_v(r.conversation), r.followers),
                _v(r.amplification),
                metrics.per_thousand(_v(r.amplification), r.followers),
                _v(r.applause),
                metrics.per_thousand(_v(r.applause), r.followers),
            ]
        )
    return table


def posts_table(scope: Scope, *, limit: int | None = None) -> Table:
    table = Table(
        "posts",
        _("Posts"),
        [
            Column("published", _("Published on"), "date"),
            Column("channel", _("Channel")),
            Column("idea", _("Idea")),
            Column("likes", _("Likes"), "int"),
            Column("shares", _("Shares"), "int"),
            Column("comments", _("Comments"), "int"),
            Column("engagements", label("engagements"), "int", "engagements"),
            Column("reach", label("reach"), "int", "reach"),
            Column("impressions", label("impressions"), "int", "impressions"),
            Column("saves", label("saves"), "int", "saves"),
            Column("video_views", label("video_views"), "int", "video_views"),
            Column("clicks", label("clicks"), "int", "clicks"),
            Column("followers", label("followers"), "int", "followers"),
            Column("rate_followers", label("rate_followers"), "pct", "rate_followers"),
            Column("rate_reach", label("rate_reach"), "pct", "rate_reach"),
        ],
        empty=_("No post published in this period."),
        page_columns=("published", "channel", "idea", "engagements", "reach", "rate_followers"),
    )
    tz = scope.workspace.tzinfo  # the PDF is made by the worker, where no request set it
    rows = metrics.post_rows(scope, limit=limit)
    if limit and len(rows) == limit:
        table.of = metrics.post_stats(scope).count()
    for r in rows:
        table.rows.append(
            [
                r.published_at.astimezone(tz),
                r.channel,
                r.idea,
                r.likes,
                r.reposts + r.quotes,
                r.replies,
                r.engagements,
                r.reach,
                r.impressions,
                r.saves,
                r.video_views,
                r.clicks,
                r.followers,
                r.rate_by_followers,
                r.rate_by_reach,
            ]
        )
    return table


def dialogue_table(scope: Scope) -> Table:
    """The dialogue's figures, one a row. Values stay numbers (a share as 0.25, a time in
    seconds) so that the CSV adds up; the page and the PDF write them per row."""
    answer, talk = metrics.talk_figures(scope)
    table = Table(
        "dialogue",
        _("Dialogue"),
        [
            Column("figure", _("Figure")),
            Column("value", _("Value"), "row"),
            Column("numerator", _("Counted"), "num"),
            Column("denominator", _("Out of"), "num"),
            Column("unit", _("Unit")),  # the CSV's reader sees seconds, not "1 h 3 min"
        ],
        page_columns=("figure", "value", "numerator", "denominator"),
    )
    time_note = _(" (business hours)") if answer.business_hours else ""
    rows: list[tuple[str, str, object, list[object]]] = [
        ("response_rate", "pct", answer.rate.value, _nd(answer.rate)),
        ("response_time", "duration", answer.median_seconds, [None, answer.answered_times]),
        ("response_time", "duration", answer.p90_seconds, [None, answer.answered_times]),
        ("dialogue_threads", "pct", talk.threads.value, _nd(talk.threads)),
        ("dialogue_replies", "num", talk.replies_per_comment.value, _nd(talk.replies_per_comment)),
        ("unanswered", "int", talk.unanswered_now, [None, None]),
    ]
    names = [
        label("response_rate"),
        label("response_time") + " – " + _("half within") + time_note,
        label("response_time") + " – " + _("9 in 10 within") + time_note,
        label("dialogue_threads"),
        label("dialogue_replies"),
        label("unanswered") + _counted_on(scope),
    ]
    for name, (key, kind, value, counts) in zip(names, rows, strict=True):
        table.rows.append([name, value, *counts, _unit(kind)])
        table.row_kinds.append(kind)
        table.row_definitions.append(key)
    return table


def talk_kinds_table(scope: Scope) -> Table:
    """The dialogue kind by kind: how many questions came, how many were answered, and how
    fast (half within), and the same for criticism, praise and the rest."""
    time_note = _(" (business hours)") if scope.workspace.business_hours else ""
    table = Table(
        "talk_kinds",
        _("Answered, by kind of message"),
        [
            Column("kind", _("Kind")),
            Column("received", _("Received"), "int"),
            Column("answered", pgettext("messages, counted", "Answered"), "int"),
            Column("rate", label("response_rate"), "pct", "response_rate"),
            Column("median", _("Half answered within") + time_note, "duration", "response_time"),
            Column("timed", _("Answers timed"), "int"),
        ],
        definition="talk_kinds",
        page_columns=("kind", "received", "answered", "rate", "median"),
    )
    for kind in metrics.talk_by_kind(scope):
        table.rows.append(
            [
                str(MessageKind(kind.category).label),
                int(kind.rate.denominator),
                int(kind.rate.numerator),
                kind.rate.value,
                kind.median_seconds,
                kind.timed,
            ]
        )
    return table


def _unit(kind: str) -> str:
    """What a number of `kind` counts, said in the CSV beside a column of mixed figures."""
    if kind == "pct":
        return _("share, from 0 to 1")
    if kind == "duration":
        return _("seconds")
    return ""


def _nd(ratio: Ratio) -> list[object]:
    return [ratio.numerator, ratio.denominator]


def mix_table(scope: Scope) -> Table:
    mix = metrics.content_mix(scope)
    table = Table(
        "content_mix",
        label("content_mix"),
        [
            Column("category", _("Category")),
            Column("posts", _("Posts"), "int"),
            Column("share", _("Share"), "pct"),
        ],
        definition="content_mix",
    )
    for value, name in Category.choices:
        count = mix.counts.get(value, 0)
        table.rows.append([str(name), count, count / mix.total if mix.total else None])
    return table


def funnel_table(scope: Scope) -> Table:
    """The funnel on the period's last day: as the hourly refresh recorded it for a past
    day; counted now for a period that reaches today, or for a workspace never refreshed.

    Today is counted, not read back: a person tagged customer (by hand or by an imported
    conversion) is one at once on the Community page and in its CSV, while the day's
    record waits for the next refresh; the funnel must count the same people."""
    days = CommunityDay.objects.filter(workspace=scope.workspace)
    today = scope.workspace.local_date()
    # The period's last recorded day; for a period older than the records, the first one.
    day = days.filter(day__lte=scope.end_day).last() or days.first()
    if day is not None and scope.end_day < today:
        counts = {k: getattr(day, k) for k in ("engaged", "members", "advocates", "customers")}
        counts["drifting"], followers, on = day.drifting, day.followers, day.day
    else:
        counts = funnel_today(scope.workspace)
        on = min(scope.end_day, today)
        followers = followers_total(scope.workspace, on)
    title = _("Community funnel on %(day)s") % {"day": date_text(on, "SHORT_DATE_FORMAT")}
    if scope.channel_ids:  # people are counted across channels: one channel's page says so
        title += " · " + _("all channels")
    table = Table(
        "funnel",
        title,
        [
            Column("stage", _("Stage")),
            Column("people", _("People"), "int"),
            Column("of_previous", _("Share of the stage above"), "pct"),
        ],
    )
    steps = [
        ("followers", followers),
        ("engaged", counts["engaged"]),
        ("members", counts["members"]),
        ("advocates", counts["advocates"]),
        ("customers", counts["customers"]),
    ]
    previous: int | None = None
    for key, value in steps:
        share = value / previous if previous else None
        table.rows.append([label(key), value, share])
        table.row_definitions.append(key)
        previous = value
    table.rows.append([label("drifting"), counts["drifting"], None])
    table.row_definitions.append("drifting")
    return table


def people_table(key: str, rows: list[metrics.PersonRow]) -> Table:
    stages = dict(Stage.choices)
    table = Table(
        key,
        label(key),
        [
            Column("name", _("Person")),
            Column("count", _("Interactions"), "int"),
            Column("stage", _("Relationship")),
        ],
        definition=key,
        empty=_("Nobody in this period."),
    )
    names = _told_apart([(r.contact_id, r.name) for r in rows])
    table.rows = [[names[r.contact_id], r.count, str(stages.get(r.stage, r.stage))] for r in rows]
    return table


def _told_apart(people: list[tuple[int, str]]) -> dict[int, str]:
    """Each person's name, with a handle and its network where two people of the table
    share the name (a client reading "Zoé Simon" twice cannot tell whom to thank; the same
    handle on Instagram and Threads told nothing either)."""
    counted = Counter(name for _pk, name in people)
    shared = [pk for pk, name in people if counted[name] > 1]
    handles: dict[int, str] = {}
    for contact_id, handle, network in (
        Identity.objects.filter(contact_id__in=shared)
        .order_by("pk")
        .values_list("contact_id", "handle", "network")
    ):
        known = NETWORKS.get(network)
        handles.setdefault(contact_id, f"{handle}, {known.label if known else network}")
    return {pk: f"{name} ({handles[pk]})" if pk in handles else name for pk, name in people}


def drifting_table(contacts: list[Contact], tz: tzinfo) -> Table:
    table = Table(
        "drifting",
        label("drifting"),
        [
            Column("name", _("Person")),
            Column("count", _("Interactions in 12 months"), "int"),
            Column("months", _("Months active"), "int"),
            Column("last", _("Last seen"), "date"),
        ],
        definition="drifting",
        empty=_("No regular has drifted away."),
    )
    names = _told_apart([(c.pk, c.name) for c in contacts])
    # In the workspace's time (the PDF is made by the worker, where no request set it).
    table.rows = [
        [names[c.pk], c.interactions_12m, c.months_active, _local(c.last_seen_at, tz)]
        for c in contacts
    ]
    return table


def _counted_on(scope: Scope) -> str:
    """ "Now" is the day it was counted, said where the period is over (a past month, the
    monthly PDF read days later)."""
    today = scope.workspace.local_date()
    if scope.end_day >= today:  # as funnel_table tells a past period
        return ""
    return " (" + date_text(today, "SHORT_DATE_FORMAT") + ")"


def _local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    return moment.astimezone(tz) if moment else None


def trend_table(rows: list[metrics.MonthRow]) -> Table:
    table = Table(
        "trend",
        _("Month by month"),
        [
            Column("month", _("Month")),
            Column("followers", label("followers"), "int", "followers"),
            Column("posts", _("Posts"), "int"),
            Column("engagements", label("engagements"), "int", "engagements"),
            Column("inbound", _("Messages received"), "int"),
            Column("response", label("response_rate"), "pct", "response_rate"),
        ],
    )
    table.rows = [
        [
            date_text(r.month, "YEAR_MONTH_FORMAT"),
            r.followers,
            r.posts,
            r.engagements,
            r.inbound,
            r.response.value,
        ]
        for r in rows
    ]
    return table


def insights_table(found: list[Insight]) -> Table:
    table = Table(
        "insights",
        label("insights"),
        [
            Column("channel", _("Channel")),
            Column("dimension", _("What")),
            Column("best", _("Group ahead")),
            Column("n", _("Posts (group)"), "int"),
            Column("mean", label("rate_followers"), "pct", "rate_followers"),
            Column("low", _("Likely range: from"), "pct", "likely_range"),
            Column("high", _("Likely range: to"), "pct", "likely_range"),
            Column("posts", _("Posts (channel)"), "int"),
            Column("average", _("Channel average"), "pct"),
            Column("verdict", _("Verdict")),
        ],
        definition="insights",
        empty=_("No published post with known followers in the last 12 months."),
        page_columns=("channel", "dimension", "best", "n", "mean", "low", "high", "verdict"),
    )
    for i in found:
        best = i.best
        if best is None:
            verdict = _("Not enough data yet (%(n)s posts)") % {"n": i.posts}
            table.rows.append(
                [
                    i.channel,
                    i.dimension_label,
                    None,
                    None,
                    None,
                    None,
                    None,
                    i.posts,
                    i.average,
                    verdict,
                ]
            )
            continue
        verdict = (
            _("Clearly better")
            if i.clearly_better
            else pgettext("insight verdict", "Could be chance")
        )
        table.rows.append(
            [
                i.channel,
                i.dimension_label,
                best.label,
                best.n,
                best.mean,
                best.low,
                best.high,
                i.posts,
                i.average,
                verdict,
            ]
        )
    return table
