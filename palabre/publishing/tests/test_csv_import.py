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


def _raw(client: Client, raw: bytes) -> str:
    response = client.post(IMPORT, {"file": SimpleUploadedFile("p.csv", raw)})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "raw",
    [
        (HEADER + "2026-12-20 09:00,helpful,mastodon,,Crème brûlée\n").encode("cp1252"),
        (HEADER + "2026-12-20 09:00,helpful,mastodon,,Pain\n").encode("utf-16"),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb8\x9a",  # a workbook (.xlsx)
    ],
    ids=["windows-1252", "utf-16", "xlsx"],
)
def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(editor: Client, raw: bytes) -> None:
    """An older French Excel saves Windows-1252: every accent became "�" in the posts."""
    page = _raw(editor, raw)
    assert "The file is not UTF-8 text: save it as “CSV UTF-8” and try again." in _line(page, 1)
    assert not Post.objects.exists()


def test_column_names_are_read_whatever_their_case_and_spaces(editor: Client) -> None:
    text = " Publish_At ;CATEGORY;Network;Channel;Text\n2026-12-20 09:00;helpful;mastodon;;Pain\n"
    assert "1 post imported as a draft." in _import(editor, text)[1]
    assert Post.objects.get().idea == "Pain"


def test_an_exported_file_imports_as_it_was_written(editor: Client, cast) -> None:
    """The export's "channels" column (names joined with "|") reads as the channel, and the
    apostrophe the export puts before a sign (a formula's guard) is taken off again."""
    from palabre.channels.services import channel_create_demo

    for name in ("Lumière", "Fournil"):
        channel_create_demo(workspace=cast.workspace, network="mastodon", name=name)
    text = HEADER.replace("channel,", "channels,")
    text += "2026-12-20 09:00,helpful,mastodon,Lumière|Fournil,'@alice merci !\n"
    page = _import(editor, text)[1]
    assert "1 post imported as a draft." in page
    variant = Post.objects.get().variants.get()
    assert variant.text == "@alice merci !"
    assert sorted(c.name for c in variant.channels.all()) == ["Fournil", "Lumière"]
    exported = editor.get("/w/lumiere/posts/export.csv").content.decode("utf-8-sig")
    Post.objects.all().delete()
    page = _raw(editor, exported.encode())
    assert "1 post imported as a draft." in page
    again = Post.objects.get().variants.get()
    assert again.text == "@alice merci !" and again.channels.count() == 2


def test_a_row_given_twice_or_a_file_sent_twice_is_told_not_imported_again(
    editor: Client,
) -> None:
    rows = "2026-12-20 09:00,helpful,mastodon,,Pain\n2026-12-21 09:00,helpful,mastodon,,Pain\n"
    page = _import(editor, HEADER + rows + "2026-12-20 09:00,helpful,mastodon,,Pain\n")[1]
    assert "The same post as line 2." in _line(page, 4)
    assert "errorlist" not in _line(page, 3)  # another day: another post
    assert not Post.objects.exists()
    assert "2 posts imported as drafts." in _import(editor, HEADER + rows)[1]
    page = _import(editor, HEADER + rows)[1]  # the same file, a second time
    first = Post.objects.order_by("pk").first()
    assert f"This post is already in the calendar (number {first.pk})." in _line(page, 2)
    assert Post.objects.count() == 2


def test_lines_are_numbered_as_a_spreadsheet_numbers_its_rows(editor: Client) -> None:
    """A text over two lines is one row; a blank line is a row too."""
    text = HEADER + '2026-12-20 09:00,helpful,mastodon,,"Pain\nau levain"\n\n'
    text += "2026-12-21 09:00,nope,mastodon,,Pain\n"
    page = _import(editor, text)[1]
    assert "Unknown category “nope”" in _line(page, 4)
    assert not Post.objects.exists()


def test_the_same_text_at_the_same_time_on_another_channel_is_another_post(
    editor: Client, cast
) -> None:
    from palabre.channels.services import channel_create_demo

    for name in ("Lumière", "Fournil"):
        channel_create_demo(workspace=cast.workspace, network="mastodon", name=name)
    rows = "2026-12-20 09:00,helpful,mastodon,Lumière,Pain\n"
    rows += "2026-12-20 09:00,helpful,mastodon,Fournil,Pain\n"
    assert "2 posts imported as drafts." in _import(editor, HEADER + rows)[1]


