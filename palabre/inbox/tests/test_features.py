"""The n-gram hashing Palabre classifies with equals scikit-learn's HashingVectorizer, which
trained the shipped model: the same matrix, bit for bit, on every text of the project's
training data and on awkward ones."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from palabre.inbox.ml import features

DATA = Path(features.__file__).with_name("data")
AWKWARD = [
    "",
    " ",
    "a",
    "ab",
    "été 🥖🥖 l’été",
    "x" * 3000,
    "\t\n a  b\u00a0c",
    "ǅ ǈ İ ß ﬁ",
    "t'es    nul.le,,, vraiment!!!",
    "@someone https://example.com www.example.org RT: fin",
    "&amp; &lt;3 &#128512;",
]


def _texts() -> list[str]:
    texts = list(AWKWARD)
    for path in sorted(DATA.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            texts += [row[0] for row in csv.reader(handle) if row]
    return texts


def _scikit_learn_counts(texts: list[str]) -> sp.csr_matrix:
    shared = {"alternate_sign": False, "norm": None, "lowercase": False, "dtype": np.float32}
    chars = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=features.CHAR_FEATURES, **shared
    )
    words = HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        n_features=features.WORD_FEATURES,
        token_pattern=r"(?u)\b\w+\b",  # noqa: S106 (a regular expression)
        **shared,
    )
    clean = [features.normalise(t) for t in texts]
    return sp.hstack([chars.transform(clean), words.transform(clean)], format="csr")


def test_counts_are_scikit_learns_bit_for_bit() -> None:
    texts = _texts()
    ours, theirs = features.counts(texts), _scikit_learn_counts(texts)
    assert len(texts) > 5000
    assert ours.shape == theirs.shape
    assert ours.nnz == theirs.nnz > 100_000
    assert (ours != theirs).nnz == 0


def test_tfidf_rows_have_unit_length_as_scikit_learns_normalize_gives() -> None:
    texts = _texts()[:2000]
    counts = features.counts(texts)
    idf = features.fit_idf(counts)
    ours = features.tfidf(counts, idf)
    weighted = counts.copy()
    weighted.data = (1.0 + np.log(weighted.data)).astype(np.float32)
    weighted = weighted.multiply(idf).tocsr()
    chars, words = weighted[:, : features.CHAR_FEATURES], weighted[:, features.CHAR_FEATURES :]
    theirs = sp.hstack([normalize(chars), normalize(words)], format="csr")
    assert abs(ours - theirs).max() < 1e-6


def test_classifying_never_imports_scikit_learn() -> None:
    code = (
        "import sys; from palabre.inbox.ml.classifier import classify; "
        "classify(['Merci pour le pain !', 'Vous êtes tous des incapables']); "
        "print('sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
