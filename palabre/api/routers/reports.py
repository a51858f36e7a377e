"""The reports' figures: the same definitions, the same functions and the same numbers as
the reports page, for the period its form reads (`period`, `month`, `channel`, validated
by the page's own ScopeForm).

The key figures come as the page shows them (text in the token owner's language); the
tables come with their values as numbers (a share as 0.25, a time in seconds), as in their
CSV, which is also offered as the page writes it. Tables that name people follow the
Community page's permission, and the "people" scope.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema
from pydantic import Field

from palabre.accounts.permissions import Action, can
from palabre.analytics import dashboard, metrics
from palabre.analytics.figures import Figure
from palabre.analytics.forms import ScopeForm
from palabre.analytics.metrics import Ratio
from palabre.analytics.tables import Table, funnel_table
from palabre.api.access import ApiRouter, allowed, caller_of, check
from palabre.api.errors import not_found
from palabre.api.models import Scope
from palabre.api.schemas import REFUSALS, ShortText, form_valid
from palabre.api.tokens import Caller
from palabre.lib.downloads import download

router = ApiRouter(tags=["reports"])

Cell = str | int | float | bool | None


class PeriodIn(Schema):
    period: ShortText = Field("", description="30, 90 or 365: the last N days (30 by default).")
    month: ShortText = Field("", description="YYYY-MM: a calendar month; wins over the others.")
    start: ShortText = Field(
        "",
        description="YYYY-MM-DD, with `end`: the days from `start` to `end` (both included, "
        "two years at most); wins over `period`.",
    )
    end: ShortText = Field("", description="YYYY-MM-DD: the last day, with `start`.")
    channel: int | None = Field(None, description="One channel's id; all channels by default.")


class PeriodOut(Schema):
    start: datetime
    end: datetime = Field(description="Excluded.")
    channel_ids: list[int]


class FigureOut(Schema):
    key: str
    label: str
    definition: str
    value: str = Field(description="As the page shows it; '–' when there is nothing to count.")
    change: str = Field(description="Against the period before; '' when either is missing.")
    better: bool | None
    basis: str = Field(description="What it rests on.")
    points: list[float | None] = Field(description="A trend over the periods, oldest first.")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(
        description="text, int, pct (0.25 is 25%), num, duration (seconds), "
        "date, or row (each row says: `row_kinds`)."
    )
    definition: str


class TableOut(Schema):
    key: str
    title: str
    definition: str
    columns: list[ColumnOut]
    rows: list[list[Cell]]
    row_kinds: list[str]
    row_definitions: list[str]
    withheld: bool = Field(description="Names not shown to this token (role or scope).")


class ReportOut(Schema):
    period: PeriodOut
    figures: list[FigureOut]
    tables: list[TableOut]


def _scope(caller: Caller, query: PeriodIn) -> metrics.Scope:
    """The period as the reports page reads it, refused (422) where its form refuses."""
    form = ScopeForm(
        {
            "period": query.period,
            "month": query.month,
            "start": query.start,
            "end": query.end,
            "channel": query.channel or "",
        },
        workspace=caller.workspace,
    )
    form_valid(form)
    return form.scope()


def _period(scope: metrics.Scope) -> PeriodOut:
    return PeriodOut(start=scope.start, end=scope.end, channel_ids=list(scope.channel_ids))


def _people(caller: Caller) -> bool:
    """May this token see people's names? The page's rule, and the token's scope."""
    return (
        can(caller.membership, Action.VIEW_COMMUNITY) and Scope.PEOPLE.value in caller.token.scopes
    )


def _figure(figure: Figure) -> FigureOut:
    return FigureOut(
        key=figure.key,
        label=figure.label,
        definition=figure.definition,
        value=figure.value,
        change=figure.change,
        better=figure.better,
        basis=figure.basis,
        points=list(figure.points),
    )


def _cell(value: object) -> Cell:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _table(table: Table) -> TableOut:
    return TableOut(
        key=table.key,
        title=table.title,
        definition=table.definition,
        columns=[
            ColumnOut(key=c.key, label=c.label, kind=c.kind, definition=c.definition)
            for c in table.columns
        ],
        rows=[[_cell(v) for v in row] for row in table.rows],
        row_kinds=table.row_kinds,
        row_definitions=table.row_definitions,
        withheld=table.withheld,
    )


