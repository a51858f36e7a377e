"""Charts as plain data, drawn as inline SVG for the pages (pdf.py draws the same specs).

No JavaScript: every chart is also a table on the same page, which screen readers and
CSV exports use; the SVG carries a title and a description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from palabre.lib.numbers import number_text
from palabre.lib.percent import colon_text, share_text


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


# The drawing's own units are close to the pixels it is shown at (a grid cell of 22 to
# 24 rem, about 350 to 380 px, at 375 and at 1280 px wide): a text of FONT units stays
# over 11 px on screen. A wide drawing scaled down to fit shrank its labels to 6 px.
WIDTH, HEIGHT, FONT = 360, 210, 12
PAD_LEFT, PAD_RIGHT, PAD_BOTTOM, PAD_TOP = 48, 16, 28, 10
INK, ACCENT, GRID, WARN = "#1f2933", "#2b6cb0", "#d9dee4", "#b7410e"
CHAR_WIDTH = 0.6  # of FONT: a generous average for system-ui, to keep labels apart


def value_text(value: float, percent: bool) -> str:
    if percent:
        return share_text(value)
    return number_text(value, 0)


def axis_top(chart: Chart) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten, over the highest value;
    a whole number for counts under 5. The last of axis_ticks, always: bars, target
    lines and the axis's marks are all drawn against it."""
    known = [v for v in chart.values if v is not None]
    top = max([*known, chart.target or 0, 0])
    if not chart.percent and top < 5:
        # Counts under 5 (or none yet): whole numbers, not "0, 0, 0, 1, 1, 1" rounded.
        return float(max(1, math.ceil(top)))
    if not top:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= top)


def axis_ticks(chart: Chart) -> list[float]:
    """The value axis's marks, from 0 to the round top, at round steps (a top of 5 000
    is marked every 1 000, not every 1 250)."""
    top = axis_top(chart)
    if not chart.percent and top < 5:
        return [float(n) for n in range(int(top) + 1)]
    steps = 4 if round(top / 10 ** math.floor(math.log10(top)), 6) == 2 else 5
    return [top * step / steps for step in range(steps + 1)]


def text_width(text: str) -> float:
    """About how wide `text` is drawn, in the drawing's units."""
    return len(text) * FONT * CHAR_WIDTH


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK) -> str:
    # A white halo keeps a label readable where the target line crosses it.
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{FONT}" '
        f'fill="{fill}" stroke="#fff" stroke-width="3" paint-order="stroke">{escape(text)}</text>'
    )


def svg(chart: Chart) -> SafeString:
    if chart.kind == "hbars":
        return _hbars(chart)
    ticks = axis_ticks(chart)
    top = ticks[-1]
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_BOTTOM - PAD_TOP
    parts = [_open(chart, WIDTH, HEIGHT)]
    for value in ticks:
        y = PAD_TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
            + _text(PAD_LEFT - 6, y + 4, value_text(value, chart.percent), anchor="end")
        )
    count = max(len(chart.values), 1)
    slot = plot_w / count
    every = _label_step(chart.labels, slot)
    points = []
    for index, (name, known) in enumerate(zip(chart.labels, chart.values, strict=True)):
        x = PAD_LEFT + slot * index + slot / 2
        if (count - 1 - index) % every == 0:  # the last month always named
            parts.append(_text(x, HEIGHT - PAD_BOTTOM + 18, name, anchor="middle"))
        if known is None:
            continue
        value = known
        height = plot_h * value / top
        y = PAD_TOP + plot_h - height
        if chart.kind == "bars":
            parts.append(
                f'<rect x="{x - slot * 0.35:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" fill="{ACCENT}"><title>{escape(name)}{colon_text()} '
                f"{escape(value_text(value, chart.percent))}</title></rect>"
            )
        else:
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}"><title>{escape(name)}{colon_text()} '
                f"{escape(value_text(value, chart.percent))}</title></circle>"
            )
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{ACCENT}" '
            'stroke-width="2"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _label_step(labels: tuple[str, ...], slot: float) -> int:
    """Name every n-th category, so that the names along the axis never touch."""
    widest = max((text_width(name) for name in labels), default=0.0) + FONT / 2
    return max(math.ceil(widest / slot), 1) if slot else 1


def _hbars(chart: Chart) -> SafeString:
    """One row a category: its name on a line of its own (a long name has the whole
    width), its bar under it, the value after the bar. The target's label sits in a
    band above the rows, where no other text is."""
    name_h, bar_h, gap = FONT + 4, 14, 8
    row_h = name_h + bar_h + gap
    band = FONT + 8 if chart.target is not None else 0
    height = PAD_TOP + band + row_h * len(chart.values)
    widest_value = max(
        (text_width(value_text(v or 0, chart.percent)) for v in chart.values), default=0
    )
    left, plot_w = 4, WIDTH - 4 - widest_value - 10
    top = axis_top(chart)
    target_x = None if chart.target is None else left + plot_w * chart.target / top
    parts = [_open(chart, WIDTH, height)]
    texts = []
    for index, (name, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = PAD_TOP + band + row_h * index
        width = plot_w * (value or 0) / top
        parts.append(
            f'<rect x="{left}" y="{y + name_h}" width="{width:.1f}" height="{bar_h}" '
            f'fill="{ACCENT}"/>'
        )
        texts.append(_text(left, y + FONT, name))
        shown = value_text(value or 0, chart.percent)
        value_x = left + width + 6
        if target_x is not None and value_x - 3 <= target_x <= value_x + text_width(shown) + 3:
            value_x = target_x + 6  # after the target's line, not across it
        texts.append(_text(value_x, y + name_h + bar_h - 3, shown))
        if target_x is not None:  # the line crosses the bars' rows only, never a name
            parts.append(
                f'<line x1="{target_x:.1f}" x2="{target_x:.1f}" y1="{y + name_h - 3}" '
                f'y2="{y + name_h + bar_h + 3}" stroke="{WARN}" stroke-dasharray="4 3" '
                f'stroke-width="2"/>'
            )
    if target_x is not None:
        x = target_x
        label_y = PAD_TOP + FONT
        # The label runs rightwards from the line, or leftwards if it would leave the drawing.
        fits = x + 4 + text_width(chart.target_label) <= WIDTH
        parts.append(  # beside its label, in the band above the rows
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_TOP}" y2="{PAD_TOP + band}" '
            f'stroke="{WARN}" stroke-dasharray="4 3" stroke-width="2"/>'
        )
        texts.append(
            _text(
                x + 4 if fits else x - 4,
                label_y,
                chart.target_label,
                anchor="start" if fits else "end",
                fill=WARN,
            )
        )
    parts += texts  # over the bars and the line
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _open(chart: Chart, width: int, height: int) -> str:
    described = ", ".join(
        f"{name}{colon_text()} {value_text(v, chart.percent) if v is not None else '–'}"
        for name, v in zip(chart.labels, chart.values, strict=True)
    )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{chart.key}-t chart-{chart.key}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f'<title id="chart-{chart.key}-t">{escape(chart.title)}</title>'
        f'<desc id="chart-{chart.key}-d">{escape(described)}</desc>'
    )
