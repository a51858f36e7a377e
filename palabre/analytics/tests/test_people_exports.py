"""Named people leave Palabre only for those who may see the Community page."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from django.core import mail
from django.test import Client

from palabre.analytics.report import report_email
from palabre.analytics.tests.handmade import build

pytestmark = pytest.mark.django_db
PEOPLE_TABLES = ("contributors", "supporters", "drifting")


def _client(name: str) -> Client:
    client = Client()
    client.login(email=f"{name}@example.com", password="correct horse battery")
    return client


@pytest.mark.parametrize("table", PEOPLE_TABLES)
def test_observation_14_people_csv_follows_the_community_permission(cast, table: str) -> None:
    """Observation 14: the client (approver) is refused the people lists, as on Community."""
    build(cast.workspace)
    url = f"/w/lumiere/reports/{table}.csv?month=2026-06"
    assert _client("anna").get("/w/lumiere/community/").status_code == 403
    assert _client("anna").get(url).status_code == 403
    assert _client("nina").get(url).status_code == 200
    assert _client("anna").get("/w/lumiere/reports/channels.csv?month=2026-06").status_code == 200


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_the_reports_page_and_pdf_withhold_names_from_the_approver(cast) -> None:
    build(cast.workspace)
    anna = _client("anna").get("/w/lumiere/reports/?month=2026-06").content.decode()
    nina = _client("nina").get("/w/lumiere/reports/?month=2026-06").content.decode()
    assert "Wanda" in nina and "/reports/contributors.csv" in nina
    assert "Wanda" not in anna and "/reports/contributors.csv" not in anna
    assert 'id="table-contributors"' in anna  # the section says why it is empty
    assert "/reports/channels.csv" in anna
    pdf = _client("anna").get("/w/lumiere/reports/report.pdf?month=2026-06")
    assert pdf.status_code == 200 and "Wanda" not in _pdf_text(pdf.content)
    assert "Wanda" in _pdf_text(
        _client("nina").get("/w/lumiere/reports/report.pdf?month=2026-06").content
    )


def test_the_monthly_email_to_the_approver_names_nobody(cast) -> None:
    build(cast.workspace)
    for user in (cast.alice, cast.anna):
        report_email(workspace=cast.workspace, month=date(2026, 6, 1), user=user)
    pdfs = {m.to[0]: _pdf_text(m.attachments[0][1]) for m in mail.outbox}
    assert "Wanda" in pdfs["alice@example.com"]
    assert "Wanda" not in pdfs["anna@example.com"]


def test_the_moderation_log_csv_names_authors_only_for_community_readers(cast) -> None:
    """The editor reads the log in the inbox, but its file of named authors is not hers."""
    page = _client("erin").get("/w/lumiere/inbox/log/")
    assert page.status_code == 200 and "format=csv" not in page.content.decode()
    assert _client("erin").get("/w/lumiere/inbox/log/?format=csv").status_code == 403
    assert _client("nina").get("/w/lumiere/inbox/log/?format=csv").status_code == 200


def test_two_people_of_the_same_name_are_told_apart_by_a_handle(cast) -> None:
    from palabre.analytics.metrics import PersonRow
    from palabre.analytics.tables import people_table
    from palabre.inbox.models import Contact, Identity

    people = []
    for handle, network in [("@zoe.s", "bluesky"), ("@zsimon", "bluesky"), ("@zsimon", "threads")]:
        contact = Contact.objects.create(workspace=cast.workspace, name="Zoé Simon")
        Identity.objects.create(
            workspace=cast.workspace,
            contact=contact,
            network=network,
            remote_id=handle,
            handle=handle,
        )
        people.append(PersonRow(contact.pk, "Zoé Simon", 3, "engaged"))
    alone = Contact.objects.create(workspace=cast.workspace, name="Malik Benali")
    people.append(PersonRow(alone.pk, "Malik Benali", 2, "engaged"))
    names = [row[0] for row in people_table("supporters", people).rows]
    assert names == [
        "Zoé Simon (@zoe.s, Bluesky)",
        "Zoé Simon (@zsimon, Bluesky)",
        "Zoé Simon (@zsimon, Threads)",  # the same handle elsewhere: its network tells them apart
        "Malik Benali",
    ]
