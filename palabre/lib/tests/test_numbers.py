"""Numbers as people read and type them: rounded (never cut), grouped as their language
groups, and read back whichever way they type the thousands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from palabre.lib.numbers import AmountField, number_text
from palabre.lib.percent import listed_text, percent_text, share_text, signed_text


@pytest.mark.parametrize(
    ("value", "places", "en", "fr"),
    [
        (65.58, 0, "66", "66"),  # Django's number_format alone says 65
        (2.5, 0, "3", "3"),  # half up, as a person rounds (Python's round gives 2)
        (9.86, 1, "9.9", "9,9"),
        (1234.567, 2, "1,234.57", "1\u202f234,57"),
        (Decimal("95.825"), 2, "95.83", "95,83"),
        (1500, None, "1,500", "1\u202f500"),
        (-100, 0, "−100", "−100"),  # a minus sign, as changes are written
    ],
)
def test_a_number_is_rounded_and_grouped(value, places, en: str, fr: str) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert number_text(value, places) == en
    with translation.override("fr"):
        assert number_text(value, places).replace("\xa0", "\u202f") == fr


def test_shares_and_changes_round_too() -> None:
    with translation.override("en"):
        assert share_text(0.999) == "100%" and share_text(0.6558) == "66%"
        assert percent_text(99.95, 1) == "100.0%"
        assert signed_text(-0.4) == "±0"  # no change is shown as one
        assert signed_text(-0.6) == "−1"


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("fr", "1 500", "1500"),
        ("fr", "1\u00a0500,50", "1500.50"),
        ("fr", "1\u202f500", "1500"),
        ("fr", "12,5", "12.5"),
        ("en", "1,500", "1500"),
        ("en", "1,500.25", "1500.25"),
        ("en", "1500.5", "1500.5"),
    ],
)
def test_an_amount_is_read_as_its_language_types_it(language: str, typed: str, read: str) -> None:
    with translation.override(language):
        assert AmountField(decimal_places=2).clean(typed) == Decimal(read)


def test_an_english_comma_that_is_no_grouping_is_not_guessed() -> None:
    from django import forms

    with translation.override("en"), pytest.raises(forms.ValidationError):
        AmountField(decimal_places=2).clean("1,5")  # not 15: said, not read


@pytest.mark.parametrize("value", [None, "", float("nan"), float("inf"), 1e30])
def test_what_is_not_a_plain_number_is_written_as_django_writes_it(value) -> None:  # type: ignore[no-untyped-def]
    from django.utils import formats

    with translation.override("en"):
        assert number_text(value, 2) == formats.number_format(value, 2, force_grouping=True)


def test_a_negative_amount_keeps_its_minus_before_the_sign() -> None:
    from django.utils import translation

    from palabre.lib.percent import money_text

    with translation.override("en"):
        assert money_text(-5, "EUR") in {"-€5.00", "−€5.00"}
    with translation.override("fr"):
        assert money_text(-5, "EUR").endswith("5,00\u00a0€")


def test_clauses_are_listed_with_the_languages_semicolon() -> None:
    """A French history read "l’idée; Mastodon : texte": no space before the semicolon."""
    with translation.override("fr"):
        assert (
            listed_text(["l’idée", "Mastodon\u00a0: texte"])
            == "l’idée\u00a0; Mastodon\u00a0: texte"
        )
    with translation.override("en"):
        assert listed_text(["the idea", "X: text"]) == "the idea; X: text"
