"""How the monthly PDF and the page's charts look: each title once, charts in their
table's order, numbers right-aligned, pages filled, labels large enough to read."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pypdfium2
import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from palabre.accounts.models import Workspace
from palabre.analytics import dashboard
from palabre.analytics.charts import Chart, svg, text_width
from palabre.analytics.forms import month_bounds
from palabre.analytics.metrics import Scope
from palabre.analytics.pdf import MARGIN_Y, PAGE, plot_series, table_style
from palabre.analytics.report import previous_month, report_pdf
from palabre.analytics.tables import NUMERIC, channels_table
from palabre.analytics.tests.handmade import build
from palabre.analytics.tests.test_reports import pdf_pages
from palabre.web.demo import DEMO_SLUG

pytestmark = pytest.mark.django_db
JUNE = date(2026, 6, 1)


def _june(cast) -> Scope:  # type: ignore[no-untyped-def]
    start, end = month_bounds(JUNE, cast.workspace)
    return Scope(cast.workspace, start, end)


def pdf_lines(data: bytes) -> list[str]:
    """Every line of text of the PDF, as a reader copies it."""
    document = pypdfium2.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_each_chart_and_table_title_is_written_once(cast) -> None:
    build(cast.workspace)
    data = report_pdf(workspace=cast.workspace, month=JUNE, language="fr", people=True)
    lines = pdf_lines(data)
    with translation.override("fr"):
        sections = dashboard.build(_june(cast))
    titles = {s.table.title for s in sections.values()}
    titles |= {chart.title for s in sections.values() for chart in s.charts}
    for title in titles:
        assert lines.count(title) <= 1, title
    # The content mix's chart and table share their title: one heading names both.
    assert lines.count("Équilibre des contenus") == 1


def test_horizontal_bars_read_top_down_in_the_tables_order(cast) -> None:
    build(cast.workspace)
    sections = dashboard.build(_june(cast))
    for key in ("content_mix", "funnel"):
        section = sections[key]
        [chart] = section.charts
        names, values = plot_series(chart)
        # ReportLab draws the first category at the bottom: the list is bottom-up.
        top_down = list(reversed(names))
        assert top_down == [str(row[0]) for row in section.table.rows][: len(names)]
        assert list(reversed(values)) == [v or 0.0 for v in chart.values]


def test_a_line_charts_months_stay_in_time_order() -> None:
    chart = Chart("c", "C", "line", ("Jan", "Feb", "Mar"), (1.0, None, 3.0))
    assert plot_series(chart) == (["Jan", "Feb", "Mar"], [1.0, 0.0, 3.0])


def test_numbers_are_right_aligned_and_text_left(cast) -> None:
    build(cast.workspace)
    table = channels_table(_june(cast))
    kinds = [column.kind for column in table.shown_columns]
    assert {"text", "int", "pct", "num"} <= set(kinds)
    aligns = {command[1][0]: command[3] for command in table_style(kinds) if command[0] == "ALIGN"}
    for index, kind in enumerate(kinds):
        # From the header down: a number's header sits over its digits.
        assert aligns[index] == ("RIGHT" if kind in NUMERIC else "LEFT"), kind
    starts_and_ends = [c[1:3] for c in table_style(kinds) if c[0] == "ALIGN"]
    assert all(start[1] == 0 and end[1] == -1 for start, end in starts_and_ends)


def test_numbers_line_up_on_the_right_in_the_pdf(cast) -> None:
    """The dialogue table's values (73,3 %, 1 h 3 min, 0,73...) end at one edge."""
    build(cast.workspace)
    data = report_pdf(workspace=cast.workspace, month=JUNE, language="fr", people=True)
    page = pypdfium2.PdfDocument(data)[0].get_textpage()
    with translation.override("fr"):
        rows = dashboard.build(_june(cast))["dialogue"].table.displayed()
    values = [text for row in rows for column, text, _key in row if column.key == "value"]
    # The widest value's edge; every other value has an occurrence ending there too.
    widest = max(values, key=len)
    [edge] = _right_edges(page, widest)
    for text in values:
        if text != "–":
            assert any(abs(e - edge) < 0.5 for e in _right_edges(page, text)), text


def _right_edges(page: pypdfium2.PdfTextPage, text: str) -> list[float]:
    """Where each occurrence of `text` on the page ends, in points from the left."""
    # The PDF's text gives a no-break space (French "60,0 %") back as a plain one.
    search = page.search(text.replace("\xa0", " "), match_whole_word=True)
    edges = []
    while found := search.get_next():
        index, count = found
        edges.append(float(page.get_charbox(index + count - 1)[2]))
    return edges


def test_no_page_of_the_demos_pdf_is_mostly_empty() -> None:
    """Sections flow from page to page: only a heading and the start of its table or chart
    are kept together, so no page but the last is left less than ~40 % filled."""
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug=DEMO_SLUG)
    month = previous_month(timezone.now(), workspace)
    data = report_pdf(workspace=workspace, month=month, language="fr", people=True)
    pages = pdf_pages(data)  # 1 pixel a point
    assert len(pages) >= 3
    for number, page in enumerate(pages[:-1], start=1):
        assert _filled(page) >= 0.4, f"page {number} is {_filled(page):.0%} filled"


