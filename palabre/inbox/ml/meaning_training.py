"""Training the second stage: its two heads, its hiding thresholds, a workspace's shift."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from palabre.inbox.ml import combiner, embeddings, features
from palabre.inbox.ml.datasets import PROJECT, Row, bucket
from palabre.inbox.ml.fast_kinds import fit_fast_kinds
from palabre.inbox.ml.meaning import HIDING_KINDS, KINDS, MeaningModel, blend_kinds
from palabre.inbox.ml.model import sigmoid
from palabre.inbox.ml.training import Progress, fit_abuse, fit_kinds, prior_shift, weights

C = 1.0
FOLDS = 5
# Hiding needs ≥ 99% precision (share of truly abusive comments among those it would hide)
# on out-of-fold predictions, hides at most 0.2% of civil comments, and needs some support.
HIDE_PRECISION = 0.99
HIDE_CIVIL_SHARE = 0.002
HIDE_FLOOR = 0.7
MIN_HIDDEN = 10
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
    kind_coef, kind_bias = fit_kinds(x[known], labels, kind_weights(kind_rows), c=C)
    return Heads(abuse_coef, abuse_bias, kind_coef, kind_bias)


@dataclass(frozen=True)
class OutOfFold:
    """Every row's reading by models that never saw it (5 folds): both stages."""

    kinds: np.ndarray  # the second stage's own kinds
    abuse: np.ndarray  # the second stage's abuse head
    fast_abuse: np.ndarray  # the fast stage's abuse head
    fast_kinds: np.ndarray  # the fast stage's kinds head

    def combiner_inputs(self) -> np.ndarray:
        blended = blend_kinds(self.kinds, self.fast_kinds)
        return combiner.inputs(self.fast_abuse, self.abuse, blended)


def _out_of_fold(x: np.ndarray, rows: list[Row], progress: Progress) -> OutOfFold:
    fold = np.asarray([bucket("fold:" + r.text) % FOLDS for r in rows])
    n = len(rows)
    found = OutOfFold(
        np.zeros((n, len(KINDS))), np.zeros(n), np.zeros(n), np.zeros((n, len(KINDS)))
    )
    counts = features.counts([r.text for r in rows])
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        progress(f"fold {k + 1}/{FOLDS}: {len(train)} rows")
        train_rows = [rows[i] for i in train]
        model = fit_heads(x[train], train_rows).model("fold", {"hide": {}})
        found.kinds[test] = model.kinds(x[test])
        found.abuse[test] = model.abuse(x[test])
        found.fast_abuse[test], found.fast_kinds[test] = _fast_stage(counts, train, test, rows)
    return found


def _fast_stage(
    counts: sp.csr_matrix, train: np.ndarray, test: np.ndarray, rows: list[Row]
) -> tuple[np.ndarray, np.ndarray]:
    """The fast stage fitted on `train` (its abuse head, and its kinds head on the
    project's rows), read on `test`."""
    train_rows = [rows[i] for i in train]
    idf = features.fit_idf(counts[train])
    x_train, x_test = features.tfidf(counts[train], idf), features.tfidf(counts[test], idf)
    y = np.asarray([r.abusive for r in train_rows])
    abuse = fit_abuse(x_train, y, weights(train_rows))
    known = [
        i for i, r in enumerate(train_rows) if r.label in KINDS and r.source.startswith(PROJECT)
    ]
    kind_rows = [train_rows[i] for i in known]
    kinds = fit_fast_kinds(x_train[known], [r.label for r in kind_rows], kind_weights(kind_rows))
    return sigmoid(abuse.logits(x_test)), kinds.probabilities(x_test)


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
    found = _out_of_fold(x, rows, progress)
    thresholds = choose_hide_thresholds(found.kinds, found.abuse, rows)
    progress(f"hiding thresholds: {thresholds}")
    y = np.asarray([r.abusive for r in rows])
    langs = [r.lang for r in rows]
    combination = combiner.fit(found.combiner_inputs(), y, weights(rows), langs)
    progress(f"combination of both stages: {combination}")
    sources = Counter(r.source for r in rows)
    meta = {"training_rows": dict(sorted(sources.items())), "layout": embeddings.LAYOUT}
    return fit_heads(x, rows).model(version, thresholds, meta=meta, combiner=combination)


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
        version,
        base.thresholds,
        shift_coef=shift.astype(np.float32),
        shift_bias=bias,
        meta=meta,
        combiner=base.combiner,
    )
