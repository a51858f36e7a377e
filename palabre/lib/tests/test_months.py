from datetime import date, datetime

from palabre.lib.months import first_of_month, month_after, month_before, parse_month


def test_month_arithmetic_across_years() -> None:
    assert month_after(date(2026, 12, 31)) == date(2027, 1, 1)
    assert month_before(date(2026, 1, 15)) == date(2025, 12, 1)
    assert month_after(date(2028, 2, 29)) == date(2028, 3, 1)
    assert first_of_month(datetime(2026, 6, 30, 23, 59)) == date(2026, 6, 1)


def test_parse_month() -> None:
    assert parse_month("2026-06") == date(2026, 6, 1)
    for bad in ["", "2026-13", "9999-12", "0001-01", "juin", "2026-06-01"]:
        assert parse_month(bad) is None
