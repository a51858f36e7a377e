"""Finding a word as people type it in the rows people wrote: accents and case aside
("creme" finds "Crème", "dvorak" finds "Dvořák", "москва" finds "МОСКВА"), on SQLite and
PostgreSQL alike.

Each typed word becomes one regular expression in which every letter is the class of all
the letters that fold to it (palabre.lib.folding: "e" is [eEéÉèÈêÊ…], "oe" is also œ),
each followed by any combining marks (accents written apart, as some phones send them).
It is the fold, spelt where the database matches: no function runs on each row, and no
collation decides what a capital is. (A first version folded every row in SQL with
PostgreSQL's translate(): 20 s for a word over 100,000 comments.)
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.db.models import Q

from palabre.lib.folding import FOLD, fold

MAX_WORDS = 8  # a search's words: each one a condition
MAX_LENGTH = 200  # a search's characters, on the pages and in the API
_MARKS = "[\u0300-\u036f]*"  # accents written apart, after their letter


@cache
def _joined() -> dict[str, str]:
    """Each pair of letters one letter folds to ("oe": œ, "ss": ß, "ij": ĳ), and those
    letters, upper case included."""
    found: dict[str, set[str]] = {}
    for code, to in FOLD.items():
        if to is not None and len(to) == 2:
            found.setdefault(to.lower(), set()).add(chr(code))
    return {pair: "".join(sorted(letters)) for pair, letters in found.items()}


@cache
def _variants() -> dict[str, str]:
    """Each folded letter, and every letter that folds to it (upper case included)."""
    found: dict[str, set[str]] = {}
    for code, to in FOLD.items():
        if to is not None and len(to) == 1:
            found.setdefault(to.lower(), set()).add(chr(code))
    return {letter: "".join(sorted(others)) for letter, others in found.items()}


def _letter(char: str) -> str:
    """One folded character as a class of everything that folds to it."""
    others = _variants().get(char, "")
    if char == "'":
        others += "’"
    if char == "σ":
        others += "ς"  # Greek: the final form lowers to the same letter
    upper = char.upper() if len(char.upper()) == 1 else char  # "ß" is "SS": not one letter
    shapes = sorted({char, upper, *others})
    if len(shapes) == 1:
        return re.escape(char)
    return "[" + "".join(re.escape(shape) for shape in shapes) + "]"


def word_pattern(word: str) -> str:
    """The regular expression that finds `word` as people type it (see the module)."""
    folded = fold(word)
    parts, index = [], 0
    while index < len(folded):
        pair = folded[index : index + 2]
        joined = _joined().get(pair)
        if joined:  # also the one letter: "oe" is œ too, "ss" is ß
            one = "[" + "".join(re.escape(c) for c in joined) + "]"
            parts.append(f"(?:{_letter(pair[0])}{_MARKS}{_letter(pair[1])}|{one})")
            index += 2
        else:
            parts.append(_letter(folded[index]))
            index += 1
        parts.append(_MARKS)
    return "".join(parts)


def search_words(text: str) -> list[str]:
    """The words of a search that say something once folded (a lone accent says nothing:
    it matched every row)."""
    return _words(text)[:MAX_WORDS]


def words_beyond(text: str) -> list[str]:
    """The words past MAX_WORDS, which a search leaves out (and says so)."""
    return _words(text)[MAX_WORDS:]


def _words(text: str) -> list[str]:
    """Each word once (as folded), in the order typed, without invisible characters (a
    zero-width space pasted with a name found nobody); a word of marks alone is none."""
    seen: dict[str, str] = {}
    for typed in text.split():
        word = "".join(c for c in typed if unicodedata.category(c) != "Cf")
        folded = fold(word).strip()
        if any(not unicodedata.category(c).startswith("M") for c in folded):
            seen.setdefault(folded, word)
    return list(seen.values())


def word_found(field: str, word: str) -> Q:
    """`word` anywhere in `field`, accents and case aside."""
    return Q(**{f"{field}__regex": word_pattern(word)})
