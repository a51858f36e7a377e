"""Training the second stage: its two heads, its hiding thresholds, a workspace's shift."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from palabre.inbox.ml.datasets import Row, bucket
from palabre.inbox.ml.meaning import HIDING_KINDS, KINDS, MeaningModel
from palabre.inbox.ml.training import Progress, prior_shift, weights

C = 1.0
FOLDS = 5
# Hiding needs ≥ 99% precision (share of truly abusive comments among those it would hide)
# on out-of-fold predictions, hides at most 0.2% of civil comments, and needs some support.
HIDE_PRECISION = 0.99
HIDE_CIVIL_SHARE = 0.002
HIDE_FLOOR = 0.7
MIN_HIDDEN = 10
PROJECT = ("kinds-", "civil-")  # sources the project wrote: they set the kinds' meaning
# Davidson is large: a fixed third of its training rows is enough for the embedding heads.
DAVIDSON_SHARE = 30


def meaning_rows(rows: list[Row]) -> list[Row]:
    return [
        r for r in rows if r.source != "davidson" or bucket("sample:" + r.text) < DAVIDSON_SHARE
    ]


def kind_weights(rows: list[Row]) -> np.ndarray:
    """Each (language, kind) weighs the same, however many comments it has."""
    groups = Counter((r.lang, r.label) for r in rows)
    share = len(rows) / len(groups)
    return np.asarray([share / groups[(r.lang, r.label)] for r in rows])


def _fit_binary(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(x, y, sample_weight=w)
    return model.coef_.ravel().astype(np.float32), float(model.intercept_[0])


def fit_kinds(
    x: np.ndarray | sp.csr_matrix, labels: list[str], w: np.ndarray, *, c: float = C
) -> tuple[np.ndarray, np.ndarray]:
    """A multinomial head over KINDS: weights (len(KINDS), features) and biases."""
    y = np.asarray([KINDS.index(label) for label in labels])
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, y, sample_weight=w)
    coef = np.zeros((len(KINDS), x.shape[1]), dtype=np.float32)
    bias = np.full(len(KINDS), -30.0, dtype=np.float32)  # a kind never seen stays impossible
    coef[model.classes_] = model.coef_
    bias[model.classes_] = model.intercept_
    return coef, bias


@dataclass(frozen=True)
class Heads:
    abuse_coef: np.ndarray
    abuse_bias: float
    kind_coef: np.ndarray
    kind_bias: np.ndarray

    def model(self, version: str, thresholds: dict[str, Any], **extra: Any) -> MeaningModel:
        return MeaningModel(
            version,
            abuse_coef=self.abuse_coef,
            abuse_bias=self.abuse_bias,
            kind_coef=self.kind_coef,
            kind_bias=self.kind_bias,
            thresholds=thresholds,
            **extra,
        )


def fit_heads(x: np.ndarray, rows: list[Row]) -> Heads:
    y = np.asarray([r.abusive for r in rows])
    abuse_coef, abuse_bias = _fit_binary(x, y, weights(rows))
    # The kinds are learnt from the project's own comments only: the datasets' tweets
    # (MLMA, Davidson) name hate and insults in ways a shop's audience does not.
    known = [i for i, r in enumerate(rows) if r.label in KINDS and r.source.startswith(PROJECT)]
    kind_rows = [rows[i] for i in known]
    labels = [r.label for r in kind_rows]
    kind_coef, kind_bias = fit_kinds(x[known], labels, kind_weights(kind_rows))
    return Heads(abuse_coef, abuse_bias, kind_coef, kind_bias)


def _out_of_fold(
    x: np.ndarray, rows: list[Row], progress: Progress
) -> tuple[np.ndarray, np.ndarray]:
    """Kind probabilities for every row from a model that never saw it (5 folds)."""
    fold = np.asarray([bucket("fold:" + r.text) % FOLDS for r in rows])
    kinds = np.zeros((len(rows), len(KINDS)))
    abuse = np.zeros(len(rows))
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        progress(f"fold {k + 1}/{FOLDS}: {len(train)} rows")
        model = fit_heads(x[train], [rows[i] for i in train]).model("fold", {"hide": {}})
        kinds[test] = model.kinds(x[test])
        abuse[test] = model.abuse(x[test])
    return kinds, abuse


def _hide_threshold(
    p: np.ndarray, abusive: np.ndarray, civil: np.ndarray, project: np.ndarray
) -> float:
    for t in np.arange(HIDE_FLOOR, 0.995, 0.01):
        hidden = p >= t
        judged = hidden & project
        if judged.sum() < MIN_HIDDEN:
            break
        civil_share = hidden[civil].mean() if civil.any() else 0.0
        if abusive[judged].mean() >= HIDE_PRECISION and civil_share <= HIDE_CIVIL_SHARE:
            return round(float(t), 3)
    return 1.01  # never: not precise enough on this language's data


def choose_hide_thresholds(kinds: np.ndarray, abuse: np.ndarray, rows: list[Row]) -> dict:
    """Per hiding kind and language: the lowest kind probability (≥ 0.7) whose hides are
    ≥ 99% abusive out of fold, with the abuse head agreeing (≥ 0.5) as well."""
    # Precision on the project's comments (clean labels, the only ones naming threats); the
    # share of civil comments hidden on every source's label-0 rows (forum and tweet talk
    # included), so heated civil speech is not hidden either.
    project = np.asarray([r.source.startswith(PROJECT) for r in rows])
    y = np.asarray([r.abusive for r in rows], dtype=bool)
    civil = ~y
    hide: dict[str, dict[str, float]] = {}
    for kind in HIDING_KINDS:
        column = kinds[:, KINDS.index(kind)] * (abuse >= 0.5)
        hide[kind] = {}
        for lang in ("fr", "en"):
            mine = np.asarray([r.lang == lang for r in rows])
            hide[kind][lang] = _hide_threshold(column[mine], y[mine], civil[mine], project[mine])
        hide[kind]["other"] = max(hide[kind].values())
    return {"hide": hide}


def train_meaning(
    x: np.ndarray, rows: list[Row], *, version: str, progress: Progress
) -> MeaningModel:
    kinds, abuse = _out_of_fold(x, rows, progress)
    thresholds = choose_hide_thresholds(kinds, abuse, rows)
    progress(f"hiding thresholds: {thresholds}")
    sources = Counter(r.source for r in rows)
    meta = {"training_rows": dict(sorted(sources.items()))}
    return fit_heads(x, rows).model(version, thresholds, meta=meta)


def adjust_meaning(
    base: MeaningModel, x: np.ndarray, labels: list[int], *, version: str
) -> MeaningModel:
    """A workspace's stage 2: a shift of the abuse head learnt from its decisions, with a
    penalty on its size (training.prior_shift, as the fast model's `adjust`)."""
    base_logits = x @ base.abuse_coef + base.abuse_bias
    shift, bias = prior_shift(x, base_logits, labels, c=C)
    meta = base.meta | {"base_version": base.version, "workspace_labels": len(labels)}
    heads = Heads(base.abuse_coef, base.abuse_bias, base.kind_coef, base.kind_bias)
    return heads.model(
        version, base.thresholds, shift_coef=shift.astype(np.float32), shift_bias=bias, meta=meta
    )
