"""The curated lexicon of threats, slurs and targeted insults: a high-precision override.

A hit is enough to hide a comment (product rule 3 allows hiding abuse), so the list stays
short and unambiguous; the learned model does the rest, in the grey zone, with review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.tsv"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes: "Tu es MORT’" → "tu es mort'"."""
    text = text.translate(_APOSTROPHES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Entry:
    kind: str  # threat, hate or insult
    lang: str
    pattern: re.Pattern[str]


@cache
def entries() -> tuple[Entry, ...]:
    found = []
    for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, lang, pattern = line.split("\t", 2)
        found.append(Entry(kind, lang, re.compile(pattern)))
    return tuple(found)


def match(folded: str) -> Entry | None:
    """The first entry found in the text, threats first. Languages are not filtered:
    people insult in both, and code-switching is common."""
    for entry in entries():
        if entry.pattern.search(folded):
            return entry
    return None
