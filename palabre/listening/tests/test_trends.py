"""Trends on a hand-computed fixture: share of voice and tone checked against numbers
worked out by hand below."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from palabre.listening.models import Heard, Role, Search
from palabre.listening.trends import (
    MIN_POSTS,
    scope_for,
    share_of_voice,
    tone_of,
    tone_over_time,
    top_authors,
    top_words,
    volume_by_day,
    volume_by_hour,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 27, 12, tzinfo=UTC)  # 14:00 in Paris, the workspace's time zone


def _heard(workspace, searches, *, kind, text, handle="", at=None, network="bluesky"):
    handle = handle or f"u{Heard.objects.count()}.example"  # one post each
    heard = Heard.objects.create(
        workspace=workspace,
        network=network,
        remote_id=f"at://{Heard.objects.count()}",
        author_id=f"did:{handle}",
        author_handle=handle,
        text=text,
        posted_at=at or NOW - timedelta(hours=1),
        via="stream",
        kind=kind,
    )
    heard.searches.add(*searches)
    return heard


@pytest.fixture
def heard(cast):
    """60 posts in the week:
    - 35 name the brand alone: 20 praise, 8 criticism, 2 insult, 5 questions (12 of them
      by ana.example);
    - 5 name the brand and the competitor: questions;
    - 15 name the competitor alone: other;
    - 5 name the topic alone: 3 other, 2 spam.
    And, not to be counted: one brand post 8 days ago, one in another workspace.
    """
    ws = cast.workspace
    brand = Search.objects.create(workspace=ws, name="Lumière", role=Role.BRAND, terms="lumiere")
    rival = Search.objects.create(
        workspace=ws, name="Fournil", role=Role.COMPETITOR, terms="fournil"
    )
    topic = Search.objects.create(workspace=ws, name="Levain", role=Role.TOPIC, terms="levain")
    kinds = ["praise"] * 20 + ["criticism"] * 8 + ["insult"] * 2 + ["question"] * 5
    for i, kind in enumerate(kinds):
        handle = "ana.example" if i < 12 else f"p{i}.example"
        _heard(ws, [brand], kind=kind, text=f"Lumière, le croissant {i}", handle=handle)
    for _ in range(5):
        _heard(ws, [brand, rival], kind="question", text="Lumière ou Fournil pour un croissant ?")
    for _ in range(15):
        _heard(ws, [rival], kind="other", text="Une baguette du Fournil")
    for kind in ["other"] * 3 + ["spam"] * 2:
        _heard(ws, [topic], kind=kind, text="Levain et baguette")
    _heard(ws, [brand], kind="praise", text="Lumière", at=NOW - timedelta(days=8))
    elsewhere = Search.objects.create(
        workspace=cast.other_workspace, name="Lumière", role=Role.BRAND, terms="lumiere"
    )
    _heard(cast.other_workspace, [elsewhere], kind="praise", text="Lumière")
    return {"brand": brand, "rival": rival, "topic": topic}


def test_tone_is_read_from_the_kind() -> None:
    assert tone_of("praise") == "positive"
    assert {tone_of(k) for k in ("criticism", "threat", "hate", "insult")} == {"negative"}
    assert {tone_of(k) for k in ("harassment", "sexual")} == {"negative"}
    assert tone_of("question") == tone_of("other") == tone_of("") == "neutral"
    assert tone_of("spam") is None


def test_share_of_voice_matches_the_hand_count(cast, heard) -> None:
    voice = share_of_voice(scope_for(workspace=cast.workspace, days=7, now=NOW))
    # Brand: 35 + 5 = 40 posts; competitor: 15 + 5 = 20; a post naming both counts for
    # both, so n = 60. Brand 40/60 = 66.7 %, competitor 20/60 = 33.3 %.
    # Wilson, z = 1.96, z² = 3.8416, p = 2/3, n = 60:
    #   centre = (p + z²/2n) / (1 + z²/n) = (0.66667 + 0.03201) / 1.06403 = 0.65663
    #   half = z √(p(1−p)/n + z²/4n²) / (1 + z²/n)
    #        = 1.96 × √(0.0037037 + 0.0002668) / 1.06403 = 0.11607
    #   → 54.1 % to 77.3 %; the competitor's is its mirror, 22.7 % to 45.9 %.
    assert voice.n == 60 and voice.enough and voice.has_brand and voice.has_competitor
    brand, rival = voice.voices
    assert brand.search == heard["brand"] and (brand.share.hits, brand.share.n) == (40, 60)
    assert rival.search == heard["rival"] and (rival.share.hits, rival.share.n) == (20, 60)
    low, high = brand.share.interval
    assert round(low, 3) == 0.541 and round(high, 3) == 0.773
    low, high = rival.share.interval
    assert round(low, 3) == 0.227 and round(high, 3) == 0.459
    assert heard["topic"] not in [v.search for v in voice.voices]


def test_tone_matches_the_hand_count(cast, heard) -> None:
    tone, steps = tone_over_time(scope_for(workspace=cast.workspace, days=7, now=NOW))
    # 60 posts, 2 spam left out: n = 58. Positive: 20 praise. Negative: 8 criticism +
    # 2 insults = 10. Neutral: 10 questions + 18 other = 28.
    # Positive 20/58 = 34.5 %: Wilson centre (0.34483 + 0.03312) / 1.06623 = 0.35447,
    #   half 1.96 × √(0.0038967 + 0.0002855) / 1.06623 = 0.11889 → 23.6 % to 47.3 %.
    # Negative 10/58 = 17.2 %: centre (0.17241 + 0.03312) / 1.06623 = 0.19276,
    #   half 1.96 × √(0.0024590 + 0.0002855) / 1.06623 = 0.09630 → 9.6 % to 28.9 %.
    assert tone.n == 58
    assert (tone.positive.hits, tone.negative.hits, tone.neutral.hits) == (20, 10, 28)
    assert [round(x, 3) for x in tone.positive.interval] == [0.236, 0.473]
    assert [round(x, 3) for x in tone.negative.interval] == [0.096, 0.289]
    # A week is shown day by day: every post was heard today, the last day.
    assert len(steps) == 7 and steps[-1].n == 58 and sum(s.n for s in steps[:-1]) == 0
    assert steps[0].first_day == date(2026, 6, 21)


def test_below_the_minimum_a_share_is_not_enough_data(cast, heard) -> None:
    scope = scope_for(workspace=cast.workspace, days=7, search=heard["rival"], now=NOW)
    tone, _steps = tone_over_time(scope)
    assert tone.n == 20 < MIN_POSTS and not tone.neutral.enough
    assert share_of_voice(scope).enough  # share of voice always compares every rival


def test_volume_per_search_per_day_in_the_workspace_time_zone(cast, heard) -> None:
    # 23:30 UTC on the 20th is 01:30 on the 21st in Paris: the period's first day.
    _heard(
        cast.workspace,
        [heard["topic"]],
        kind="other",
        text="levain",
        at=datetime(2026, 6, 20, 23, 30, tzinfo=UTC),
    )
    volumes = {
        v.search.name: v
        for v in volume_by_day(scope_for(workspace=cast.workspace, days=7, now=NOW))
    }
    assert volumes["Lumière"].counts == (0, 0, 0, 0, 0, 0, 40)
    assert volumes["Fournil"].total == 20
    assert volumes["Levain"].counts == (1, 0, 0, 0, 0, 0, 5)
    assert volumes["Levain"].moments[0] == date(2026, 6, 21)


def test_volume_per_hour(cast, heard) -> None:
    [volume] = volume_by_hour(
        scope_for(workspace=cast.workspace, days=1, search=heard["rival"], now=NOW)
    )
    # From 00:00 to 14:00 in Paris: 14 hours; every post at 13:00 (11:00 UTC).
    assert len(volume.counts) == 14 and volume.counts[13] == 20 and volume.total == 20
    assert volume.moments[13].hour == 13


def test_top_authors_and_words(cast, heard) -> None:
    scope = scope_for(workspace=cast.workspace, days=7, now=NOW)
    authors, n = top_authors(scope)
    assert n == 60
    assert (authors[0].handle, authors[0].posts) == ("ana.example", 12)
    words, read = top_words(scope)
    # croissant: 35 + 5 posts; baguette: 15 + 5. The searches' own words (lumiere,
    # fournil, levain) and the stop words (le, ou, pour, un, une, du, et) are left out.
    assert read == 60
    assert [(w.word, w.posts) for w in words] == [("croissant", 40), ("baguette", 20)]


def test_top_words_are_shown_as_people_write_them(cast) -> None:
    """Counted folded ("creme" and "crème" are one word), shown in the spelling most used,
    decomposed accents (a letter and a combining mark) read as the letter."""
    for text in ("La crème brûlée", "Une CRÈME glacée", "la creme", "Cre\u0300me fraîche"):
        _heard(cast.workspace, [], kind="other", text=text)
    words, read = top_words(scope_for(workspace=cast.workspace, days=7, now=NOW))
    assert read == 4
    assert (words[0].word, words[0].posts) == ("crème", 4)


def test_a_network_filter(cast, heard) -> None:
    _heard(cast.workspace, [heard["brand"]], kind="praise", text="Lumière", network="mastodon")
    scope = scope_for(workspace=cast.workspace, days=7, network="mastodon", now=NOW)
    tone, _steps = tone_over_time(scope)
    assert tone.n == 1 and share_of_voice(scope).n == 1
