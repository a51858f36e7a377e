"""Numbers on every page as the reader's language writes them: grouped, with its decimal
sign, and French's no-break spaces (a figure never breaks across two lines)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

PAGE = Template(
    "{% load palabre %}{{ clicks|grouped }} | {{ amount|money }} | {{ roi|percent_figure }}"
)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "12,345 | 1,234.50 | 1,943%"),
        ("fr", "12\u00a0345 | 1\u00a0234,50 | 1\u00a0943\u00a0%"),
    ],
)
def test_counts_amounts_and_percentages_are_written_as_the_reader_writes_them(
    language: str, shown: str
) -> None:
    context = Context({"clicks": 12345, "amount": Decimal("1234.5"), "roi": 1943})
    with translation.override(language):
        assert PAGE.render(context) == shown


def test_small_and_negative_figures_stay_plain() -> None:
    context = Context({"clicks": 7, "amount": Decimal("0"), "roi": -80})
    with translation.override("en"):
        assert PAGE.render(context) == "7 | 0.00 | −80%"  # a minus sign


@pytest.mark.parametrize(("language", "shown"), [("en", "Bluesky: 3"), ("fr", "Bluesky\u00a0: 3")])
def test_a_label_s_colon_is_written_as_the_reader_writes_it(language: str, shown: str) -> None:
    with translation.override(language):
        assert Template("{% load palabre %}Bluesky{% colon %} 3").render(Context()) == shown
