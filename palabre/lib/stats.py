"""The few statistics the reports need, in plain Python.

The reports page ran them with numpy and SciPy, which made every web process import both
(SciPy's `stats` alone is 90 MiB). Tests compare each function with numpy and SciPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from math import exp, lgamma, log, pi, sqrt
from statistics import NormalDist


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% interval of a proportion (Wilson's score interval); honest for small n and
    for 0% or 100%."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def percentiles(values: Sequence[float], points: Sequence[float]) -> list[float]:
    """Percentiles (0–100) of the values, interpolated linearly between the two nearest
    ranks, as numpy.percentile and PostgreSQL's percentile_cont compute them."""
    if not values:
        raise ValueError("percentiles of no values")
    ordered = sorted(values)
    found = []
    for point in points:
        position = (len(ordered) - 1) * point / 100
        below = int(position)
        above = min(below + 1, len(ordered) - 1)
        share = position - below
        found.append(ordered[below] + (ordered[above] - ordered[below]) * share)
    return found


@lru_cache(maxsize=512)
def t_quantile(probability: float, df: int) -> float:
    """The Student t distribution's quantile (SciPy's stats.t.ppf) for 0 < p < 1 and df ≥ 1:
    Newton's method on the distribution function, kept inside a bracket that halves when a
    step would leave it, from the normal quantile."""
    if not 0 < probability < 1 or df < 1:
        raise ValueError("t_quantile needs 0 < probability < 1 and df ≥ 1")
    if probability < 0.5:
        return -t_quantile(1 - probability, df)
    if probability == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < probability:  # a bracket: the cdf grows with t
        low, high = high, high * 2
    t = min(max(NormalDist().inv_cdf(probability), low), high)
    for _step in range(100):
        error = _t_cdf(t, df) - probability
        if abs(error) < 1e-14:
            break
        if error > 0:
            high = t
        else:
            low = t
        guess = t - error / _t_pdf(t, df)
        t = guess if low < guess < high else (low + high) / 2
    return t


def _t_pdf(t: float, df: int) -> float:
    norm = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * pi)
    return exp(norm - (df + 1) / 2 * log(1 + t * t / df))


def _t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for t ≥ 0, through the regularized incomplete beta function, written
    the way that keeps its precision: near the centre, 1 − … would cancel it out."""
    if t * t < df:
        return 0.5 + 0.5 * _incomplete_beta(0.5, df / 2, t * t / (df + t * t))
    return 1 - 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), by its continued fraction on the side where it converges quickly."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function, by the modified Lentz
    method (its terms d_m alternate between the even and odd forms)."""
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return result
