"""What a user review of the reports found: one window for home and reports, the funnel's
customers, percentages per language, the current month, and the monthly PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.analytics.charts import value_text
from palabre.analytics.community import TAG_CUSTOMER, community_day_record
from palabre.analytics.figures import home_figures, key_figures
from palabre.analytics.forms import DEFAULT_DAYS, ScopeForm
from palabre.analytics.models import CommunityDay
from palabre.analytics.tables import display, funnel_table
from palabre.inbox.models import Contact
from palabre.lib.percent import percent_text, share_text
from palabre.lib.tests.csvfiles import csv_rows

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _client(name: str, language: str = "fr") -> Client:
    client = Client(headers={"accept-language": language})
    client.login(email=f"{name}@example.com", password=PASSWORD)
    return client


# --- One window for the home page and the reports ------------------------------------------


def test_home_shows_the_reports_default_period_under_its_name(cast) -> None:
    now = timezone.now()
    home = home_figures(cast.workspace, now)[0]
    reports = ScopeForm(None, workspace=cast.workspace).scope()
    assert reports.rolling_days == DEFAULT_DAYS
    same = key_figures(reports)[0]
    assert (home.value, home.basis) == (same.value, same.basis)
    page = _client("alice").get("/w/lumiere/").content.decode()
    assert "30 derniers jours" in page  # the reports' period menu says the same words
    assert "28 derniers jours" not in page


def test_the_engaged_figure_says_it_counts_90_days(cast) -> None:
    with translation.override("en"):
        engaged = {f.key: f for f in home_figures(cast.workspace, timezone.now())}["engaged"]
        assert engaged.label == "Engaged (90 days)"


# --- The funnel's customers ---------------------------------------------------------------


def _customers_in_funnel(scope) -> int:
    table = funnel_table(scope)
    rows = dict(zip(table.row_definitions, table.rows, strict=True))
    return int(str(rows["customers"][1]))


def test_the_funnel_counts_the_customers_the_community_csv_marks(cast) -> None:
    """Recorded before anyone was tagged (the demo tags its customers after the history;
    a person is tagged by hand between two hourly refreshes): the funnel of a period
    reaching today still counts today's customers, as the Community CSV does."""
    workspace = cast.workspace
    community_day_record(workspace=workspace, day=workspace.local_date())
    for name in ("Ugo", "Vera"):
        Contact.objects.create(workspace=workspace, name=name, tags=[TAG_CUSTOMER])
    assert CommunityDay.objects.get(workspace=workspace).customers == 0  # not refreshed yet
    scope = ScopeForm(None, workspace=workspace).scope()
    csv = _client("alice").get("/w/lumiere/community.csv?show=customer").content.decode()
    assert len(csv_rows(csv)) - 1 == 2
    assert _customers_in_funnel(scope) == 2


def test_a_past_periods_funnel_is_the_day_it_recorded(cast) -> None:
    workspace = cast.workspace
    past = workspace.local_date() - timedelta(days=40)
    CommunityDay.objects.create(workspace=workspace, day=past, customers=7)
    Contact.objects.create(workspace=workspace, name="Ugo", tags=[TAG_CUSTOMER])
    form = ScopeForm({"month": f"{past:%Y-%m}"}, workspace=workspace)
    table = funnel_table(form.scope())
    assert table.rows[4][1] == 7  # as it was then, and its title gives the day
    with translation.override("en"):
        assert f"{past.day} {past:%b %Y}" in funnel_table(form.scope()).title  # "29 Oct 2026"


# --- Percentages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "share", "change", "cell"),
    [("en", "77%", "+3%", "77.3%"), ("fr", "77\xa0%", "+3\xa0%", "77,3\xa0%")],
)
def test_a_percentage_is_written_as_the_language_writes_it(
    language: str, share: str, change: str, cell: str
) -> None:
    with translation.override(language):
        assert share_text(0.773) == share
        assert percent_text(3, signed=True) == change
        assert percent_text(-3, signed=True).startswith("−3")
        assert display("pct", 0.773) == cell
        assert value_text(0.773, percent=True) == share


# --- The monthly PDF ----------------------------------------------------------------------


def test_the_pdf_is_titled_with_the_workspace_and_the_month(cast) -> None:
    import pypdfium2

    from palabre.analytics.report import report_pdf

    data = report_pdf(workspace=cast.workspace, month=date(2026, 6, 1), language="en", people=True)
    assert pypdfium2.PdfDocument(data).get_metadata_dict()["Title"] == "Lumière — June 2026"


def test_a_month_to_come_is_refused_with_a_message(cast) -> None:
    client = _client("alice")  # Alice reads French: her own language, not the browser's
    response = client.get("/w/lumiere/reports/report.pdf?month=2030-01", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Ce mois n’a pas encore commencé" in response.content.decode()
    this_month = f"{cast.workspace.local_date():%Y-%m}"
    current = client.get(f"/w/lumiere/reports/report.pdf?month={this_month}")
    assert current["Content-Type"] == "application/pdf"  # this month so far is a report


def test_a_column_of_ratios_writes_them_all_with_the_same_decimals() -> None:
    """A "1" above "1,50" reads as a different kind of figure: a column of ratios takes two
    decimals for all as soon as one needs them; a column of whole counts, none."""
    from palabre.analytics.tables import Column, Table

    table = Table(
        "t", "T", [Column("ratio", "Ratio", "num"), Column("count", "Count", "num")], rows=[]
    )
    table.rows = [[1.0, 3.0], [1.5, 4.0], [None, 2.0]]
    with translation.override("fr"):
        cells = [[text for _c, text, _k in row] for row in table.displayed()]
    assert cells == [["1,00", "3"], ["1,50", "4"], ["–", "2"]]
