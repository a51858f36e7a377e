"""Every CSV that leaves Palabre goes through one writer that keeps text cells text."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from palabre.channels.services import channel_create_demo
from palabre.lib.csvsafe import csv_text, safe_cell
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
    rows = list(csv.DictReader(io.StringIO(export_posts(cast.workspace))))
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
    ],
)
def test_a_text_cell_that_could_run_is_kept_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, 0, 2.5, -0.25, Decimal("-12.30")])
def test_numbers_stay_numbers(value: object) -> None:
    assert safe_cell(value) == value
    line = csv_text(["n"], [[value]]).splitlines()[1]
    assert line == str(value)  # unquoted, no apostrophe: a spreadsheet adds it up


def test_text_is_quoted_so_another_separator_cannot_start_a_cell() -> None:
    text = csv_text(["name", "n"], [["Léa;=1+1", 3], [None, True], ['a"b', -1]])
    assert text.splitlines() == ['"name","n"', '"Léa;=1+1",3', '"","True"', '"a""b",-1']
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        ["Léa;=1+1", "3"],
        ["", "True"],
        ['a"b', "-1"],
    ]


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
