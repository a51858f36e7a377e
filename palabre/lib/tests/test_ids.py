from __future__ import annotations

import pytest

from palabre.lib.ids import parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("007", 7),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        (" 1", None),
        ("1.0", None),
        ("", None),
    ],
)
def test_an_id_is_ascii_digits_that_fit_a_column(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected
