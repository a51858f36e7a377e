"""Spike detection on hand-made series (spikes.py states the method)."""

from __future__ import annotations

from datetime import UTC, datetime
from math import sqrt

from palabre.listening.spikes import (
    DAY,
    HOUR,
    WEEK,
    seasonal_past,
    spike_check,
    spike_judge,
)

# A Saturday, 18:00 UTC.
SATURDAY_6PM = datetime(2026, 6, 27, 18, tzinfo=UTC)


def _steady(moment: datetime, *, weeks: int, per_hour: int) -> dict[datetime, int]:
    """`per_hour` posts every hour of the `weeks` weeks before `moment`."""
    start = moment - weeks * WEEK
    return {start + n * HOUR: per_hour for n in range(weeks * 7 * 24)}


def test_a_burst_far_above_the_usual_hour_is_a_spike() -> None:
    counts = _steady(SATURDAY_6PM, weeks=4, per_hour=2)
    counts[SATURDAY_6PM] = 20
    verdict = spike_check(counts, SATURDAY_6PM, since=SATURDAY_6PM - 4 * WEEK)
    assert verdict is not None
    # Four past Saturdays at 18:00, 2 posts each: usual 2, no deviation, so the floor
    # √2 + 1 = 2.414 is the spread, and the threshold 2 + 3 × 2.414 = 9.24.
    assert verdict.basis == "week" and verdict.past == 4
    assert verdict.expected == 2
    assert abs(verdict.spread - (sqrt(2) + 1)) < 1e-9
    assert abs(verdict.threshold - 9.2426) < 1e-3
    assert verdict.spike


def test_busy_saturdays_are_not_taken_for_a_spike() -> None:
    counts = _steady(SATURDAY_6PM, weeks=4, per_hour=2)
    for back in range(1, 5):
        counts[SATURDAY_6PM - back * WEEK] = 30  # the market: every Saturday at 18:00
    counts[SATURDAY_6PM] = 32
    verdict = spike_check(counts, SATURDAY_6PM, since=SATURDAY_6PM - 4 * WEEK)
    assert verdict is not None
    # Usual 30 (the four Saturdays), spread √30 + 1 = 6.48, threshold 30 + 19.4 = 49.4.
    assert verdict.expected == 30 and abs(verdict.threshold - 49.43) < 0.01
    assert not verdict.spike
    # The same hour of the day alone would have taken it for one: the weekly season matters.
    past = [counts.get(SATURDAY_6PM - n * DAY, 0) for n in range(1, 15)]
    assert spike_judge(count=32, past=past, basis="day").spike  # type: ignore[union-attr]


def test_too_little_history_gives_no_verdict() -> None:
    counts = {SATURDAY_6PM - n * HOUR: 0 for n in range(1, 49)}
    counts[SATURDAY_6PM] = 50
    assert spike_check(counts, SATURDAY_6PM, since=SATURDAY_6PM - 2 * DAY) is None


def test_fewer_than_three_weeks_fall_back_to_the_same_hour_of_past_days() -> None:
    counts = _steady(SATURDAY_6PM, weeks=2, per_hour=1)
    past, basis = seasonal_past(counts, SATURDAY_6PM, since=SATURDAY_6PM - 2 * WEEK)
    assert basis == "day" and past == [1] * 14
    counts[SATURDAY_6PM] = 9
    verdict = spike_check(counts, SATURDAY_6PM, since=SATURDAY_6PM - 2 * WEEK)
    assert verdict is not None and verdict.basis == "day"
    assert verdict.threshold == 1 + 3 * 2  # usual 1, spread √1 + 1 = 2
    assert verdict.spike


def test_a_handful_of_posts_on_a_quiet_search_is_not_news() -> None:
    quiet = _steady(SATURDAY_6PM, weeks=4, per_hour=0)
    # 0 → 3: 0 + 3 × (√0 + 1) = 3, but a spike takes LEAST_COUNT posts: the threshold is 5.
    verdict = spike_check({**quiet, SATURDAY_6PM: 3}, SATURDAY_6PM, since=SATURDAY_6PM - 4 * WEEK)
    assert verdict is not None and verdict.threshold == 5 and not verdict.spike
    verdict = spike_check({**quiet, SATURDAY_6PM: 5}, SATURDAY_6PM, since=SATURDAY_6PM - 4 * WEEK)
    assert verdict is not None and verdict.spike


def test_hours_before_listening_began_are_not_counted_as_silence() -> None:
    counts = {SATURDAY_6PM - n * WEEK: 10 for n in range(1, 4)}
    past, basis = seasonal_past(counts, SATURDAY_6PM, since=SATURDAY_6PM - 3 * WEEK)
    assert basis == "week" and past == [10, 10, 10]  # not 8 weeks with 5 of zeros


def test_one_past_spike_does_not_raise_the_usual_level() -> None:
    counts = _steady(SATURDAY_6PM, weeks=5, per_hour=4)
    counts[SATURDAY_6PM - 2 * WEEK] = 200
    counts[SATURDAY_6PM] = 15
    verdict = spike_check(counts, SATURDAY_6PM, since=SATURDAY_6PM - 5 * WEEK)
    assert verdict is not None
    # Past [4, 200, 4, 4, 4]: median 4, deviations [0, 196, 0, 0, 0] → 0, floor √4 + 1 = 3.
    assert verdict.expected == 4 and verdict.threshold == 13 and verdict.spike


def test_days_are_judged_against_the_same_weekday() -> None:
    monday = datetime(2026, 6, 29, tzinfo=UTC)
    counts = {monday - n * DAY: (40 if n % 7 == 0 else 5) for n in range(1, 36)}
    counts[monday] = 45
    verdict = spike_check(counts, monday, since=monday - 35 * DAY, step=DAY)
    assert verdict is not None and verdict.basis == "week" and verdict.expected == 40
    assert not verdict.spike
