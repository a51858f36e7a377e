"""How both stages' readings combine into "abuse, to review" (combiner.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from palabre.inbox.ml import combiner
from palabre.inbox.ml.classifier import base_meaning, classify
from palabre.inbox.ml.meaning import KINDS, MeaningModel


def _kinds(abusive: np.ndarray) -> np.ndarray:
    """Kinds rows whose abuse kinds together carry `abusive`, spread evenly."""
    rows = np.zeros((len(abusive), len(KINDS)))
    rows[:, :5] = (abusive / 5)[:, None]
    rows[:, 5:] = ((1 - abusive) / 5)[:, None]
    return rows


def test_the_combination_learns_which_stage_to_trust() -> None:
    rng = np.random.default_rng(7)
    n = 2000
    y = rng.integers(0, 2, n)
    # The fast stage is right; the kinds are noise: the fit must lean on the fast stage.
    fast = np.clip(np.where(y == 1, 0.8, 0.2) + rng.normal(0, 0.1, n), 0.01, 0.99)
    noise = rng.uniform(0.05, 0.95, n)
    z = combiner.inputs(fast, noise, _kinds(rng.uniform(0.05, 0.95, n)))
    weights = combiner.fit(z, y, np.ones(n), ["fr"] * (n // 2) + ["en"] * (n // 2))
    assert set(weights) == {"fr", "en", "other"}
    for lang in ("fr", "en"):
        coef = np.abs(weights[lang]["coef"])
        assert coef[0] > 5 * coef[1:].max()
    p = combiner.abusive(weights, z, ["fr"] * n)
    assert ((p >= 0.5) == y).mean() > 0.95
    # A language it was not fitted on takes the weights fitted on every row.
    fitted_on_all = combiner.abusive({"other": weights["other"]}, z[:3], ["other"] * 3)
    assert np.allclose(combiner.abusive(weights, z[:3], ["de"] * 3), fitted_on_all)


def test_the_shipped_second_stage_carries_its_combination(tmp_path: Path) -> None:
    shipped = base_meaning()
    assert shipped.combiner and {"fr", "en", "other"} <= set(shipped.combiner)
    shipped.save(tmp_path)
    assert MeaningModel.load(tmp_path).combiner == shipped.combiner


def test_a_model_without_a_combination_keeps_the_fixed_rule() -> None:
    """A workspace model stored before the combination existed still classifies."""
    shipped = base_meaning()
    older = MeaningModel(
        shipped.version,
        abuse_coef=shipped.abuse_coef,
        abuse_bias=shipped.abuse_bias,
        kind_coef=shipped.kind_coef,
        kind_bias=shipped.kind_bias,
        thresholds=shipped.thresholds,
    )
    text = "You are all clowns in that shop, every single one of you"
    (prediction,) = classify([text], meaning_model=older)
    assert prediction.kinds and prediction.action in {"review", "hide"}
