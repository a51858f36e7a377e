"""What works for this audience, per channel, with its sample size and uncertainty.

For each dimension (weekday, time of day, format, length, category) the posts of the
last 12 months are grouped, and each group's mean engagement rate (engagements ÷
followers when published) gets a 95% confidence interval (Student's t). A group needs
MIN_GROUP posts and a channel MIN_POSTS before anything is said: "not enough data yet"
is an answer too. The best group is called "clearly above the channel's average" only
when its whole interval lies above that average.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from math import isqrt, sqrt
from statistics import fmean

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palabre.analytics.metrics import Scope
from palabre.analytics.models import PostStat
from palabre.lib.stats import t_quantile
from palabre.publishing.models import Category

MIN_POSTS = 30
MIN_GROUP = 8
YEAR = timedelta(days=365)

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
HOUR_BANDS = [(0, 6), (6, 9), (9, 12), (12, 14), (14, 17), (17, 20), (20, 24)]
LENGTH_BANDS = [(0, 80), (80, 200), (200, 10**9)]
FORMATS = {
    "text": pgettext_lazy("post format", "Text only"),
    "link": pgettext_lazy("post format", "Link"),
    "image": pgettext_lazy("post format", "Image"),
    "video": pgettext_lazy("post format", "Video"),
    "document": pgettext_lazy("post format", "Document (PDF)"),
    "thread": pgettext_lazy("post format", "Thread"),
}
DIMENSIONS = {
    "weekday": _("Day of the week"),
    "hour": _("Time of day"),
    "format": _("Format"),
    "length": _("Length"),
    "category": _("Category"),
}


@dataclass(frozen=True)
class Group:
    label: str
    n: int
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class Insight:
    channel_id: int
    channel: str
    dimension: str
    posts: int
    average: float | None
    best: Group | None  # None: not enough data
    groups: tuple[Group, ...]

    @property
    def clearly_better(self) -> bool:
        return bool(self.best and self.average is not None and self.best.low > self.average)

    @property
    def dimension_label(self) -> str:
        return str(DIMENSIONS[self.dimension])


def mean_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and its two-sided Student-t interval; a single value has no width to give."""
    mean = fmean(values)
    if len(values) < 2:
        return mean, mean, mean
    half = t_quantile((1 + confidence) / 2, len(values) - 1) * _stdev(values) / sqrt(len(values))
    return mean, mean - half, mean + half


def _stdev(values: list[float]) -> float:
    """statistics.stdev's result (the exact variance's square root, correctly rounded),
    computed on integers: its fractions took most of the insights' time."""
    ratios = [value.as_integer_ratio() for value in values]
    scale = max(denominator for _n, denominator in ratios)  # a power of two
    whole = [numerator * (scale // denominator) for numerator, denominator in ratios]
    count = len(whole)
    spread = count * sum(w * w for w in whole) - sum(whole) ** 2
    return _sqrt_of_fraction(spread, count * (count - 1) * scale * scale)


def _sqrt_of_fraction(n: int, m: int) -> float:
    """The square root of n/m, correctly rounded, as statistics computes it: an integer
    root with enough bits (2 × 53 + 3), rounded to odd, then one division."""
    shift = (n.bit_length() - m.bit_length() - 109) // 2
    if shift >= 0:
        return (_root_to_odd(n, m << 2 * shift) << shift) / 1
    return _root_to_odd(n << -2 * shift, m) / (1 << -shift)


def _root_to_odd(n: int, m: int) -> int:
    root = isqrt(n // m)
    return root | (root * root * m != n)


def _band(value: int, bands: list[tuple[int, int]]) -> tuple[int, int]:
    return next(b for b in bands if b[0] <= value < b[1])


def _label(dimension: str, row: dict[str, object]) -> str:
    if dimension == "weekday":
        return str(WEEKDAYS[int(row["weekday"])])  # type: ignore[call-overload]
    if dimension == "hour":
        low, high = _band(int(row["hour"]), HOUR_BANDS)  # type: ignore[call-overload]
        return f"{low:02d}–{high:02d} h"
    if dimension == "format":
        return str(FORMATS.get(str(row["media_format"]), row["media_format"]))
    if dimension == "length":
        low, high = _band(int(row["length"]), LENGTH_BANDS)  # type: ignore[call-overload]
        span = f"{low}+" if high > 10**8 else f"{low}–{high - 1}"
        return str(_("%(span)s characters") % {"span": span})
    return str(dict(Category.choices).get(str(row["category"]), row["category"]))


COLUMNS = {
    "weekday": "weekday",
    "hour": "hour",
    "format": "media_format",
    "length": "length",
    "category": "category",
}


def _key(dimension: str, row: dict[str, object]) -> tuple[str, object]:
    """What decides the post's group: its column and value, the band for hours and lengths."""
    column = COLUMNS[dimension]
    value = row[column]
    if dimension == "hour":
        value = _band(int(value), HOUR_BANDS)[0]  # type: ignore[call-overload]
    elif dimension == "length":
        value = _band(int(value), LENGTH_BANDS)[0]  # type: ignore[call-overload]
    return column, value


def channel_insights(scope: Scope) -> list[Insight]:
    """Every channel in scope × every dimension, over the 12 months to the period's end."""
    rows = (
        PostStat.objects.filter(
            scope.on_channels(),
            workspace=scope.workspace,
            published_at__gte=scope.end - YEAR,
            published_at__lt=scope.end,
            followers__gt=0,
        )
        .values(
            "channel_id",
            "channel__name",
            "weekday",
            "hour",
            "media_format",
            "length",
            "category",
            "likes",
            "reposts",
            "replies",
            "quotes",
            "followers",
        )
        .order_by()
    )
    by_channel: dict[tuple[int, str], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by_channel[(int(row["channel_id"]), str(row["channel__name"]))].append(dict(row))
    found = []
    for (channel_id, name), posts in sorted(by_channel.items(), key=lambda item: item[0][1]):
        rates = [_rate(p) for p in posts]
        average = fmean(rates) if rates else None
        for dimension in DIMENSIONS:
            found.append(_insight(channel_id, name, dimension, posts, rates, average))
    return found


def _rate(row: dict[str, object]) -> float:
    engaged = sum(int(row[k]) for k in ("likes", "reposts", "replies", "quotes"))  # type: ignore[call-overload]
    return engaged / int(row["followers"])  # type: ignore[call-overload]


def _insight(
    channel_id: int,
    name: str,
    dimension: str,
    posts: list[dict[str, object]],
    rates: list[float],
    average: float | None,
) -> Insight:
    by_key: dict[tuple[str, object], list[float]] = defaultdict(list)
    for post, rate in zip(posts, rates, strict=True):
        by_key[_key(dimension, post)].append(rate)
    # Labels are translated once a group, not once a post (thousands of posts).
    grouped: dict[str, list[float]] = defaultdict(list)
    for key, values in by_key.items():
        grouped[_label(dimension, dict([key]))] += values
    groups = tuple(
        Group(label, len(values), *mean_interval(values))
        for label, values in sorted(grouped.items())
    )
    eligible = [g for g in groups if g.n >= MIN_GROUP]
    best = None
    if len(posts) >= MIN_POSTS and len(eligible) >= 2:
        best = max(eligible, key=lambda g: g.mean)
    return Insight(channel_id, name, dimension, len(posts), average, best, groups)