def test_a_text_holding_the_separator_without_quotes_is_told_not_cut(editor: Client) -> None:
    """ "Bonjour, à demain" unquoted: the CSV reader sees two cells, and the text would have
    been "Bonjour"."""
    page = _import(editor, HEADER + "2026-12-20 09:00,helpful,mastodon,,Bonjour, à demain\n")[1]
    assert "more cells than the first line has columns" in _line(page, 2)
    assert not Post.objects.exists()


def test_a_quote_left_open_is_told_not_read_as_one_long_text(editor: Client) -> None:
    text = HEADER + '2026-12-20 09:00,helpful,mastodon,,"Pain\n'
    text += "2026-12-21 09:00,helpful,mastodon,,Brioche\n"
    page = _import(editor, text)[1]
    assert "a quote is left open" in _line(page, 2)
    assert not Post.objects.exists()


def test_a_channel_whose_name_holds_the_export_separator_is_found(editor: Client, cast) -> None:
    from palabre.channels.services import channel_create_demo

    channel_create_demo(workspace=cast.workspace, network="mastodon", name="Pain | Levain")
    text = HEADER + "2026-12-20 09:00,helpful,mastodon,Pain | Levain,Pain\n"
    assert "1 post imported as a draft." in _import(editor, text)[1]
    assert Post.objects.get().variants.get().channels.get().name == "Pain | Levain"


def test_a_french_spreadsheet_is_read_as_french_people_write_it(client: Client, cast) -> None:
    """Categories had to be the English codes and dates year first in the French interface;
    an empty text was not said on a line with other problems."""
    client.force_login(cast.erin)  # reads French
    text = HEADER + "20/12/2031 09:00,Promotionnel,mastodon,,Brioche\n"
    text += "2031-12-21 09:00,Helpful or informative,mastodon,,Pain\n"
    status, page = _import(client, text)
    assert status == 200 and "2 publications importées" in page
    assert sorted(Post.objects.values_list("category", "publish_at__day")) == [
        ("helpful", 21),
        ("promotional", 20),
    ]
    wrong = _import(client, HEADER + "32/12/2031 09:00,nope,fakebook,,\n")[1]
    said = _line(wrong, 2)
    assert "ni JJ/MM/AAAA HH:MM" in said and "promotional (Promotionnel)" in said
    assert "le texte est vide" in said
    cast.erin.language = "en"
    cast.erin.save()
    english = _import(client, HEADER + "03/04/2031 09:00,helpful,mastodon,,Pain\n")[1]
    assert "Date “03/04/2031 09:00” is not YYYY-MM-DD HH:MM." in _line(english, 2)


def test_a_column_named_twice_is_refused_not_read_from_its_last(editor: Client) -> None:
    """ "text;text" imported the second cell and dropped the first without a word."""
    text = "text;text;publish_at;category;network;channel\nA;B;2027-01-16 10:00;helpful;x;\n"
    status, page = _import(editor, text)
    assert status == 200 and "Columns named twice: text. Keep one of each." in _line(page, 1)
    assert not Post.objects.exists()


def test_lines_ended_by_a_carriage_return_alone_are_lines(editor: Client) -> None:
    """An old Mac export was "a field over 128 KB or a quote left open"."""
    text = (HEADER + "2026-12-20 09:00,helpful,mastodon,,Pain\n").replace("\n", "\r")
    assert "1 post imported as a draft." in _import(editor, text)[1]
    assert Post.objects.get().idea == "Pain"


def test_an_unknown_network_is_named_shortly(editor: Client) -> None:
    """A 100,000-character network cell came back whole: a 105 KB error page."""
    status, page = _import(editor, HEADER + f"2026-12-20 09:00,helpful,{'x' * 100_000},,Pain\n")
    assert status == 200 and len(page) < 30_000 and "Unknown network" in _line(page, 2)
