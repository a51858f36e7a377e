"""The reports pages, their CSV, the monthly PDF and its e-mail."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pypdfium2
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from PIL import ImageStat

from palabre.analytics.dashboard import SECTIONS
from palabre.analytics.metrics import Scope
from palabre.analytics.models import MonthlyReport, PostStat
from palabre.analytics.report import monthly_report_send, report_pdf
from palabre.analytics.tables import channels_table, posts_table, talk_kinds_table
from palabre.analytics.tests.handmade import build
from palabre.inbox.models import Interaction
from palabre.inbox.tests.helpers import published
from palabre.lib.tests.csvfiles import csv_rows

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _client(name: str) -> Client:
    client = Client()
    client.login(email=f"{name}@example.com", password=PASSWORD)
    return client


def pdf_pages(data: bytes) -> list:
    document = pypdfium2.PdfDocument(data)
    return [document[i].render(scale=1).to_pil() for i in range(len(document))]


def test_the_monthly_pdf_has_pages_with_ink(cast) -> None:
    build(cast.workspace)
    data = report_pdf(workspace=cast.workspace, month=date(2026, 6, 1), language="fr", people=True)
    assert data.startswith(b"%PDF")
    pages = pdf_pages(data)
    assert len(pages) >= 2
    first = pages[0].convert("L")
    assert ImageStat.Stat(first).stddev[0] > 10  # not a blank page
    dark = sum(first.histogram()[:128])
    assert dark > 0.005 * first.width * first.height  # text and charts, not a stray line


def test_the_monthly_email_goes_to_the_chosen_members_once(cast) -> None:
    build(cast.workspace)
    cast.anna.language = "en"
    cast.anna.save()
    report = MonthlyReport.objects.get(workspace=cast.workspace)
    report.recipients.set([cast.alice, cast.anna])  # the owner and the client's approver
    monthly_report_send(report)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "anna@example.com"]
    english = next(m for m in mail.outbox if m.to == ["anna@example.com"])
    assert "report for" in english.subject
    [(name, content, kind)] = english.attachments
    assert name.endswith(".pdf") and kind == "application/pdf" and content.startswith(b"%PDF")
    french = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert "rapport" in french.subject.lower()
    report.refresh_from_db()
    monthly_report_send(report)  # the same month again: nothing more
    assert len(mail.outbox) == 2


def test_a_mail_server_failing_midway_sends_no_one_the_report_twice(cast, monkeypatch) -> None:
    """The mail server refused the second recipient: the retry sent the first one the
    report again (and the weekly reminder, which retries for days, dozens of times)."""
    from palabre.analytics import report as reporting

    report = MonthlyReport.objects.get(workspace=cast.workspace)
    report.recipients.set([cast.alice, cast.anna])
    original = reporting.report_email

    def refused_for_anna(*, workspace, month, user):  # type: ignore[no-untyped-def]
        if user == cast.anna:
            raise ConnectionRefusedError("the mail server is down")
        original(workspace=workspace, month=month, user=user)

    monkeypatch.setattr(reporting, "report_email", refused_for_anna)
    with pytest.raises(ConnectionRefusedError):
        monthly_report_send(MonthlyReport.objects.get(pk=report.pk))
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    monkeypatch.setattr(reporting, "report_email", original)
    monthly_report_send(MonthlyReport.objects.get(pk=report.pk))  # the worker's retry
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "anna@example.com"]
    monthly_report_send(MonthlyReport.objects.get(pk=report.pk))
    assert len(mail.outbox) == 2


def test_a_recipient_who_left_gets_nothing(cast) -> None:
    report = MonthlyReport.objects.get(workspace=cast.workspace)
    report.recipients.set([cast.anna])
    cast.anna.memberships.all().delete()
    monthly_report_send(report)
    assert mail.outbox == []


def test_reports_page_shows_every_section(cast) -> None:
    build(cast.workspace)
    page = _client("nina").get("/w/lumiere/reports/?month=2026-06").content.decode()
    for key in SECTIONS:
        assert f'id="table-{key}"' in page
    assert "60,0\xa0%" in page  # the response rate, 3 of 5, in French
    assert "<svg" in page and "Taux de réponse" in page


@pytest.mark.parametrize("table", sorted(SECTIONS))
def test_every_table_has_its_csv(cast, table: str) -> None:
    build(cast.workspace)
    response = _client("nina").get(f"/w/lumiere/reports/{table}.csv?month=2026-06")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response.content)
    assert rows and len(rows[0]) >= 2


def test_csv_values_are_numbers_and_cells_cannot_run(cast) -> None:
    history = build(cast.workspace)
    history.people["Wanda"].name = '=HYPERLINK("http://x")'
    history.people["Wanda"].save()
    text = (
        _client("alice").get("/w/lumiere/reports/contributors.csv?month=2026-06").content.decode()
    )
    rows = csv_rows(text)
    assert rows[1][0].startswith("'=")
    channels = csv_rows(
        _client("alice").get("/w/lumiere/reports/channels.csv?month=2026-06").content
    )
    a = dict(zip(channels[0], channels[1], strict=True))
    assert float(a["Taux d’engagement (abonnés)"].replace(",", ".")) == pytest.approx(0.021)
    assert "," in a["Taux d’engagement (abonnés)"]  # a French spreadsheet's decimal comma


def test_unknown_table_and_other_workspace_answer_404(cast) -> None:
    assert _client("alice").get("/w/lumiere/reports/nope.csv").status_code == 404
    assert _client("charlie").get("/w/lumiere/reports/channels.csv").status_code == 404


def test_pdf_download_and_an_unreadable_month(cast) -> None:
    build(cast.workspace)
    client = _client("anna")
    good = client.get("/w/lumiere/reports/report.pdf?month=2026-06")
    assert good.status_code == 200 and good["Content-Type"] == "application/pdf"
    assert "2026-06" in good["Content-Disposition"]
    for bad in ["garbage", "2026-13", "9999-01", "", "2026-06-01-x"]:
        response = client.get(f"/w/lumiere/reports/report.pdf?month={bad}")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_scope_form_bad_input_falls_back_to_30_days(cast) -> None:
    for query in ["period=abc", "month=2026-99", "channel=999999", "channel=x&period=7"]:
        response = _client("alice").get(f"/w/lumiere/reports/?{query}")
        assert response.status_code == 200


@pytest.mark.parametrize(
    "language, message",
    [("fr", "sous la forme année-mois, par exemple"), ("en", "as year-month, such as")],
)
def test_a_month_out_of_range_is_refused_with_a_message(cast, language: str, message: str) -> None:
    cast.alice.language = language
    cast.alice.save()
    for month in ["9999-12", "0001-01", "juin"]:
        response = _client("alice").get(f"/w/lumiere/reports/?month={month}")
        assert response.status_code == 200
        assert message in response.content.decode()


@pytest.mark.parametrize(
    "language, message", [("fr", "doivent finir après"), ("en", "must end after")]
)
def test_settings_refuse_hours_that_end_before_they_start(
    cast, language: str, message: str
) -> None:
    cast.bob.language = language
    cast.bob.save()
    response = _client("bob").post(
        "/w/lumiere/reports/settings/",
        {
            "business_hours": "on",
            "business_start": "18:00",
            "business_end": "09:00",
            "business_days": ["0"],
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    cast.workspace.refresh_from_db()
    assert not cast.workspace.business_hours


def test_settings_save_hours_and_recipients(cast) -> None:
    response = _client("bob").post(
        "/w/lumiere/reports/settings/",
        {
            "business_hours": "on",
            "business_start": "08:30",
            "business_end": "17:00",
            "business_days": ["0", "1", "2", "3", "4", "5"],
            "recipients": [cast.anna.pk, cast.alice.pk],
        },
    )
    assert response.status_code == 302
    cast.workspace.refresh_from_db()
    assert cast.workspace.business_hours and cast.workspace.business_days == "012345"
    report = MonthlyReport.objects.get(workspace=cast.workspace)
    assert set(report.recipients.all()) == {cast.anna, cast.alice}


@pytest.mark.parametrize("recipient", ["99999999999999999999", str(2**63), "²", "-1"])
def test_a_recipient_no_id_column_holds_is_a_wrong_choice_not_a_500(cast, recipient) -> None:
    """SQLite overflowed on 2**63 (an attacker's find)."""
    response = _client("bob").post(
        "/w/lumiere/reports/settings/",
        {
            "business_start": "09:00",
            "business_end": "18:00",
            "business_days": ["0"],
            "recipients": [cast.anna.pk, recipient],
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not MonthlyReport.objects.filter(recipients=cast.anna).exists()


def test_community_page_ranks_by_relationship(cast) -> None:
    from palabre.analytics.community import community_refresh
    from palabre.analytics.tests.handmade import NOW

    build(cast.workspace)
    community_refresh(workspace=cast.workspace, now=NOW)
    page = _client("nina").get("/w/lumiere/community/").content.decode()
    assert (
        page.index("Paula") < page.index("Quentin") < page.index("Rémi")
    )  # advocate, member, engaged
    assert "Théo" not in page  # a follow only: not in a relationship
    drifting = _client("nina").get("/w/lumiere/community/?show=drifting").content.decode()
    assert "Sacha" in drifting and "Paula" not in drifting
    customers = _client("nina").get("/w/lumiere/community/?show=customer").content.decode()
    assert "Ugo" in customers
    text = _client("nina").get("/w/lumiere/community.csv?show=advocate").content.decode()
    names = [row[0] for row in csv_rows(text)][1:]
    assert names == ["Paula", "Vera"]
    accounts = [row[-1] for row in csv_rows(text)][1:]
    assert accounts == ["Paula (Mastodon)", "Vera (Mastodon)"]  # the network as people name it
    page = _client("nina").get("/w/lumiere/community/?show=advocate").content.decode()
    assert "@Paula (Mastodon)" in page and "mastodon\u00a0:" not in page


def test_the_reports_say_their_statistics_in_plain_words(cast) -> None:
    """A new user's walk: "90e centile", "Numérateur", "IC 95 %" meant nothing to them."""
    build(cast.workspace)
    page = _client("nina").get("/w/lumiere/reports/?month=2026-06").content.decode()
    for jargon in ("centile", "Numérateur", "Dénominateur", "IC 95", "Le meilleur"):
        assert jargon not in page, jargon
    for plain in ("la moitié en moins de", "9 sur 10 en moins de", "Fourchette probable"):
        assert plain in page, plain
    # June is over: "now" is the day it was counted (the monthly PDF is read days later).
    today = cast.workspace.local_date(timezone.now())
    assert f"Sans réponse maintenant ({today:%d/%m/%Y})" in page
    current = _client("nina").get("/w/lumiere/reports/").content.decode()
    assert "Sans réponse maintenant (" not in current


def test_reports_page_in_english(cast) -> None:
    build(cast.workspace)
    cast.nina.language = "en"
    cast.nina.save()
    page = _client("nina").get("/w/lumiere/reports/?month=2026-06").content.decode()
    assert "Response rate" in page and "60.0%" in page
    assert "Engagement rate (by followers)" in page and "Community funnel" in page
    definitions = _client("nina").get("/w/lumiere/reports/definitions/").content.decode()
    assert "Engaged people with 3 or more interactions" in definitions


def test_one_channels_page_says_the_funnel_counts_people_across_channels(cast) -> None:
    build(cast.workspace)
    cast.nina.language = "en"
    cast.nina.save()
    channel = cast.workspace.channels.get(name="A")
    whole = _client("nina").get("/w/lumiere/reports/?month=2026-06").content.decode()
    one = _client("nina").get(f"/w/lumiere/reports/?month=2026-06&channel={channel.pk}")
    assert re.search(r"Community funnel on \d+ \w+ \d+ · all channels", one.content.decode())
    assert "· all channels" not in whole


def test_a_posts_publication_time_is_read_in_the_workspaces_time_zone(cast) -> None:
    """As everywhere else in Palabre: on the page, in the CSV, and in the monthly PDF, which
    the worker makes outside any request (no time zone of the reader is active there)."""
    target = published(cast.workspace, cast.bob, network="instagram")
    moment = datetime(2026, 7, 1, 6, 27, tzinfo=UTC)  # 08:27 in Paris, the workspace's
    PostStat.objects.filter(target=target).update(published_at=moment)
    scope = Scope(cast.workspace, moment - timedelta(days=1), moment + timedelta(days=1))
    with translation.override("fr"):
        table = posts_table(scope)
        [row] = table.displayed()
    assert row[0][1] == "01/07/2026 08:27"
    _header, line = csv_rows(table.csv(tz=cast.workspace.tzinfo))
    assert line[0] == "2026-07-01 08:27:00"


def test_the_page_says_its_posts_are_the_first_of_how_many(cast) -> None:
    """The page listed the 15 most engaging posts of 69 as if they were all (a walk)."""
    moment = datetime(2026, 7, 1, 6, 27, tzinfo=UTC)
    for network in ("instagram", "mastodon", "bluesky"):
        target = published(cast.workspace, cast.bob, network=network)
        PostStat.objects.filter(target=target).update(published_at=moment)
    scope = Scope(cast.workspace, moment - timedelta(days=1), moment + timedelta(days=1))
    assert (len(posts_table(scope, limit=2).rows), posts_table(scope, limit=2).of) == (2, 3)
    assert posts_table(scope, limit=3).of <= 3 and posts_table(scope).of == 0  # all shown


def test_questions_answered_and_how_fast_are_told_apart_from_praise(cast) -> None:
    """ "How many questions did we answer this month, and how fast?": the dialogue's totals
    counted a compliment left unanswered as a question unanswered (a walk through the demo)."""
    build(cast.workspace)
    june = Scope(cast.workspace, datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
    with translation.override("en"):
        table = talk_kinds_table(june)
    rows = {row[0]: row[1:] for row in table.rows}
    assert list(rows) == ["Question", "Criticism", "Praise", "Other"]
    assert rows["Question"] == [3, 2, 2 / 3, 2100.0, 2]  # 1 h and 10 min: half within 35 min
    assert rows["Criticism"] == [1, 1, 1.0, 10800.0, 1]
    assert rows["Praise"] == [1, 0, 0.0, None, 0]
    assert rows["Other"] == [0, 0, None, None, 0]  # nothing came: no rate, not 0 %
    # One not sorted yet counts with the rest: the kinds add up to the dialogue's totals.
    Interaction.objects.filter(category="praise").update(category="")
    with translation.override("en"):
        rows = {row[0]: row[1:] for row in talk_kinds_table(june).rows}
    assert rows["Praise"][0] == 0 and rows["Other"] == [1, 0, 0.0, None, 0]
    page = _client("nina").get("/w/lumiere/reports/?month=2026-06").content.decode()
    part = page.split('id="table-talk_kinds"')[1].split("</table>")[0]
    assert "Question" in part and ">35 min<" in part and "66,7\u00a0%" in part


def test_the_channels_table_names_each_network_in_words(cast) -> None:
    published(cast.workspace, cast.bob, network="facebook")
    now = datetime.now(UTC)
    with translation.override("fr"):
        table = channels_table(Scope(cast.workspace, now - timedelta(days=1), now))
        [row] = table.displayed()
        cells = {column.key: text for column, text, _key in row}
        csv_line = csv_rows(table.csv(tz=cast.workspace.tzinfo))[1]
    assert cells["network"] == "Page Facebook"  # not its key, "facebook"
    assert "Page Facebook" in csv_line


def test_the_pdf_opens_with_the_month_in_plain_words(cast) -> None:
    from palabre.analytics.forms import month_bounds
    from palabre.analytics.pdf import month_in_words

    build(cast.workspace)
    start, end = month_bounds(date(2026, 6, 1), cast.workspace)
    with translation.override("en"):
        lines = month_in_words(Scope(cast.workspace, start, end), date(2026, 6, 1))
    # Wanda ×3 and Xavier ×2 wrote in June, 3 were answered (test_metrics' figures); in
    # May, nobody was.
    assert lines[0] == (
        "Response rate in June 2026: 60% (+60 pts vs the previous month), 3 answered of 5."
    )
    assert "Median first response in June 2026: 1 h, " in [line[:41] for line in lines]


# A number written as text: a share with its sign, a number grouped by thousands (in
# French with a space, in English with a comma), a duration in words.
FORMATTED = {
    "fr": re.compile(r"\d\s*%$|^-?\d{1,3}([ \u00a0\u202f]\d{3})+(,\d+)?$|^\d+ (h|min|s)\b"),
    "en": re.compile(r"\d\s*%$|^-?\d{1,3}(,\d{3})+(\.\d+)?$|^\d+ (h|min|s)\b"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_csv_writes_numbers_as_numbers(cast, language: str) -> None:
    build(cast.workspace)
    cast.alice.language = language
    cast.alice.save()
    client = _client("alice")
    for table in SECTIONS:
        rows = csv_rows(client.get(f"/w/lumiere/reports/{table}.csv?month=2026-06").content)
        assert rows, table
        for row in rows[1:]:
            for cell in row:
                assert not FORMATTED[language].search(cell), (table, cell)
    # The response rate, 3 of 5, written as the other shares are; its median time in seconds.
    dialogue = csv_rows(client.get("/w/lumiere/reports/dialogue.csv?month=2026-06").content)
    rate, median = (row[1] for row in dialogue[1:3])
    assert rate == ("0,6" if language == "fr" else "0.6")
    assert float(median.replace(",", ".")) == 3600
