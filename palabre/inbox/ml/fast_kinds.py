"""The fast stage's guess at a comment's kind, on the same hashed n-grams as its abuse head.

It is what lets the fast stage be *sure*: a comment it reads as a question, praise or a
plain remark with high confidence, and a low abuse score, skips the second stage. Trained
on the project's own comments (the kinds are known there only); stored as the columns it
uses and their weights, so it stays small on disk and in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from palabre.inbox.ml import features
from palabre.inbox.ml.meaning import KINDS, softmax

ARRAYS = "fast_kinds.npz"
C = 4.0


@dataclass
class FastKinds:
    columns: np.ndarray  # the feature indices it has weights for
    coef: sp.csr_matrix  # (len(columns), len(KINDS))
    bias: np.ndarray

    def __post_init__(self) -> None:
        # The same weights placed at their feature rows: a product with the comments' sparse
        # n-grams then costs what the comments hold (a column slice would cost every column).
        full = sp.coo_matrix(self.coef)
        shape = (features.N_FEATURES, len(KINDS))
        self._full = sp.csr_matrix((full.data, (self.columns[full.row], full.col)), shape=shape)

    def probabilities(self, x: sp.csr_matrix) -> np.ndarray:
        return softmax((x @ self._full).toarray() + self.bias)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        dense = self.coef.toarray().astype(np.float16)
        np.savez_compressed(directory / ARRAYS, columns=self.columns, coef=dense, bias=self.bias)

    @classmethod
    def load(cls, directory: Path) -> FastKinds | None:
        path = directory / ARRAYS
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as arrays:
            coef = sp.csr_matrix(arrays["coef"].astype(np.float32))
            return cls(arrays["columns"], coef, arrays["bias"].astype(np.float32))


def fit_fast_kinds(x: sp.csr_matrix, labels: list[str], weights: np.ndarray) -> FastKinds:
    # Training imports scikit-learn; classifying with the fitted heads never does.
    from palabre.inbox.ml.training import fit_kinds

    columns = np.unique(x.indices).astype(np.int64)
    by_kind, bias = fit_kinds(x[:, columns], labels, weights, c=C)
    coef = by_kind.T.copy()
    # Tiny weights change nothing a person would see: dropping them keeps the file small.
    coef[np.abs(coef) < 1e-3] = 0
    return FastKinds(columns, sp.csr_matrix(coef), bias)
