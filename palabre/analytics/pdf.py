"""The monthly report as a PDF, drawn on the server with ReportLab (no browser needed).

It shows the same sections as the reports page (dashboard.SECTIONS) for one calendar
month, in the reader's language, and ends with the definitions of every figure.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image as PILImage
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    TableStyle,
)
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import Table as PdfTable

from palabre.analytics import dashboard
from palabre.analytics.charts import Chart, axis_ticks, axis_top, value_text
from palabre.analytics.definitions import DEFINITIONS
from palabre.analytics.figures import key_figures
from palabre.analytics.metrics import Scope
from palabre.analytics.tables import NUMERIC, Column, Table
from palabre.formats.written import date_text

FONT, BOLD = "Vera", "VeraBd"
ACCENT = colors.HexColor("#2b6cb0")
WARN = colors.HexColor("#b7410e")
HEADER_FILL, RULE, STRIPE = (colors.HexColor(c) for c in ("#e8eef5", "#c8d0d9", "#f5f7fa"))
PAGE = landscape(A4)
MARGIN_X, MARGIN_Y = 1.5 * cm, 1.2 * cm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN_X
CELL_SIZE, CELL_LEADING = 7.5, 9
CELL_PADDING = 12  # a cell's left and right padding (ReportLab's 6 points each)
# A heading stays on the page of the table's header and first rows; the rest flows on.
FIRST_ROWS = 3
_fonts_ready = False


def _fonts() -> None:
    global _fonts_ready
    if not _fonts_ready:
        # Bitstream Vera ships with ReportLab and covers French; the 14 standard PDF fonts
        # do not embed and miss characters such as the typographic apostrophe.
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
        # Without a family, a paragraph's <b> has no bold face to switch to: terms came
        # out in the regular weight.
        registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
        _fonts_ready = True


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    cell = ParagraphStyle(
        "c", parent=base["BodyText"], fontName=FONT, fontSize=CELL_SIZE, leading=CELL_LEADING
    )
    return {
        # Left, under the logo, as every heading after it.
        "title": ParagraphStyle(
            "t", parent=base["Title"], fontName=BOLD, fontSize=20, alignment=TA_LEFT
        ),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontName=BOLD, textColor=ACCENT, spaceBefore=16
        ),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=FONT, fontSize=9),
        "lead": ParagraphStyle(
            "l", parent=base["BodyText"], fontName=FONT, fontSize=11, leading=15, spaceAfter=4
        ),
        "cell": cell,
        "head": ParagraphStyle("h", parent=cell, fontName=BOLD),
        "head_right": ParagraphStyle("hr", parent=cell, fontName=BOLD, alignment=TA_RIGHT),
    }


def monthly_pdf(scope: Scope, month: date, *, people: bool) -> bytes:
    """The report for `scope` (one month), as PDF bytes, in the active language; the
    tables naming people are withheld unless `people` (see dashboard.PEOPLE)."""
    _fonts()
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_Y,
        bottomMargin=MARGIN_Y,
        # What a PDF reader shows in its title bar and tab: whose report, for which month.
        title=f"{scope.workspace.name} — {date_text(month, 'YEAR_MONTH_FORMAT')}",
        author="Palabre",
    )
    story: list[Flowable] = [
        *_logo(scope.workspace.logo_png),
        Paragraph(
            _("%(workspace)s: report for %(month)s")
            % {
                "workspace": _escape(scope.workspace.name),
                "month": date_text(month, "YEAR_MONTH_FORMAT"),
            },
            styles["title"],
        ),
        *[Paragraph(_escape(line), styles["lead"]) for line in month_in_words(scope, month)],
        Paragraph(_("Every figure is defined at the end of this report."), styles["body"]),
    ]
    for section in dashboard.build(scope, full=False, people=people).values():
        story += _section(section, styles)
    # No page break before the definitions: a forced one leaves most of a page blank.
    story.append(CondPageBreak(3 * cm))
    story.append(Paragraph(_("Definitions"), styles["h2"]))
    for name, text in DEFINITIONS.values():
        # The colon is the language's: French writes "Portée : …", a space before it.
        line = _("%(term)s: %(definition)s") % {
            "term": f"<b>{_escape(str(name))}</b>",
            "definition": _escape(str(text)),
        }
        story.append(Paragraph(line, styles["body"]))
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def _section(section: dashboard.Section, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A table and its charts, each thing shown under one heading. A lone chart draws the
    table's own figures, so the table's heading, above the chart, names both; each of
    several charts has its title."""
    table = section.table
    heading = Paragraph(_escape(table.title), styles["h2"])
    if len(section.charts) == 1:
        [chart] = section.charts
        return [KeepTogether([heading, _drawing(chart)]), *_table(table, styles, None)]
    charts: list[Flowable] = [
        KeepTogether([Paragraph(_escape(chart.title), styles["h2"]), _drawing(chart)])
        for chart in section.charts
    ]
    return [*charts, *_table(table, styles, heading)]


