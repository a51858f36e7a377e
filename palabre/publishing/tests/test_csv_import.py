"""Issue 14 (trust), observation 17 on the posts import: a field too long for the CSV reader
and a date outside the years a calendar can hold are told on their line; nothing is
imported and nothing answers 500."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palabre.publishing.models import Post

pytestmark = pytest.mark.django_db
IMPORT = "/w/lumiere/posts/import/"
HEADER = "publish_at,category,network,channel,text\n"


@pytest.fixture
def editor(client: Client, cast) -> Client:
    cast.erin.language = "en"
    cast.erin.save()
    client.force_login(cast.erin)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return client


def _import(client: Client, text: str) -> tuple[int, str]:
    response = client.post(IMPORT, {"file": SimpleUploadedFile("p.csv", text.encode())})
    return response.status_code, html.unescape(response.content.decode())


def _line(page: str, line: int) -> str:
    """The report's cell for one line."""
    start = page.find(f'data-line="{line}"')
    return page[start : page.find("</tr>", start)] if start >= 0 else ""


def test_observation_17_a_posts_csv_field_over_128_kb_is_a_line_error(editor: Client) -> None:
    text = HEADER + "2026-12-20 09:00,helpful,mastodon,,Bonjour\n"
    text += "2026-12-21 09:00,helpful,mastodon,," + "x" * 140_000 + "\n"
    status, page = _import(editor, text)
    assert status == 200
    assert "A field is longer than 128 KB" in _line(page, 3)
    assert not Post.objects.exists()


def test_observation_17_a_posts_import_date_is_between_2000_and_2100(editor: Client) -> None:
    text = (
        HEADER
        + "2026-12-20 09:00,helpful,mastodon,,Bonne ligne\n"
        + "0001-01-01 00:00,helpful,mastodon,,An 1\n"
        + "9999-12-31 23:59,helpful,mastodon,,An 9999\n"
        + "1999-12-31 12:00,helpful,mastodon,,An 1999\n"
    )
    status, page = _import(editor, text)
    assert status == 200
    for line, value in [(3, "0001-01-01 00:00"), (4, "9999-12-31 23:59"), (5, "1999-12-31 12:00")]:
        assert f"Date “{value}” must be between 2000 and 2100." in _line(page, line)
    assert "errorlist" not in _line(page, 2)
    assert not Post.objects.exists()


def test_a_nul_character_in_a_posts_import_is_a_line_error(editor: Client) -> None:
    """PostgreSQL stores no NUL character: it answered 500."""
    text = HEADER + "2026-12-20 09:00,helpful,mastodon,,Bon\x00jour\n"
    status, page = _import(editor, text)
    assert status == 200 and "This line contains a NUL character" in _line(page, 2)
    assert not Post.objects.exists()
