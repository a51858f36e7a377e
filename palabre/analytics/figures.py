"""Four key figures, each with its change over the period before and a small trend:
response rate, median first response, engaged people, reach. The home page shows them for
the reports' default period (the last 30 days), so that both pages show the same numbers
under the same heading; the reports page for the period it shows.

The trend is eight equal steps over the period before and this one. Each figure says how
many cases it rests on (product rule 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.core.cache import caches
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.analytics.definitions import DEFINITIONS
from palabre.analytics.forms import DEFAULT_DAYS, last_days, month_bounds
from palabre.analytics.metrics import Response, Scope, responses
from palabre.analytics.models import CommunityDay, PostStat
from palabre.formats.written import date_text
from palabre.lib.durations import duration_text
from palabre.lib.months import month_before
from palabre.lib.percent import percent_text, share_text, signed_text

STEPS = 8
STALE_DAYS = 2  # the community is counted every night: older than this, it is said


@dataclass(frozen=True)
class Figure:
    key: str
    value: str  # as shown; "–" when there is nothing to measure
    change: str  # against the previous period; "" when either is missing
    better: bool | None  # did it move the right way? None: unchanged or unknown
    basis: str  # what it rests on: "38 answered of 45"
    points: tuple[float | None, ...]  # one per week, oldest first

    @property
    def label(self) -> str:
        if self.key == "response_time":  # the home page shows its median only
            return _("Median first response")
        if self.key == "engaged":  # always 90 days, whatever the period it is shown under
            return _("Engaged (90 days)")
        return str(DEFINITIONS[self.key][0])

    @property
    def definition(self) -> str:
        return str(DEFINITIONS[self.key][1])

    @property
    def sparkline(self) -> SafeString:
        return sparkline(self.points, self.label)


def key_figures(scope: Scope) -> list[Figure]:
    """The figures of `scope`, compared with the period before (`period_before`)."""
    before = period_before(scope)
    steps = [before.start + (scope.end - before.start) * i / STEPS for i in range(STEPS + 1)]
    # One reading of the answers for every range, shared by the rate and the median.
    now, then, *each_step = responses(
        [scope, before, *(_step(scope, a, b) for a, b in pairwise(steps))], median_only=True
    )
    answers = Answers(now=now, then=then, steps=each_step)
    return [
        _response_rate(answers),
        _median_response(answers),
        _engaged(scope, before, steps),
        _reach(scope, before, steps),
    ]


HOME_CACHE_SECONDS = 300


def home_figures(workspace: Workspace, now: datetime) -> list[Figure]:
    """The reports' default period, kept five minutes per workspace and language: the home
    page is opened many times a day, and these figures move slowly."""
    key = f"home-figures:{workspace.pk}:{get_language()}"
    pages = caches["pages"]  # settings.CACHES: in this process only
    found = pages.get(key)
    if found is None:
        found = key_figures(last_days(workspace, DEFAULT_DAYS, now))
        pages.set(key, found, HOME_CACHE_SECONDS)
    return found


def _step(scope: Scope, start: datetime, end: datetime) -> Scope:
    return Scope(scope.workspace, start, end, scope.channel_ids)


@dataclass(frozen=True)
class Answers:
    now: Response
    then: Response
    steps: list[Response]


def _response_rate(answers: Answers) -> Figure:
    now, then = answers.now.rate, answers.then.rate
    points = tuple(step.rate.value for step in answers.steps)
    change, better = "", None
    if now.value is not None and then.value is not None:
        delta = round((now.value - then.value) * 100)
        change = ngettext("%(n)s pt", "%(n)s pts", abs(delta)) % {"n": signed_text(delta)}
        better = None if delta == 0 else delta > 0
    basis = _("%(a)s answered of %(n)s") % {
        "a": formats.number_format(now.numerator, force_grouping=True),
        "n": formats.number_format(now.denominator, force_grouping=True),
    }
    shown = _percent(now.value)
    return Figure("response_rate", shown, change, better, basis, points)


def _median_response(answers: Answers) -> Figure:
    now, then = answers.now, answers.then
    points = tuple(step.median_seconds for step in answers.steps)
    change, better = "", None
    if now.median_seconds is not None and then.median_seconds is not None:
        delta = now.median_seconds - then.median_seconds
        sign = "−" if delta < 0 else "+"
        change = sign + duration_text(abs(delta)) if round(delta / 60) else _("unchanged")
        better = None if not round(delta / 60) else delta < 0  # faster is better
    shown = duration_text(now.median_seconds) if now.median_seconds is not None else "–"
    basis = ngettext("from %(n)s answer", "from %(n)s answers", now.answered_times) % {
        "n": formats.number_format(now.answered_times, force_grouping=True)
    }
    return Figure("response_time", shown, change, better, basis, points)


def period_before(scope: Scope) -> Scope:
    """A calendar month's is the month before (the page and the monthly PDF said two
    changes for the same month); another period's, the same length just before."""
    workspace = scope.workspace
    first = workspace.local_date(scope.start)
    if not scope.rolling_days and (scope.start, scope.end) == month_bounds(first, workspace):
        start, _end = month_bounds(month_before(first), workspace)
        return Scope(workspace, start, scope.start, scope.channel_ids)
    length = scope.end - scope.start
    return Scope(workspace, scope.start - length, scope.start, scope.channel_ids)


