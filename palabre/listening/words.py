"""How listening reads text: folded (case and accents: "Lumière", "LUMIERE" and "lumiere"
are one word), cut into words and hashtags. Searches and posts are read the same way, so
that what a person types matches what people write. Plain Python, no Django."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _fold_table() -> dict[int, str | None]:
    """Each accented Latin letter to its base letters, built once (str.translate is C)."""
    table: dict[int, str | None] = {
        ord("’"): "'",
        ord("œ"): "oe",
        ord("Œ"): "oe",
        ord("æ"): "ae",
        ord("Æ"): "ae",
    }
    # Accents written as a letter and a combining mark (decomposed text, as some phones and
    # macOS send it): the mark goes, or "lumière" would be read as "lumie" and "re".
    for code in range(0x0300, 0x0370):
        table[code] = None
    for code in range(0x00C0, 0x0250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    return table


FOLD = _fold_table()
# Words, and hashtags ("#" and its word), found in one pass each (the regex engine is C).
# Apostrophes, hyphens and dots cut words ("l'atelier": "l", "atelier"); a search written
# that way is read as the same sequence.
WORD = re.compile(r"\w+")
HASHTAG = re.compile(r"#\w+")


def fold(text: str) -> str:
    return text.translate(FOLD).lower()


@dataclass(frozen=True)
class Reading:
    words: tuple[str, ...]  # in order, hashtags as their bare word
    hashtags: frozenset[str]  # "#levain"
    joined: str  # " w1 w2 … ": a phrase is found as a substring " a b "
    vocabulary: frozenset[str]  # the words and the hashtags


def read(text: str) -> Reading:
    folded = fold(text)
    words = tuple(WORD.findall(folded))
    hashtags = frozenset(HASHTAG.findall(folded)) if "#" in folded else frozenset()
    return Reading(
        words=words,
        hashtags=hashtags,
        joined=f" {' '.join(words)} ",
        vocabulary=hashtags.union(words),
    )