@router.get("", response={200: ReportOut, **REFUSALS})
@allowed(Action.VIEW_REPORTS, Scope.READ)
def report_read(request: HttpRequest, query: Query[PeriodIn]) -> ReportOut:
    """The reports page for a period: its key figures, then its tables (long tables as the
    page shows them; `/reports/tables/{key}` has each whole)."""
    caller = caller_of(request)
    scope = _scope(caller, query)
    report = dashboard.Report(scope, people=_people(caller))
    return ReportOut(
        period=_period(scope),
        figures=[_figure(f) for f in report.figures],
        tables=[_table(section.table) for section in report.sections.values()],
    )


def _whole_table(request: HttpRequest, key: str, query: PeriodIn) -> tuple[metrics.Scope, Table]:
    caller = caller_of(request)
    if key not in dashboard.SECTIONS:
        raise not_found()
    if key in dashboard.PEOPLE:  # as its CSV on the page: the Community page's permission
        check(caller, Action.VIEW_COMMUNITY, Scope.PEOPLE)
    scope = _scope(caller, query)
    table = dashboard.find_table(scope, key)
    if table is None:
        raise not_found()
    return scope, table


@router.get("/tables/{key}", response={200: TableOut, **REFUSALS})
@allowed(Action.VIEW_REPORTS, Scope.READ)
def report_table_read(request: HttpRequest, key: str, query: Query[PeriodIn]) -> TableOut:
    """One whole table, every row and column: what its CSV holds."""
    return _table(_whole_table(request, key, query)[1])


@router.get(
    "/tables/{key}/csv",
    response=REFUSALS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The CSV file.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
@allowed(Action.VIEW_REPORTS, Scope.READ)
def report_table_csv(request: HttpRequest, key: str, query: Query[PeriodIn]) -> HttpResponse:
    """The table's CSV file, exactly as the reports page exports it (cells that a
    spreadsheet would run as formulas are made text)."""
    scope, table = _whole_table(request, key, query)
    name = dashboard.table_csv_name(scope, key)
    return download(name, table.csv(tz=scope.workspace.tzinfo))


class RatioOut(Schema):
    numerator: float
    denominator: float
    value: float | None = Field(description="numerator ÷ denominator; null when nothing.")


def _ratio(ratio: Ratio) -> RatioOut:
    return RatioOut(numerator=ratio.numerator, denominator=ratio.denominator, value=ratio.value)


class ResponseTimesOut(Schema):
    period: PeriodOut
    business_hours: bool = Field(description="Times counted in business hours only.")
    response_rate: RatioOut = Field(description="Answered ÷ received (abuse and spam aside).")
    median_seconds: float | None
    p90_seconds: float | None
    answered_times: int = Field(description="First responses the times are taken from.")
    threads_answered: RatioOut
    replies_per_comment: RatioOut
    unanswered_now: int


@router.get("/response-times", response={200: ResponseTimesOut, **REFUSALS})
@allowed(Action.VIEW_REPORTS, Scope.READ)
def report_response_times(request: HttpRequest, query: Query[PeriodIn]) -> ResponseTimesOut:
    """The dialogue: response rate, time to first response (median, 90th percentile), the
    threads answered and the questions waiting now (the page's "Dialogue" table)."""
    scope = _scope(caller_of(request), query)
    answer, talk = metrics.talk_figures(scope)
    return ResponseTimesOut(
        period=_period(scope),
        business_hours=answer.business_hours,
        response_rate=_ratio(answer.rate),
        median_seconds=answer.median_seconds,
        p90_seconds=answer.p90_seconds,
        answered_times=answer.answered_times,
        threads_answered=_ratio(talk.threads),
        replies_per_comment=_ratio(talk.replies_per_comment),
        unanswered_now=talk.unanswered_now,
    )


class StageCount(Schema):
    key: str = Field(description="followers, engaged, members, advocates, customers, drifting.")
    label: str
    people: int | None
    of_previous: float | None = Field(description="Share of the stage above.")


class CommunityOut(Schema):
    period: PeriodOut
    title: str = Field(description="Says the day counted.")
    stages: list[StageCount]


@router.get("/community", response={200: CommunityOut, **REFUSALS})
@allowed(Action.VIEW_COMMUNITY, Scope.READ)
def report_community(request: HttpRequest, query: Query[PeriodIn]) -> CommunityOut:
    """The community funnel on the period's last day (people are counted across channels)."""
    scope = _scope(caller_of(request), query)
    table = funnel_table(scope)
    stages = [
        StageCount(key=key, label=str(row[0]), people=row[1], of_previous=row[2])  # type: ignore[arg-type]
        for key, row in zip(table.row_definitions, table.rows, strict=True)
    ]
    return CommunityOut(period=_period(scope), title=table.title, stages=stages)
