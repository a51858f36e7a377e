"""The learned part: two logistic heads on hashed n-grams, stored as plain arrays.

`abuse` says how likely a comment is abusive; `hate` says, among abusive comments, how
likely it attacks a group rather than one person. The file holds numbers and JSON only
(no pickle), so loading a model cannot run code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from palabre.inbox.ml import features

BASE_DIR = Path(__file__).parent / "base"
ARRAYS = "model.npz"
META = "model.json"


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class Head:
    coef: np.ndarray  # one weight per feature (dense, float32)
    bias: float

    def logits(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef).ravel() + self.bias


@dataclass
class AbuseModel:
    version: str
    idf: np.ndarray
    abuse: Head
    hate: Head
    # {"review": {"fr": .5, ...}, "hide": {"fr": .93, ...}}: see training.choose_thresholds
    thresholds: dict[str, dict[str, float]]
    meta: dict[str, Any] = field(default_factory=dict)
    kinds: Any = None  # the fast kinds head (fast_kinds.FastKinds), shared with the base

    def vectors(self, texts: list[str]) -> sp.csr_matrix:
        return features.tfidf(features.counts(texts), self.idf)

    def scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """p(abusive) and p(hate | abusive) for each text."""
        x = self.vectors(texts)
        return sigmoid(self.abuse.logits(x)), sigmoid(self.hate.logits(x))

    def threshold(self, kind: str, lang: str) -> float:
        by_lang = self.thresholds[kind]
        return by_lang.get(lang, by_lang["other"])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        used = np.flatnonzero(self.idf).astype(np.int32)
        np.savez_compressed(
            directory / ARRAYS,
            index=used,
            idf=self.idf[used],
            abuse=self.abuse.coef[used],
            hate=self.hate.coef[used],
        )
        meta = self.meta | {
            "version": self.version,
            "abuse_bias": self.abuse.bias,
            "hate_bias": self.hate.bias,
            "thresholds": self.thresholds,
            "features": features.N_FEATURES,
        }
        (directory / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, directory: Path) -> AbuseModel:
        meta = json.loads((directory / META).read_text())
        if meta["features"] != features.N_FEATURES:
            raise ValueError(f"{directory} was built for another feature layout")
        with np.load(directory / ARRAYS, allow_pickle=False) as arrays:
            index = arrays["index"]

            def dense(name: str) -> np.ndarray:
                full = np.zeros(features.N_FEATURES, dtype=np.float32)
                full[index] = arrays[name]
                return full

            from palabre.inbox.ml.fast_kinds import FastKinds  # it builds on meaning.py

            return cls(
                kinds=FastKinds.load(directory) or FastKinds.load(BASE_DIR),
                version=meta["version"],
                idf=dense("idf"),
                abuse=Head(dense("abuse"), float(meta["abuse_bias"])),
                hate=Head(dense("hate"), float(meta["hate_bias"])),
                thresholds=meta["thresholds"],
                meta=meta,
            )
