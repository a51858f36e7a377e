"""Text → sparse features for the abuse model: hashed character and word n-grams.

Hashing keeps the shipped model small and free of any vocabulary file: a feature's
index is a hash of the n-gram, so nothing but weights needs storing.

The n-grams and their hashes are scikit-learn's HashingVectorizer's (char_wb 2–5 and words
1–2, MurmurHash3 with seed 0, the index |hash| mod the size), computed here with `mmh3` so
that classifying never imports scikit-learn (over a second to import, 50 MiB): the worker
and `palabre classify` load only numpy and SciPy. Training still uses scikit-learn;
tests check that both give the same matrix.
"""

from __future__ import annotations

import html
import re

import mmh3
import numpy as np
import scipy.sparse as sp

CHAR_FEATURES = 2**20
WORD_FEATURES = 2**19
N_FEATURES = CHAR_FEATURES + WORD_FEATURES

_URL = re.compile(r"https?://\S+|www\.\S+|@url\b", re.IGNORECASE)
_MENTION = re.compile(r"@[\w.\-]+")
_RETWEET = re.compile(r"^\s*rt\b:?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\b\w+\b")


def normalise(text: str) -> str:
    """Who is addressed and which link is shared say nothing about abuse: drop them."""
    text = html.unescape(text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _RETWEET.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


def char_grams(text: str) -> list[str]:
    """Each word padded with a space on both sides, cut into 2 to 5 characters; a padded
    word no longer than n gives itself once and no longer n-gram."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(2, 6):
            if size <= n:
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


def word_grams(text: str) -> list[str]:
    """The words, then each pair of neighbouring words."""
    words = _WORD.findall(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _hashed(grams: list[list[str]], size: int) -> sp.csr_matrix:
    """One row per text: how many times each hashed n-gram occurs."""
    indptr, hashes = [0], list[int]()
    for row in grams:
        hashes.extend(map(mmh3.hash, row))  # signed 32-bit, the text as UTF-8
        indptr.append(len(hashes))
    indices = np.abs(np.asarray(hashes, dtype=np.int64)) % size
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(grams), size), dtype=np.float32)
    matrix.sum_duplicates()  # counts, and sorted indices
    return matrix


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Each row scaled to length 1 (an empty row stays empty)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float64).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix, dtype=matrix.dtype)


def counts(texts: list[str]) -> sp.csr_matrix:
    """Raw n-gram counts, characters then words, one row per text."""
    clean = [normalise(t) for t in texts]
    chars = _hashed([char_grams(t) for t in clean], CHAR_FEATURES)
    words = _hashed([word_grams(t) for t in clean], WORD_FEATURES)
    return sp.hstack([chars, words], format="csr")


def tfidf(matrix: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF × IDF, each block (characters, words) scaled to unit length."""
    weighted = matrix.copy()
    weighted.data = (1.0 + np.log(weighted.data)).astype(np.float32)
    weighted = weighted.multiply(idf).tocsr()
    chars = _unit_rows(weighted[:, :CHAR_FEATURES])
    words = _unit_rows(weighted[:, CHAR_FEATURES:])
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
