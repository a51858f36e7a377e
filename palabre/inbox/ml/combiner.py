"""Whether a comment both stages read goes to a person as abuse: one small logistic
regression per language over four numbers the two stages give.

Each stage is right in a different place: the kinds heads know a shop's audience (they
learnt from the project's comments), the abuse heads know the datasets' tweets and forum
talk, where heated but civil speech is common. A fixed rule ("abuse kinds together ≥ 0.5")
trusted the kinds heads everywhere and sent heated civil talk to review. The combination is
fitted at training time on out-of-fold readings (neither stage saw the rows it is fitted on),
so it learns how far to trust each, per language.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from palabre.inbox.ml.meaning import ABUSE_KINDS, KINDS
from palabre.inbox.ml.model import sigmoid

INPUTS = ("fast abuse", "meaning abuse", "abuse kinds", "threat")
_ABUSE = [KINDS.index(k) for k in ABUSE_KINDS]
_THREAT = KINDS.index("threat")
C = 1.0


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def inputs(fast_abuse: np.ndarray, meaning_abuse: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """(n, len(INPUTS)): both abuse scores, the abuse kinds together, the threat kind, as logits."""
    columns = (fast_abuse, meaning_abuse, kinds[:, _ABUSE].sum(axis=1), kinds[:, _THREAT])
    return np.stack([_logit(np.asarray(c, dtype=np.float64)) for c in columns], axis=1)


def abusive(weights: dict[str, Any], z: np.ndarray, langs: list[str]) -> np.ndarray:
    """p(abusive) for each row of `inputs`, with its language's weights."""
    chosen = [weights.get(lang, weights["other"]) for lang in langs]
    coef = np.asarray([w["coef"] for w in chosen])
    bias = np.asarray([w["bias"] for w in chosen])
    return sigmoid((z * coef).sum(axis=1) + bias)


def fit(z: np.ndarray, y: np.ndarray, w: np.ndarray, langs: list[str]) -> dict[str, Any]:
    """Weights per language, and for any other language ("other") one fit on all rows."""
    from sklearn.linear_model import LogisticRegression  # training only: classifying never needs it

    found: dict[str, Any] = {}
    lang_of = np.asarray(langs)
    for lang in ("fr", "en", "other"):
        rows = np.ones(len(y), bool) if lang == "other" else lang_of == lang
        model = LogisticRegression(C=C, max_iter=1000)
        model.fit(z[rows], y[rows], sample_weight=w[rows])
        found[lang] = {
            "coef": [round(float(c), 5) for c in model.coef_.ravel()],
            "bias": round(float(model.intercept_[0]), 5),
        }
    return found
