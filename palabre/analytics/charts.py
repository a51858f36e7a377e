"""Charts as plain data, drawn as inline SVG for the pages (pdf.py draws the same specs).

No JavaScript: every chart is also a table on the same page, which screen readers and
CSV exports use; the SVG carries a title and a description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # "line", "bars" (vertical) or "hbars" (horizontal)
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    percent: bool = False
    target: float | None = None  # a reference line (the promotional maximum)
    target_label: str = ""


WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 56, 40, 12
INK, ACCENT, GRID, WARN = "#1f2933", "#2b6cb0", "#d9dee4", "#b7410e"


def _number(value: float, percent: bool) -> str:
    if percent:
        return formats.number_format(value * 100, 0) + " %"
    return formats.number_format(round(value), 0, force_grouping=True)


def _top(chart: Chart) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten, over the highest value."""
    known = [v for v in chart.values if v is not None]
    top = max([*known, chart.target or 0, 0])
    if not top:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= top)


def svg(chart: Chart) -> SafeString:
    if chart.kind == "hbars":
        return _hbars(chart)
    top = _top(chart)
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    parts = [_open(chart, WIDTH, HEIGHT)]
    for step in range(5):
        value = top * step / 4
        y = PAD_TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{escape(_number(value, chart.percent))}</text>'
        )
    count = max(len(chart.values), 1)
    slot = plot_w / count
    points = []
    for index, (name, known) in enumerate(zip(chart.labels, chart.values, strict=True)):
        x = PAD_LEFT + slot * index + slot / 2
        if index % max(count // 12, 1) == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{escape(name)}</text>'
            )
        if known is None:
            continue
        value = known
        height = plot_h * value / top
        y = PAD_TOP + plot_h - height
        if chart.kind == "bars":
            parts.append(
                f'<rect x="{x - slot * 0.35:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" fill="{ACCENT}"><title>{escape(name)}: '
                f"{escape(_number(value, chart.percent))}</title></rect>"
            )
        else:
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}"><title>{escape(name)}: '
                f"{escape(_number(value, chart.percent))}</title></circle>"
            )
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{ACCENT}" '
            'stroke-width="2"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _hbars(chart: Chart) -> SafeString:
    row_h, label_w = 28, 190
    height = PAD_TOP + row_h * len(chart.values) + 24
    plot_w = WIDTH - label_w - 70
    top = _top(chart)
    parts = [_open(chart, WIDTH, height)]
    for index, (name, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = PAD_TOP + row_h * index
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(name)}</text>'
        )
        width = plot_w * (value or 0) / top
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{ACCENT}"/><text x="{label_w + width + 6:.1f}" y="{y + 17}" font-size="12" '
            f'fill="{INK}">{escape(_number(value or 0, chart.percent))}</text>'
        )
    if chart.target is not None:
        x = label_w + plot_w * chart.target / top
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_TOP}" y2="{height - 20}" stroke="{WARN}" '
            f'stroke-dasharray="4 3" stroke-width="2"/><text x="{x:.1f}" y="{height - 6}" '
            f'text-anchor="middle" font-size="11" fill="{WARN}">{escape(chart.target_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _open(chart: Chart, width: int, height: int) -> str:
    described = ", ".join(
        f"{name}: {_number(v, chart.percent) if v is not None else '–'}"
        for name, v in zip(chart.labels, chart.values, strict=True)
    )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{chart.key}-t chart-{chart.key}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f'<title id="chart-{chart.key}-t">{escape(chart.title)}</title>'
        f'<desc id="chart-{chart.key}-d">{escape(described)}</desc>'
    )
