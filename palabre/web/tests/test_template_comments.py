"""Django's {# … #} comment holds on one line only: one spread over two is printed on the
page as it is (a new user read a developer's note on an inbox page)."""

from __future__ import annotations

from pathlib import Path

PALABRE = Path(__file__).resolve().parents[2]


def test_no_template_comment_spreads_over_two_lines() -> None:
    spread = [
        f"{path.relative_to(PALABRE)}:{number}"
        for path in sorted(PALABRE.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert spread == [], "use {% comment %} for a comment of several lines"
