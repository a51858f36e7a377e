"""Training: the base model from the datasets, and a workspace's model from its decisions."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from palabre.inbox.ml import features
from palabre.inbox.ml.datasets import PROJECT, Row, bucket
from palabre.inbox.ml.meaning import KINDS
from palabre.inbox.ml.model import AbuseModel, Head, sigmoid

log = logging.getLogger("palabre.moderation")

C = 4.0  # inverse regularisation, as measured in ../shared/reference/moderation-ml.md
REVIEW_THRESHOLD = 0.5
# Automatic hiding needs a precision of at least 95% on validation, and may hide no more
# than 0.5% of the civil comments there (the issue allows 1% on held-out data).
HIDE_PRECISION = 0.95
HIDE_CIVIL_SHARE = 0.005
HIDE_FLOOR = 0.8
CIVIL_SOURCES = ("civil-fr", "civil-en", "toxifrenchbalanced")  # datasets.toxifrench names

Progress = Callable[[str], None]


def weights(rows: list[Row]) -> np.ndarray:
    """Each language weighs the same, within it both classes weigh the same, and within a
    class the project's own comments (a shop's audience, the comments Palabre moderates)
    weigh as much as all the datasets' tweets and forum posts together."""
    groups = Counter((r.lang, r.abusive, r.source.startswith(PROJECT)) for r in rows)
    domains = Counter((lang, abusive) for lang, abusive, _ in groups)
    languages = {lang for lang, _ in domains}
    w = [
        len(rows)
        / (
            len(languages)
            * 2
            * domains[(r.lang, r.abusive)]
            * groups[(r.lang, r.abusive, r.source.startswith(PROJECT))]
        )
        for r in rows
    ]
    return np.asarray(w, dtype=np.float64)


def fit_abuse(x: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> Head:
    model = LogisticRegression(C=C, max_iter=2000, solver="lbfgs")
    model.fit(x, y, sample_weight=w)
    return Head(model.coef_.ravel().astype(np.float32), float(model.intercept_[0]))


def _fit_hate(x: sp.csr_matrix, rows: list[Row]) -> Head:
    chosen = [i for i, r in enumerate(rows) if r.abusive and r.kind]
    y = np.asarray([rows[i].kind == "hate" for i in chosen], dtype=int)
    counts = np.bincount(y, minlength=2)
    w = np.asarray([len(y) / (2 * counts[v]) for v in y])
    return fit_abuse(x[chosen], y, w)


def fit(rows: list[Row]) -> tuple[np.ndarray, Head, Head]:
    raw = features.counts([r.text for r in rows])
    idf = features.fit_idf(raw)
    x = features.tfidf(raw, idf)
    y = np.asarray([r.abusive for r in rows])
    return idf, fit_abuse(x, y, weights(rows)), _fit_hate(x, rows)


def _hide_threshold(p: np.ndarray, rows: list[Row]) -> float:
    y = np.asarray([r.abusive for r in rows])
    civil = np.asarray([r.source in CIVIL_SOURCES and not r.abusive for r in rows])
    for t in np.arange(HIDE_FLOOR, 0.995, 0.005):
        hidden = p >= t
        if not hidden.any():
            break
        precision = y[hidden].mean()
        civil_share = hidden[civil].mean() if civil.any() else 0.0
        if precision >= HIDE_PRECISION and civil_share <= HIDE_CIVIL_SHARE:
            return round(float(t), 3)
    return 0.995


def choose_thresholds(p: np.ndarray, rows: list[Row]) -> dict[str, dict[str, float]]:
    hide = {}
    for lang in ("fr", "en"):
        mine = [i for i, r in enumerate(rows) if r.lang == lang]
        hide[lang] = _hide_threshold(p[mine], [rows[i] for i in mine]) if mine else 0.995
    hide["other"] = max(hide.values())
    review = dict.fromkeys(("fr", "en", "other"), REVIEW_THRESHOLD)
    return {"review": review, "hide": hide}


@dataclass(frozen=True)
class Trained:
    model: AbuseModel
    validation_rows: int


def train_base(rows: list[Row], *, version: str, progress: Progress = log.info) -> Trained:
    """Choose thresholds on a validation slice (15%), then fit on everything."""
    held = [r for r in rows if bucket("validation:" + r.text) < 15]
    rest = [r for r in rows if bucket("validation:" + r.text) >= 15]
    progress(f"validation fit: {len(rest)} rows, {len(held)} kept aside")
    if held and len({r.abusive for r in rest}) == 2:
        idf, abuse, _hate = fit(rest)
        p = sigmoid(abuse.logits(features.tfidf(features.counts([r.text for r in held]), idf)))
        thresholds = choose_thresholds(p, held)
    else:  # too little data to measure: the most careful thresholds
        thresholds = choose_thresholds(np.zeros(0), [])
    progress(f"thresholds: {thresholds}")
    progress(f"final fit: {len(rows)} rows")
    idf, abuse, hate = fit(rows)
    sources = Counter(r.source for r in rows)
    meta = {"training_rows": dict(sorted(sources.items()))}
    model = AbuseModel(version, idf, abuse, hate, thresholds, meta)
    return Trained(model, len(held))


def prior_shift(
    x: np.ndarray | sp.csr_matrix, base_logits: np.ndarray, labels: list[int], *, c: float
) -> tuple[np.ndarray, float]:
    """How a workspace's decisions move a logistic head: the weights and bias added to the
    base ones that minimise the logistic loss on its labels plus a penalty on their size (a
    Gaussian prior centred on the base model), so a few dozen decisions nudge the model
    without making it forget what the datasets taught."""
    y = np.asarray(labels, dtype=np.float64) * 2 - 1  # ±1
    strength = 1.0 / c

    def loss(delta: np.ndarray) -> tuple[float, np.ndarray]:
        shift, bias = delta[:-1], delta[-1]
        margin = y * (base_logits + x @ shift + bias)
        value = np.logaddexp(0, -margin).sum() + 0.5 * strength * (shift @ shift + bias * bias)
        g = -y * sigmoid(-margin)
        grad = np.concatenate([x.T @ g + strength * shift, [g.sum() + strength * bias]])
        return float(value), grad

    found = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
    return found.x[:-1], float(found.x[-1])


def adjust(base: AbuseModel, texts: list[str], labels: list[int], *, version: str) -> AbuseModel:
    """A workspace's model: the base weights moved by its own decisions (prior_shift), on
    the n-grams its decisions contain."""
    x = base.vectors(texts)
    columns = np.unique(x.indices)
    shift, bias = prior_shift(x[:, columns], base.abuse.logits(x), labels, c=C)
    coef = base.abuse.coef.copy()
    coef[columns] += shift.astype(np.float32)
    abuse = Head(coef, base.abuse.bias + bias)
    meta = base.meta | {"base_version": base.version, "workspace_labels": len(labels)}
    return AbuseModel(version, base.idf, abuse, base.hate, base.thresholds, meta, base.kinds)


def fit_kinds(
    x: np.ndarray | sp.csr_matrix, labels: list[str], w: np.ndarray, *, c: float
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
