"""How listening reads text: folded (case and accents: "Lumière", "LUMIERE" and "lumiere"
are one word), cut into words and hashtags. Searches and posts are read the same way, so
that what a person types matches what people write. Plain Python, no Django."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _fold_table() -> dict[int, str]:
    """Each accented Latin letter to its base letters, built once (str.translate is C)."""
    table = {ord("’"): "'", ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae"}
    for code in range(0x00C0, 0x0250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    return table


FOLD = _fold_table()
# A word, or a hashtag ("#" and its word). Apostrophes, hyphens and dots cut words
# ("l'atelier": "l", "atelier"); a search written that way is read as the same sequence.
TOKEN = re.compile(r"#?\w+")


def fold(text: str) -> str:
    return text.translate(FOLD).lower()


@dataclass(frozen=True)
class Reading:
    words: tuple[str, ...]  # in order, hashtags as their bare word
    hashtags: frozenset[str]  # "#levain"
    joined: str  # " w1 w2 … ": a phrase is found as a substring " a b "

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.words) | self.hashtags


def read(text: str) -> Reading:
    found = TOKEN.findall(fold(text))
    words = tuple(t.lstrip("#") for t in found if t.lstrip("#"))
    hashtags = frozenset(t for t in found if t.startswith("#") and len(t) > 1)
    return Reading(words=words, hashtags=hashtags, joined=f" {' '.join(words)} ")