def month_in_words(scope: Scope, month: date) -> list[str]:
    """The month told in plain sentences, each figure with its change over the month
    before, as the report's opening."""
    name = date_text(month, "YEAR_MONTH_FORMAT")
    figures = {f.key: f for f in key_figures(scope)}  # against the month before
    lines = []
    for key in ("response_rate", "response_time", "engaged", "reach"):
        figure = figures[key]
        if figure.value == "–":
            continue
        change = (
            _(" (%(change)s vs the previous month)") % {"change": figure.change}
            if figure.change
            else ""
        )
        lines.append(
            _("%(label)s in %(month)s: %(value)s%(change)s, %(basis)s.")
            % {
                "label": figure.label,
                "month": name,
                "value": figure.value,
                "change": change,
                "basis": figure.basis,
            }
        )
    return lines or [_("Nothing was measured in %(month)s.") % {"month": name}]


LOGO_MAX_WIDTH = 12 * cm  # under half the landscape page's frame


def _logo(png: bytes | memoryview) -> list[Flowable]:
    """The workspace's logo (already a small PNG Palabre drew), left, 1.6 cm high, and
    never wider than LOGO_MAX_WIDTH: a very wide upload is scaled down whole, not let run
    off the page."""
    if not png:
        return []
    data = bytes(png)
    with PILImage.open(io.BytesIO(data)) as image:
        width, height = image.size
    scale = min(1.6 * cm / height, LOGO_MAX_WIDTH / width)
    return [PdfImage(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas: object, doc: object) -> None:
    canvas.saveState()  # type: ignore[attr-defined]
    canvas.setFont(FONT, 7)  # type: ignore[attr-defined]
    canvas.drawRightString(  # type: ignore[attr-defined]
        PAGE[0] - MARGIN_X,
        0.6 * cm,
        f"Palabre · {doc.page}",  # type: ignore[attr-defined]
    )
    canvas.restoreState()  # type: ignore[attr-defined]


def _table(
    table: Table, styles: dict[str, ParagraphStyle], heading: Paragraph | None
) -> list[Flowable]:
    """The table under its heading (if any). Only the heading and the first rows are kept
    together: a whole long table kept together would jump to the next page, leaving this
    one half empty; the rest flows on, its header repeated."""
    lead = [heading] if heading else []
    if not table.rows:
        return [KeepTogether([*lead, Paragraph(_escape(table.empty or "–"), styles["body"])])]
    # Wide tables keep the columns the page shows (they fit a landscape page); the CSV has all.
    columns = table.shown_columns
    kinds = [_pdf_kind(table, column) for column in columns]
    texts = [[text for _column, text, _key in row] for row in table.displayed(columns)]
    widths = column_widths([c.label for c in columns], texts, kinds)
    header = [
        Paragraph(f"<b>{_escape(c.label)}</b>", styles["head_right" if k in NUMERIC else "head"])
        for c, k in zip(columns, kinds, strict=True)
    ]
    body = [_cells(row, kinds, styles["cell"]) for row in texts]
    start = _grid([header, *body[:FIRST_ROWS]], widths, kinds)
    needed = sum(part.wrap(FRAME_WIDTH, PAGE[1])[1] for part in [*lead, start])
    return [
        CondPageBreak(needed),
        *lead,
        _grid([header, *body], widths, kinds),
    ]


def _pdf_kind(table: Table, column: Column) -> str:
    """A column's kind; a column of mixed figures counts as a number if every row's is."""
    if column.kind != "row":
        return column.kind
    return "num" if all(kind in NUMERIC for kind in table.row_kinds) else "text"


def _cells(texts: list[str], kinds: list[str], style: ParagraphStyle) -> list[object]:
    """A row's cells: numbers as plain strings, which the table aligns right (a paragraph
    ignores the table's alignment); text as paragraphs, which wrap."""
    return [
        text if kind in NUMERIC else Paragraph(_escape(text), style)
        for text, kind in zip(texts, kinds, strict=True)
    ]


def _grid(rows: list[list[object]], widths: list[float], kinds: list[str]) -> PdfTable:
    grid = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(TableStyle(table_style(kinds)))
    return grid


def table_style(kinds: list[str]) -> list[tuple[object, ...]]:
    """The table's look, for columns of `kinds`: numbers right-aligned, so that their
    digits line up under each other; text left."""
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 1), (-1, -1), CELL_LEADING),
    ]
    for index, kind in enumerate(kinds):
        align = "RIGHT" if kind in NUMERIC else "LEFT"
        commands.append(("ALIGN", (index, 0), (index, -1), align))
    return commands


def column_widths(labels: list[str], rows: list[list[str]], kinds: list[str]) -> list[float]:
    """Each column as wide as its content (a header may wrap onto two lines), text
    columns narrowed, where they wrap, until the table fits the page."""
    natural = []
    for index, label in enumerate(labels):
        cells = max((_text_width(row[index]) for row in rows), default=0.0)
        whole = _text_width(label, BOLD)
        head = whole if whole <= SHORT_HEADER else _two_lines(label)
        natural.append(min(max(cells, head), MAX_TEXT_WIDTH) + CELL_PADDING)
    numbers = sum(w for w, k in zip(natural, kinds, strict=True) if k in NUMERIC)
    text = sum(natural) - numbers
    if sum(natural) <= FRAME_WIDTH or not text:
        return natural
    shrink = max(FRAME_WIDTH - numbers, 0) / text
    return [w if k in NUMERIC else w * shrink for w, k in zip(natural, kinds, strict=True)]


