"""Spikes: an hour (or a day) when a search heard far more than usual. Plain Python.

The method, as the Listening page states it:

1. **What is usual** is the median of the same hour of the week over the previous
   `WEEKS` weeks (Saturday 18:00 is compared with the Saturdays 18:00 before it, so that
   a busy Saturday is not news). With fewer than `LEAST_PAST` such weeks, it is the median
   of the same hour of the day over the previous `DAYS` days instead. With fewer than
   `LEAST_PAST` such days, there is no verdict: too little history to say what is usual.
2. **How much it usually varies** is the median absolute deviation of those same counts
   from their median, times 1.4826 (which makes it comparable to a standard deviation
   for normally spread counts). Counts are small and often equal, which makes that
   deviation 0: it is never taken below √usual + 1 (the spread of a Poisson count, plus
   one), so that 0 then 3 posts is not a spike.
3. **A spike** is a count at least `SPREADS` times that spread above the usual, and of at
   least `LEAST_COUNT` posts: a handful of posts is never news, however quiet the search.

Medians are used rather than means so that one past spike does not raise the usual
level for the weeks after it. The same hour of the week is taken in absolute time
(seven days of 24 hours back): on the night of a clock change it is one local hour off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import sqrt
from statistics import median

WEEKS = 8  # weeks of history the usual level is read from
DAYS = 14  # days of history when there are fewer than LEAST_PAST weeks
LEAST_PAST = 3  # past counts needed before anything is said
SPREADS = 3.0  # how many spreads above the usual a spike is
LEAST_COUNT = 5  # posts: fewer is never a spike
MAD_TO_SD = 1.4826  # the median absolute deviation, scaled to a standard deviation
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Verdict:
    count: int
    expected: float  # the usual count
    spread: float  # how much it usually varies (floored)
    threshold: float  # the count from which it is a spike (LEAST_COUNT included)
    basis: str  # "week": same hour of the week; "day": same hour of the day
    past: int  # how many past counts the usual level was read from

    @property
    def spike(self) -> bool:
        return self.count >= self.threshold


def spike_judge(*, count: int, past: Sequence[int], basis: str) -> Verdict | None:
    """A count against the past counts of the same season (None: fewer than LEAST_PAST)."""
    if len(past) < LEAST_PAST:
        return None
    expected = float(median(past))
    deviation = float(median(abs(value - expected) for value in past)) * MAD_TO_SD
    spread = max(deviation, sqrt(expected) + 1)
    return Verdict(
        count=count,
        expected=expected,
        spread=spread,
        threshold=max(expected + SPREADS * spread, LEAST_COUNT),
        basis=basis,
        past=len(past),
    )


def seasonal_past(
    counts: Mapping[datetime, int], moment: datetime, *, since: datetime, step: timedelta = HOUR
) -> tuple[list[int], str]:
    """The counts the usual level of `moment` is read from, and which season they are.

    `counts` maps the start of each period (of length `step`) to its count; a period
    missing from it counted 0 if it began at or after `since` (when listening began),
    and is not history at all before. A day's fallback season is the previous days."""
    weekly = _same_season(counts, moment, since=since, lag=WEEK, most=WEEKS)
    if len(weekly) >= LEAST_PAST:
        return weekly, "week"
    lag = DAY if step < DAY else step
    return _same_season(counts, moment, since=since, lag=lag, most=DAYS), "day"


def spike_check(
    counts: Mapping[datetime, int], moment: datetime, *, since: datetime, step: timedelta = HOUR
) -> Verdict | None:
    """The verdict on the period starting at `moment` (None: too little history)."""
    past, basis = seasonal_past(counts, moment, since=since, step=step)
    return spike_judge(count=counts.get(moment, 0), past=past, basis=basis)


def _same_season(
    counts: Mapping[datetime, int], moment: datetime, *, since: datetime, lag: timedelta, most: int
) -> list[int]:
    found = []
    for back in range(1, most + 1):
        earlier = moment - back * lag
        if earlier < since:
            break
        found.append(counts.get(earlier, 0))
    return found
