"""Palabre's plain statistics against numpy's and SciPy's (installed with scikit-learn)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import stats

from palabre.lib.stats import percentiles, t_quantile

DFS = [*range(1, 40), 50, 99, 250, 1000, 100_000]


@pytest.mark.parametrize("probability", [0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995])
def test_t_quantile_is_scipys(probability: float) -> None:
    for df in DFS:
        ours, theirs = t_quantile(probability, df), stats.t.ppf(probability, df)
        assert ours == pytest.approx(theirs, rel=1e-9), df
        assert t_quantile(1 - probability, df) == pytest.approx(-theirs, rel=1e-9), df


def test_t_quantile_near_the_centre_and_in_the_tails() -> None:
    for df in DFS:
        assert t_quantile(0.5, df) == 0
        assert t_quantile(0.5000001, df) == pytest.approx(stats.t.ppf(0.5000001, df), abs=1e-9)
        assert t_quantile(1e-7, df) == pytest.approx(stats.t.ppf(1e-7, df), rel=1e-7)


@pytest.mark.parametrize("bad", [(0.0, 3), (1.0, 3), (0.9, 0), (1.5, 2)])
def test_t_quantile_refuses_what_has_no_quantile(bad: tuple[float, int]) -> None:
    with pytest.raises(ValueError):
        t_quantile(*bad)


def test_percentiles_are_numpys_linear_ones() -> None:
    draw = random.Random(7)
    for size in (1, 2, 3, 10, 101, 1000):
        values = [draw.expovariate(1 / 3600) for _ in range(size)]
        points = [0, 10, 50, 90, 99.9, 100]
        assert percentiles(values, points) == pytest.approx(np.percentile(values, points))
    with pytest.raises(ValueError):
        percentiles([], [50])