MAX_TEXT_WIDTH = 8 * cm  # a long text (a post's idea) wraps rather than fill the page
SHORT_HEADER = 2.5 * cm  # a header up to this wide stays on one line


def _two_lines(label: str) -> float:
    """The narrowest width that holds `label` on two lines, broken between words."""
    words = label.split()
    breaks = [
        max(_text_width(" ".join(words[:i]), BOLD), _text_width(" ".join(words[i:]), BOLD))
        for i in range(1, len(words))
    ]
    return min(breaks, default=_text_width(label, BOLD)) + 1  # 1 point: rounding in the wrap


def _text_width(text: str, font: str = FONT) -> float:
    return float(pdfmetrics.stringWidth(text, font, CELL_SIZE))


def plot_series(chart: Chart) -> tuple[list[str], list[float]]:
    """The chart's categories and values in the order ReportLab draws them. Horizontal bars
    start at the bottom: their list is reversed, so that they read top-down in the order
    of the table beside them."""
    labels = list(chart.labels) or [""]
    values = [v if v is not None else 0.0 for v in chart.values] or [0.0]
    if chart.kind == "hbars":
        return labels[::-1], values[::-1]
    return labels, values


def _drawing(chart: Chart) -> Drawing:
    """The chart, without its title (the heading above it says it)."""
    return _hbars(chart) if chart.kind == "hbars" else _columns(chart)


def _hbars(chart: Chart) -> Drawing:
    labels, values = plot_series(chart)
    width, row = 24 * cm, 0.7 * cm
    band = 0.5 * cm  # above the bars: the target's label, clear of every other text
    height = row * len(values) + band + 0.6 * cm
    drawing = Drawing(width, height)
    plot = HorizontalBarChart()
    plot.x, plot.y = 5 * cm, 0.5 * cm
    plot.width, plot.height = width - 7 * cm, row * len(values)
    plot.data = [values]
    plot.categoryAxis.categoryNames = labels
    plot.barLabelFormat = lambda v: value_text(v, chart.percent)
    plot.barLabels.boxAnchor = "w"
    plot.barLabels.dx = 3
    plot.barLabels.fontName, plot.barLabels.fontSize = FONT, 8
    _axes(plot, chart)
    plot.valueAxis.visible = False  # each bar says its value
    plot.categoryAxis.visibleTicks = False
    plot.categoryAxis.strokeColor = RULE
    drawing.add(plot)
    if chart.target is not None:
        x = plot.x + plot.width * chart.target / axis_top(chart)
        top = plot.y + plot.height
        drawing.add(
            Line(x, plot.y, x, top + 2, strokeColor=WARN, strokeWidth=1.2, strokeDashArray=[4, 3])
        )
        # Rightwards from the line, or leftwards where it would leave the drawing.
        label_width = pdfmetrics.stringWidth(chart.target_label, FONT, 8)
        anchor = "start" if x + label_width <= width else "end"
        drawing.add(
            String(
                x,
                top + 5,
                chart.target_label,
                fontName=FONT,
                fontSize=8,
                fillColor=WARN,
                textAnchor=anchor,
            )
        )
    return drawing


def _columns(chart: Chart) -> Drawing:
    """Vertical bars or a line, month by month."""
    labels, values = plot_series(chart)
    width, height = 24 * cm, 6 * cm
    drawing = Drawing(width, height)
    plot: VerticalBarChart | HorizontalLineChart
    if chart.kind == "bars":
        plot = VerticalBarChart()
    else:
        plot = HorizontalLineChart()
        plot.lines[0].strokeColor = ACCENT
        plot.lines[0].strokeWidth = 2
        plot.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=ACCENT)
    plot.x, plot.y, plot.width, plot.height = (
        1.8 * cm,
        0.8 * cm,
        width - 2.2 * cm,
        height - 1.2 * cm,
    )
    plot.data = [values]
    plot.categoryAxis.categoryNames = labels
    _axes(plot, chart)
    plot.valueAxis.visibleGrid = True
    plot.valueAxis.gridStrokeColor = RULE
    drawing.add(plot)
    return drawing


def _axes(plot: Any, chart: Chart) -> None:
    """The axes as the page draws them: a round top, values in the reader's language."""
    for labels in (plot.categoryAxis.labels, plot.valueAxis.labels):
        labels.fontName, labels.fontSize = FONT, 8
    ticks = axis_ticks(chart)
    plot.valueAxis.valueMin, plot.valueAxis.valueMax = 0, ticks[-1]
    plot.valueAxis.valueStep = ticks[1]
    plot.valueAxis.labelTextFormat = lambda v: value_text(v, chart.percent)
    if isinstance(plot, HorizontalBarChart | VerticalBarChart):
        plot.bars[0].fillColor = ACCENT
        plot.bars[0].strokeColor = None
