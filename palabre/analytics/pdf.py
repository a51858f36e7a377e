"""The monthly report as a PDF, drawn on the server with ReportLab (no browser needed).

It shows the same sections as the reports page (dashboard.SECTIONS) for one calendar
month, in the reader's language, and ends with the definitions of every figure.
"""

from __future__ import annotations

import io
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from palabre.analytics import dashboard
from palabre.analytics.charts import Chart
from palabre.analytics.definitions import DEFINITIONS
from palabre.analytics.figures import key_figures
from palabre.analytics.forms import month_bounds
from palabre.analytics.metrics import Scope
from palabre.analytics.tables import Table, display
from palabre.lib.months import month_before

FONT, BOLD = "Vera", "VeraBd"
ACCENT = colors.HexColor("#2b6cb0")
_fonts_ready = False


def _fonts() -> None:
    global _fonts_ready
    if not _fonts_ready:
        # Bitstream Vera ships with ReportLab and covers French; the 14 standard PDF fonts
        # do not embed and miss characters such as the typographic apostrophe.
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
        _fonts_ready = True


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=BOLD, fontSize=20),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, textColor=ACCENT),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=FONT, fontSize=9),
        "lead": ParagraphStyle(
            "l", parent=base["BodyText"], fontName=FONT, fontSize=11, leading=15, spaceAfter=4
        ),
        "cell": ParagraphStyle(
            "c", parent=base["BodyText"], fontName=FONT, fontSize=7.5, leading=9
        ),
    }


def monthly_pdf(scope: Scope, month: date, *, people: bool) -> bytes:
    """The report for `scope` (one month), as PDF bytes, in the active language; the
    tables naming people are withheld unless `people` (see dashboard.PEOPLE)."""
    _fonts()
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.2 * cm,
        bottomMargin=1.2 * cm,
        title=_("Palabre report"),
        author="Palabre",
    )
    story: list[object] = [
        *_logo(scope.workspace.logo_png),
        Paragraph(
            _("%(workspace)s: report for %(month)s")
            % {
                "workspace": _escape(scope.workspace.name),
                "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            },
            styles["title"],
        ),
        *[Paragraph(_escape(line), styles["lead"]) for line in month_in_words(scope, month)],
        Paragraph(_("Every figure is defined at the end of this report."), styles["body"]),
    ]
    for section in dashboard.build(scope, full=False, people=people).values():
        for chart in section.charts:
            story.append(
                KeepTogether([Paragraph(_escape(chart.title), styles["h2"]), _drawing(chart)])
            )
        story.append(KeepTogether(_table(section.table, styles)))
    story += [PageBreak(), Paragraph(_("Definitions"), styles["h2"])]
    for name, text in DEFINITIONS.values():
        story.append(
            Paragraph(f"<b>{_escape(str(name))}</b>: {_escape(str(text))}", styles["body"])
        )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def month_in_words(scope: Scope, month: date) -> list[str]:
    """The month told in plain sentences, each figure with its change over the month
    before, as the report's opening."""
    name = formats.date_format(month, "YEAR_MONTH_FORMAT")
    start, _end = month_bounds(month_before(month), scope.workspace)
    before = Scope(scope.workspace, start, scope.start, scope.channel_ids)  # the month before
    figures = {f.key: f for f in key_figures(scope, before)}
    lines = []
    for key in ("response_rate", "response_time", "engaged", "reach"):
        figure = figures[key]
        if figure.value == "–":
            continue
        change = (
            _(" (%(change)s against the month before)") % {"change": figure.change}
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


def _logo(png: bytes | memoryview) -> list[object]:
    """The workspace's logo (already a small PNG Palabre drew), left, 1.6 cm high."""
    if not png:
        return []
    data = bytes(png)
    with PILImage.open(io.BytesIO(data)) as image:
        width, height = image.size
    tall = 1.6 * cm
    return [PdfImage(io.BytesIO(data), width=tall * width / height, height=tall, hAlign="LEFT")]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas: object, doc: object) -> None:
    canvas.saveState()  # type: ignore[attr-defined]
    canvas.setFont(FONT, 7)  # type: ignore[attr-defined]
    canvas.drawRightString(  # type: ignore[attr-defined]
        landscape(A4)[0] - 1.5 * cm,
        0.6 * cm,
        f"Palabre · {doc.page}",  # type: ignore[attr-defined]
    )
    canvas.restoreState()  # type: ignore[attr-defined]


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> list[object]:
    # Wide tables keep the columns the page shows (they fit a landscape page); the CSV has all.
    shown = {c.key for c in table.shown_columns}
    indexes = [i for i, c in enumerate(table.columns) if c.key in shown]
    header = [
        Paragraph(f"<b>{_escape(table.columns[i].label)}</b>", styles["cell"]) for i in indexes
    ]
    body = [
        [
            Paragraph(_escape(display(table.columns[i].kind, row[i])), styles["cell"])
            for i in indexes
        ]
        for row in table.rows
    ]
    parts: list[object] = [Paragraph(_escape(table.title), styles["h2"])]
    if not body:
        parts.append(Paragraph(_escape(table.empty or "–"), styles["body"]))
        return parts
    grid = PdfTable([header, *body], repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d0d9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    parts += [grid, Spacer(1, 0.3 * cm)]
    return parts


def _drawing(chart: Chart) -> Drawing:
    width, height = 24 * cm, 6 * cm
    drawing = Drawing(width, height)
    values = [v if v is not None else 0 for v in chart.values] or [0]
    scale = 100 if chart.percent else 1
    data = [[v * scale for v in values]]
    if chart.kind == "hbars":
        plot = HorizontalBarChart()
        plot.x, plot.y, plot.width, plot.height = (
            5 * cm,
            0.4 * cm,
            width - 6 * cm,
            height - 0.8 * cm,
        )
    elif chart.kind == "bars":
        plot = VerticalBarChart()
        plot.x, plot.y, plot.width, plot.height = (
            1.8 * cm,
            0.9 * cm,
            width - 2.2 * cm,
            height - 1.2 * cm,
        )
    else:
        plot = HorizontalLineChart()
        plot.x, plot.y, plot.width, plot.height = (
            1.8 * cm,
            0.9 * cm,
            width - 2.2 * cm,
            height - 1.2 * cm,
        )
        plot.lines[0].strokeColor = ACCENT
        plot.lines[0].strokeWidth = 2
    plot.data = data
    plot.categoryAxis.categoryNames = list(chart.labels) or [""]
    plot.categoryAxis.labels.fontName = FONT
    plot.categoryAxis.labels.fontSize = 7
    plot.valueAxis.labels.fontName = FONT
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    if chart.kind != "line":
        plot.bars[0].fillColor = ACCENT
    drawing.add(plot)
    if chart.percent:
        drawing.add(String(0, height - 8, "%", fontName=FONT, fontSize=7))
    return drawing
