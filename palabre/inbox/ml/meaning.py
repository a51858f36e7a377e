"""The second stage: what a comment means, read from its sentence embedding.

Two logistic heads on the e5 vector plus a few readable signals (a question mark, the
complaint and praise cues, the spam evidence, the tone):
- `abuse`: is it abusive at all (trained on every dataset, like the fast model);
- `kinds`: which of the ten kinds a person acts on (trained on the project's own comments,
  the only rows whose kind is known for every kind).
A workspace's decisions move the abuse head through `shift` (see training.adjust_meaning).
Stored as arrays and JSON only, like the fast model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from palabre.inbox.ml import embeddings, lexicon, signals
from palabre.inbox.ml.model import sigmoid

KINDS = (
    "threat",
    "hate",
    "insult",
    "harassment",
    "sexual",
    "spam",
    "criticism",
    "question",
    "praise",
    "other",
)
ABUSE_KINDS = KINDS[:5]
CIVIL_KINDS = ("criticism", "question", "praise", "other")
# Only these may be hidden by a machine, and only at high precision (issue 18, rule 3).
HIDING_KINDS = ("threat", "hate")
FAST_WEIGHT = 0.6  # the fast kinds head's share in the blend of both stages' kinds
SCALE = 10.0  # each layer's part is unit length: scaled so one regularisation fits it and the cues
LAST_LAYER_ONLY = "e5-small:last"  # the layout of models trained before 2026-12-06
CUES = 7  # the readable cues beside the embedding (cue_vector)
WIDTH = embeddings.DIM + CUES  # what the heads read
ARRAYS = "meaning.npz"
META = "meaning.json"


def cue_vector(
    *,
    text: str,
    question: bool,
    complaint_cue: bool,
    praise_cue: bool,
    spam: signals.Spam,
    sentiment: float,
) -> np.ndarray:
    """The readable cues, as numbers the heads can weigh beside the embedding."""
    values = [
        "?" in text,
        question,
        complaint_cue,
        praise_cue,
        spam.score,
        "link" in spam.reasons,
        sentiment,
    ]
    return np.asarray(values, dtype=np.float32)


def signal_features(text: str, lang: str) -> np.ndarray:
    """The cues of a text nothing has read yet (a training row)."""
    folded = lexicon.fold(text)
    return cue_vector(
        text=text,
        question=signals.is_question(folded),
        complaint_cue=signals.is_complaint(folded),
        praise_cue=signals.is_praise(folded),
        spam=signals.spam(text, folded),
        sentiment=signals.sentiment(text, lang),
    )


def features(
    texts: list[str],
    langs: list[str],
    *,
    vectors: np.ndarray | None = None,
    cues: np.ndarray | None = None,
) -> np.ndarray:
    """The heads' input: the scaled embedding, then the cues (read here unless given)."""
    if vectors is None:
        vectors = embeddings.embed(texts)
    if cues is None:
        pairs = zip(texts, langs, strict=True)
        cues = (
            np.stack([signal_features(t, lang) for t, lang in pairs])
            if texts
            else np.zeros((0, CUES))
        )
    return np.hstack([vectors * SCALE, cues]).astype(np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def blend_kinds(meaning_kinds: np.ndarray, fast_kinds: np.ndarray) -> np.ndarray:
    """Both stages' views of the kind, a weighted geometric mean: the words the fast
    head knows and the meaning the embedding carries correct each other's mistakes."""
    logs = (1 - FAST_WEIGHT) * np.log(meaning_kinds + 1e-9) + FAST_WEIGHT * np.log(
        fast_kinds + 1e-9
    )
    return softmax(logs)


@dataclass
class MeaningModel:
    version: str
    abuse_coef: np.ndarray  # (d,)
    abuse_bias: float
    kind_coef: np.ndarray  # (len(KINDS), d)
    kind_bias: np.ndarray  # (len(KINDS),)
    # {"hide": {"threat": {"fr": .9, "en": .9, "other": .95}, "hate": {...}}}
    thresholds: dict[str, Any]
    shift_coef: np.ndarray | None = None  # a workspace's move of the abuse head
    shift_bias: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    # Per language, how both stages' readings combine into "abuse, to review" (combiner.py);
    # None in a model trained before it existed: the fixed rule then decides.
    combiner: dict[str, Any] | None = None

    @property
    def fits(self) -> bool:
        """Whether it reads today's features: a model trained on another embedding layout
        (a workspace's, retrained before an upgrade) cannot."""
        layout = self.meta.get("layout", LAST_LAYER_ONLY)
        return layout == embeddings.LAYOUT and self.kind_coef.shape[1] == WIDTH

    def abuse(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(self.abuse_logits(x))

    def base_abuse(self, x: np.ndarray) -> np.ndarray:
        """The abuse head as shipped, whatever a workspace's decisions moved: hiding is
        decided on it, so no workspace's training can make a machine hide more."""
        return sigmoid(x @ self.abuse_coef + self.abuse_bias)

    def abuse_logits(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.abuse_coef + self.abuse_bias
        if self.shift_coef is not None:
            z = z + x @ self.shift_coef + self.shift_bias
        return z

    def kinds(self, x: np.ndarray) -> np.ndarray:
        """(n, len(KINDS)) probabilities that sum to one per row."""
        return softmax(x @ self.kind_coef.T + self.kind_bias)

    def hide_threshold(self, kind: str, lang: str) -> float:
        by_lang = self.thresholds["hide"].get(kind, {})
        return float(by_lang.get(lang, by_lang.get("other", 1.01)))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "abuse": self.abuse_coef,
            "kind_coef": self.kind_coef,
            "kind_bias": self.kind_bias,
        }
        if self.shift_coef is not None:
            arrays["shift"] = self.shift_coef
        np.savez_compressed(directory / ARRAYS, **arrays)
        meta = self.meta | {
            # what it was trained on (train_meaning sets it; a workspace's shift inherits
            # its base's), never what this code reads today
            "layout": self.meta.get("layout", LAST_LAYER_ONLY),
            "version": self.version,
            "abuse_bias": self.abuse_bias,
            "shift_bias": self.shift_bias,
            "kinds": list(KINDS),
            "thresholds": self.thresholds,
            "combiner": self.combiner,
        }
        (directory / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, directory: Path) -> MeaningModel:
        meta = json.loads((directory / META).read_text())
        if tuple(meta["kinds"]) != KINDS:
            raise ValueError(f"{directory} was trained for other kinds")
        with np.load(directory / ARRAYS, allow_pickle=False) as arrays:
            return cls(
                version=meta["version"],
                abuse_coef=arrays["abuse"],
                abuse_bias=float(meta["abuse_bias"]),
                kind_coef=arrays["kind_coef"],
                kind_bias=arrays["kind_bias"],
                thresholds=meta["thresholds"],
                shift_coef=arrays["shift"] if "shift" in arrays.files else None,
                shift_bias=float(meta.get("shift_bias", 0.0)),
                meta=meta,
                combiner=meta.get("combiner"),
            )
