"""The iCal feed: every post's text stays inside its own event (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from palabre.publishing import planning
from palabre.publishing.models import Post, PostStatus


def _feed(cast, idea: str) -> str:
    post = Post.objects.create(
        workspace=cast.workspace,
        author=cast.erin,
        idea=idea,
        category="helpful",
        status=PostStatus.SCHEDULED,
        publish_at=datetime(2030, 1, 2, 9, 0, tzinfo=UTC),
    )
    posts = Post.objects.filter(pk=post.pk).prefetch_related("variants")
    return planning.ical(cast.workspace, posts, lambda p: f"https://palabre.example/{p.pk}")


def _unfolded(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize(
    "newline",
    ["\r", "\n", "\r\n", "\u2028"],
)
def test_observation_16_a_line_break_in_a_post_stays_inside_its_event(cast, newline: str) -> None:
    """Observation 16: CR alone, LF, CRLF (and a Unicode line separator) become \\n."""
    body = _feed(cast, f"Ligne un{newline}DTSTART:19700101T000000Z{newline}fin")
    assert body.endswith("\r\n")
    # The only line breaks are the CRLF that end content lines.
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    assert "\u2028" not in body
    lines = _unfolded(body)
    assert "SUMMARY:Ligne un\\nDTSTART:19700101T000000Z\\nfin" in lines
    assert sum(line.startswith("DTSTART") for line in lines) == 1
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_control_characters_never_reach_the_feed(cast) -> None:
    body = _feed(cast, "Pain\x01 du\x1b jour\x7f,\tchaud; \\ frais")
    assert "SUMMARY:Pain du jour\\,\tchaud\\; \\\\ frais" in _unfolded(body)
    # PostgreSQL stores no NUL; SQLite does, and it goes too.
    assert planning._ical_text("a\x00b") == "ab"