def _engaged(period: Scope, before: Scope, steps: list[datetime]) -> Figure:
    """Stages cover all channels: the funnel as recorded at the end of each step."""
    workspace = period.workspace
    days = CommunityDay.objects.filter(
        workspace=workspace, day__lte=workspace.local_date(period.end)
    )
    recorded = dict(days.order_by("day").values_list("day", "engaged"))

    def last_day(moment: datetime) -> date | None:
        # A period ends just before `moment` (November's end is 1 December, 00:00): its last
        # day is the day before, as the funnel reads it (Scope.end_day).
        day = workspace.local_date(moment - timedelta(microseconds=1))
        return max((d for d in recorded if d <= day), default=None)

    def on(moment: datetime) -> int | None:
        day = last_day(moment)
        return recorded[day] if day else None

    current, previous = on(period.end), on(before.end)
    points = tuple(float(v) if (v := on(step)) is not None else None for step in steps[1:])
    change, better = _count_change(current, previous)
    shown = formats.number_format(current, force_grouping=True) if current is not None else "–"
    return Figure("engaged", shown, change, better, _engaged_basis(period, last_day), points)


def _engaged_basis(period: Scope, last_day: Callable[[datetime], date | None]) -> str:
    """What the figure rests on, saying when it is not today's (the nightly count did not
    run) and that it counts every channel even where the page shows one."""
    basis = _("people active in the last 90 days")
    day = last_day(period.end)
    if day is not None and day < period.workspace.local_date(period.end) - timedelta(
        days=STALE_DAYS
    ):
        basis = _("people active in the 90 days before %(day)s (not counted since)") % {
            "day": date_text(day, "SHORT_DATE_FORMAT")
        }
    elif day is not None and day < period.workspace.local_date(timezone.now()):
        # A past month (the monthly PDF): its last day's count, not today's.
        basis = _("people active in the 90 days to %(day)s") % {
            "day": date_text(day, "SHORT_DATE_FORMAT")
        }
    if period.channel_ids:
        basis += " · " + _("all channels")
    return basis


def _reach(period: Scope, before: Scope, steps: list[datetime]) -> Figure:
    def between(start: datetime, end: datetime) -> tuple[int | None, int]:
        stats = PostStat.objects.filter(
            period.on_channels(),
            workspace=period.workspace,
            reach__isnull=False,
            published_at__gte=start,
            published_at__lt=end,
        )
        found = stats.aggregate(total=Sum("reach"))
        return found["total"], stats.count()

    (current, posts), (previous, _n) = (
        between(period.start, period.end),
        between(before.start, before.end),
    )
    totals = [between(a, b)[0] for a, b in pairwise(steps)]
    # A week without a post reached nobody through posts: 0, unless no post ever said.
    known = any(total is not None for total in totals)
    points = tuple(float(total or 0) if known else None for total in totals)
    change, better = "", None
    if current is not None and previous:
        delta = round((current - previous) * 100 / previous)
        change = percent_text(delta, signed=True)
        better = None if delta == 0 else delta > 0
    shown = formats.number_format(current, force_grouping=True) if current is not None else "–"
    basis = ngettext(
        "from %(n)s post with reach data",
        "from %(n)s posts with reach data",
        posts,
    ) % {"n": formats.number_format(posts, force_grouping=True)}
    return Figure("reach", shown, change, better, basis, points)


def _count_change(current: int | None, previous: int | None) -> tuple[str, bool | None]:
    if current is None or previous is None:
        return "", None
    delta = current - previous
    return signed_text(delta), None if delta == 0 else delta > 0


def _percent(value: float | None) -> str:
    return "–" if value is None else share_text(value)


SPARK_W, SPARK_H = 96, 28


def sparkline(points: tuple[float | None, ...], title: str) -> SafeString:
    """A line over the steps, with gaps where a step has nothing; decorative (the figure and its
    change are written beside it), so hidden from screen readers."""
    known = [p for p in points if p is not None]
    if len(known) < 2:
        return mark_safe("")  # noqa: S308
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = SPARK_W / max(1, len(points) - 1)
    segments: list[list[str]] = []
    current: list[str] = []
    for index, value in enumerate(points):
        if value is None:
            segments.append(current)
            current = []
            continue
        y = SPARK_H - 3 - (value - low) * (SPARK_H - 6) / span
        current.append(f"{index * step:.1f},{y:.1f}")
    segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="#2b6cb0" stroke-width="2"/>'
        for s in segments
        if len(s) > 1
    )
    return mark_safe(  # noqa: S308 (numbers, and the escaped title)
        f'<svg class="sparkline" viewBox="0 0 {SPARK_W} {SPARK_H}" width="{SPARK_W}" '
        f'height="{SPARK_H}" aria-hidden="true" focusable="false"><title>{escape(title)}</title>'
        f"{lines}</svg>"
    )
