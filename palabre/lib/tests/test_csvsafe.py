"""Every CSV that leaves Palabre goes through one writer that keeps text cells text."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from palabre.channels.services import channel_create_demo
from palabre.lib.csvsafe import (
    ENGLISH,
    FRENCH,
    csv_text,
    date_cell,
    detect_delimiter,
    safe_cell,
)
from palabre.lib.downloads import download
from palabre.lib.tests.csvfiles import csv_dicts
from palabre.publishing.csvio import export_posts
from palabre.publishing.models import Post, PostStatus, PostVariant


def test_observation_13_posts_csv_channel_names_cannot_run(cast) -> None:
    """Observation 13: a channel named like a formula stays text in the posts export."""
    names = ['=HYPERLINK("http://evil.example")', "+1", "-1+2", "@SUM(A1)"]
    for name in names:
        post = Post.objects.create(
            workspace=cast.workspace,
            author=cast.erin,
            idea="Pain",
            category="helpful",
            status=PostStatus.SCHEDULED,
            publish_at=datetime(2030, 1, 2, 9, 0, tzinfo=UTC),
        )
        channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name=name)
        variant = PostVariant.objects.create(post=post, network="mastodon", text="Pain")
        variant.channels.set([channel])
    rows = csv_dicts(export_posts(cast.workspace))
    assert sorted(r["channels"] for r in rows) == sorted("'" + n for n in names)


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+33 6 12",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        "\0=1",
        "  =1+1",
        "\u00a0@x",
        "\uff1dcmd",
        "\ufe66cmd",  # small "﹦"
        "\ufe62cmd",  # small "﹢"
        "\ufe63cmd",  # small "﹣"
        "\ufe6bcmd",  # small "﹫"
        "\u2212A1",  # the minus sign
        "\u207a1",  # superscript plus
        "\u3000=1",  # ideographic space
        "\u200b=1",  # zero-width space
        "\ufeff=1",  # a byte order mark
        "\u2003 \u200d@x",
    ],
)
def test_a_text_cell_that_could_run_is_kept_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "   ", "Léa = boulangère", "\u200bLéa", "3 - 2", "«=»"])
def test_a_text_cell_that_cannot_run_is_left_as_it_is(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (-3, "-3", "-3"),
        (0, "0", "0"),
        (2.5, "2.5", "2,5"),
        (-0.25, "-0.25", "-0,25"),
        (Decimal("-12.30"), "-12.30", "-12,30"),
        (1e-05, "0.00001", "0,00001"),  # never an exponent a spreadsheet reads as text
        (1234567.0, "1234567.0", "1234567,0"),
    ],
)
def test_numbers_stay_numbers_in_each_languages_decimals(
    value: object, english: str, french: str
) -> None:
    assert safe_cell(value) == value
    # unquoted, no apostrophe: a spreadsheet adds them up
    assert csv_text(["n"], [[value]], ENGLISH).splitlines()[1] == english
    assert csv_text(["n"], [[value]], FRENCH).splitlines()[1] == french


def test_text_is_quoted_so_another_separator_cannot_start_a_cell() -> None:
    rows = [["Léa;=1+1", 3], [None, True], ['a"b', -1], ["x,y", 2.5]]
    english = csv_text(["name", "n"], rows, ENGLISH)
    french = csv_text(["name", "n"], rows, FRENCH)
    assert english.splitlines() == [
        '"name","n"',
        '"Léa;=1+1",3',
        '"","True"',
        '"a""b",-1',
        '"x,y",2.5',
    ]
    assert french.splitlines() == [
        '"name";"n"',
        '"Léa;=1+1";3',
        '"";"True"',
        '"a""b";-1',
        '"x,y";2,5',
    ]
    expected = [["Léa;=1+1", "3"], ["", "True"], ['a"b', "-1"]]
    assert list(csv.reader(io.StringIO(english)))[1:4] == expected
    assert list(csv.reader(io.StringIO(french), delimiter=";"))[1:4] == expected


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (float("nan"), '"nan"'),
        (float("-inf"), '"\'-inf"'),
        (Decimal("-Infinity"), '"\'-Infinity"'),
        (Decimal("NaN"), '"NaN"'),
    ],
)
def test_a_number_that_is_not_finite_is_text_that_cannot_run(value: object, cell: str) -> None:
    assert csv_text(["n"], [[value]], FRENCH).splitlines()[1] == cell


def test_the_readers_language_chooses_the_style() -> None:
    with translation.override("fr"):
        assert csv_text(["a", "b"], [[1.5, "x"]]) == '"a";"b"\r\n1,5;"x"\r\n'
    with translation.override("en"):
        assert csv_text(["a", "b"], [[1.5, "x"]]) == '"a","b"\r\n1.5,"x"\r\n'


def test_a_date_is_written_in_the_workspaces_time_zone_to_the_second() -> None:
    moment = datetime(2026, 7, 1, 6, 27, 13, 512_000, tzinfo=UTC)
    assert date_cell(moment, ZoneInfo("Europe/Paris")) == "2026-07-01 08:27:13"
    assert date_cell(moment.date(), ZoneInfo("Europe/Paris")) == "2026-07-01"


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("publish_at,category,network", ","),
        ("publish_at;category;network", ";"),
        ("publish_at\tcategory\tnetwork", "\t"),
        ('"date;heure",id', ","),  # a delimiter inside quotes does not count
        ("id", ","),
        ("id;amount\n1;2,5\n2;3,5", ";"),  # the header line decides, not the decimals
    ],
)
def test_an_imports_delimiter_is_the_one_its_header_uses(header: str, delimiter: str) -> None:
    assert detect_delimiter(header) == delimiter


def test_a_downloaded_csv_starts_with_a_byte_order_mark_for_excel() -> None:
    response = download("x.csv", '"name"\r\n"Léa"\r\n')
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig") == '"name"\r\n"Léa"\r\n'
    assert not download("x.json", "{}", content_type="application/json").content.startswith(
        "\ufeff".encode()
    )


def test_every_csv_goes_through_the_one_writer() -> None:
    """No other csv.writer in palabre/: a new export cannot forget the formula guard."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"csv\.(writer|DictWriter)\b|from csv import|import csv as")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "csvsafe.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "''@x", "@alice", "'quoted", "Léa", "−2"])
def test_a_cell_read_back_is_the_text_written(text: str) -> None:
    from palabre.lib.csvsafe import cell_read

    assert cell_read(str(safe_cell(text))) == text
