"""Text → sparse features for the abuse model: hashed character and word n-grams.

Hashing keeps the shipped model small and free of any vocabulary file: a feature's
index is a hash of the n-gram, so nothing but weights needs storing.
"""

from __future__ import annotations

import html
import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

CHAR_FEATURES = 2**20
WORD_FEATURES = 2**19
N_FEATURES = CHAR_FEATURES + WORD_FEATURES

_URL = re.compile(r"https?://\S+|www\.\S+|@url\b", re.IGNORECASE)
_MENTION = re.compile(r"@[\w.\-]+")
_RETWEET = re.compile(r"^\s*rt\b:?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Who is addressed and which link is shared say nothing about abuse: drop them."""
    text = html.unescape(text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _RETWEET.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


_CHARS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(2, 5),
    n_features=CHAR_FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    dtype=np.float32,
)
_WORDS = HashingVectorizer(
    analyzer="word",
    ngram_range=(1, 2),
    n_features=WORD_FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    token_pattern=r"(?u)\b\w+\b",  # noqa: S106 (a regular expression, not a password)
    dtype=np.float32,
)


def counts(texts: list[str]) -> sp.csr_matrix:
    """Raw n-gram counts, characters then words, one row per text."""
    clean = [normalise(t) for t in texts]
    return sp.hstack([_CHARS.transform(clean), _WORDS.transform(clean)], format="csr")


def tfidf(matrix: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF × IDF, each block (characters, words) scaled to unit length."""
    weighted = matrix.copy()
    weighted.data = (1.0 + np.log(weighted.data)).astype(np.float32)
    weighted = weighted.multiply(idf).tocsr()
    chars = normalize(weighted[:, :CHAR_FEATURES])
    words = normalize(weighted[:, CHAR_FEATURES:])
    return sp.hstack([chars, words], format="csr")


def document_frequencies(matrix: sp.csr_matrix) -> np.ndarray:
    present = matrix.copy()
    present.data[:] = 1
    return np.asarray(present.sum(axis=0)).ravel()


def fit_idf(matrix: sp.csr_matrix, *, min_df: int = 2) -> np.ndarray:
    """Smoothed IDF; n-grams seen in fewer than `min_df` texts get 0 (they are noise)."""
    df = document_frequencies(matrix)
    n = matrix.shape[0]
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    idf[df < min_df] = 0.0
    return idf.astype(np.float32)