def _filled(page) -> float:  # type: ignore[no-untyped-def]
    """How far down the page's frame the ink goes (the footer, in the margin, aside)."""
    top, bottom = round(MARGIN_Y), round(PAGE[1] - MARGIN_Y)
    frame = page.convert("L").crop((0, top, page.width, bottom))
    ink = frame.point(lambda v: 255 if v < 160 else 0).getbbox()
    return ink[3] / frame.height if ink else 0.0


# --- The page's SVG charts -------------------------------------------------------------

SHOWN_AT_LEAST = 340  # px: a chart's grid cell at 375 px wide (at 1280 px, about 380)


def _charts() -> list[Chart]:
    months = tuple(f"Déc {n}" for n in range(12))
    return [
        Chart(
            "mix",
            "Mix",
            "hbars",
            ("Utile ou informatif", "Conversation et communauté", "Promotionnel"),
            (0.47, 0.24, 0.15),
            percent=True,
            target=0.2,
            target_label="maximum promotionnel 20 %",
        ),
        Chart(
            "high",
            "High",
            "hbars",
            ("A", "B"),
            (0.1, 0.05),
            percent=True,
            target=0.95,
            target_label="maximum promotionnel 95 %",
        ),
        Chart("f", "Followers", "line", months, tuple(float(4000 + n) for n in range(12))),
        Chart("e", "Engagements", "bars", months, tuple(float(900 + n) for n in range(12))),
    ]


@pytest.mark.parametrize("chart", _charts(), ids=lambda c: c.key)
def test_chart_labels_are_readable_on_a_phone_and_a_laptop(chart: Chart) -> None:
    drawing = str(svg(chart))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', drawing).group(1))  # type: ignore[union-attr]
    sizes = [float(s) for s in re.findall(r'<text[^>]* font-size="([\d.]+)"', drawing)]
    assert sizes and min(sizes) * SHOWN_AT_LEAST / width >= 11


@pytest.mark.parametrize("chart", _charts()[:2], ids=lambda c: c.key)
def test_the_target_label_collides_with_no_other_text(chart: Chart) -> None:
    boxes = _text_boxes(str(svg(chart)))
    [target] = [box for text, box in boxes if text == chart.target_label]
    others = [box for text, box in boxes if text != chart.target_label]
    assert not any(_overlap(target, box) for box in others)
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', str(svg(chart))).group(1))  # type: ignore[union-attr]
    assert 0 <= target[0] and target[2] <= width  # inside the drawing


def test_month_names_along_the_axis_never_touch() -> None:
    chart = _charts()[2]
    boxes = [box for text, box in _text_boxes(str(svg(chart))) if text.startswith("Déc")]
    assert len(boxes) >= 4
    assert not any(_overlap(a, b) for a, b in zip(boxes, boxes[1:], strict=False))


def _text_boxes(drawing: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each text's box (left, top, right, bottom), from its anchor and estimated width."""
    found = []
    pattern = (
        r'<text x="([\d.-]+)" y="([\d.-]+)" text-anchor="(\w+)" font-size="([\d.]+)"[^>]*>([^<]*)<'
    )
    for x, y, anchor, size, text in re.findall(pattern, drawing):
        left, width = float(x), text_width(text)
        left -= {"start": 0, "middle": width / 2, "end": width}[anchor]
        found.append((text, (left, float(y) - float(size), left + width, float(y))))
    return found


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    ("values", "marks"), [((0, 0), [0, 1]), ((1, 2), [0, 1, 2]), ((0, 3), None)]
)
def test_a_count_axis_is_marked_in_whole_numbers(values, marks) -> None:  # type: ignore[no-untyped-def]
    """An empty month's chart read "0, 0, 0, 1, 1, 1": 0.2, 0.4… rounded."""
    from palabre.analytics.charts import axis_ticks

    ticks = axis_ticks(Chart("n", "n", "bars", ("a", "b"), values))
    assert all(t == int(t) for t in ticks)
    if marks is not None:
        assert ticks == marks


@pytest.mark.parametrize(
    ("values", "target", "percent"),
    [
        ((2.2,), 2.0, False),
        ((0.0,), 0.0, False),
        ((3.4, 1.0), 4.5, False),
        ((0.0,), None, True),
        ((0.47, 0.15), 0.2, True),
        ((4200.0, 17.0), None, False),
        ((4.9,), None, False),
    ],
)
def test_the_target_line_and_the_axis_share_one_top(values, target, percent) -> None:  # type: ignore[no-untyped-def]
    """The PDF drew its target line against the round top (2.5 for a count of 2.2) while
    its axis went to the last whole mark (3): the line stood at 80 % of the width, the
    value it marks at 67 %."""
    from palabre.analytics.charts import axis_ticks, axis_top

    chart = Chart(
        "t",
        "t",
        "hbars",
        tuple("ab"[: len(values)]),
        values,
        percent=percent,
        target=target,
        target_label="t",
    )
    assert axis_top(chart) == axis_ticks(chart)[-1]
    assert axis_top(chart) >= max([*values, target or 0])
