"""The curated lexicon of threats, slurs and targeted insults: a high-precision override.

A hit is enough to hide a comment (product rule 3 allows hiding abuse), so the list stays
short and unambiguous; the learned model does the rest, in the grey zone, with review.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.tsv"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes: "Tu es MORT’" → "tu es mort'". The
    compatibility forms first, so that "𝐈 𝐊𝐍𝐎𝐖 𝐖𝐇𝐄𝐑𝐄" or full-width letters read as the
    plain ones (they are how people slip past word lists)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).lower()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Entry:
    kind: str  # threat, hate or insult
    lang: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """The entries, in order, and the strings that tell which could match a text: every
    match of an entry contains one of its needed strings. Looking for the ~500 strings with
    `in` costs a fraction of running ~100 regular expressions on every comment, and most
    comments hold none of them."""

    entries: tuple[Entry, ...]
    strings: tuple[str, ...]  # every entry's needed strings
    needing: dict[str, frozenset[int]]  # string -> the entries that need it
    unfiltered: frozenset[int]  # entries with no needed string known: always searched

    def candidates(self, folded: str) -> list[int]:
        found = [s for s in self.strings if s in folded]
        return sorted(self.unfiltered.union(*(self.needing[s] for s in found)))


@cache
def lexicon() -> Lexicon:
    entries: list[Entry] = []
    needing: defaultdict[str, set[int]] = defaultdict(set)
    unfiltered: set[int] = set()
    for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, lang, pattern = line.split("\t", 2)
        index = len(entries)
        entries.append(Entry(kind, lang, re.compile(pattern)))
        needs = required_strings(pattern)
        for string in needs:
            needing[string].add(index)
        if not needs:
            unfiltered.add(index)
    frozen = {string: frozenset(found) for string, found in needing.items()}
    return Lexicon(tuple(entries), tuple(frozen), frozen, frozenset(unfiltered))


def entries() -> tuple[Entry, ...]:
    return lexicon().entries


def match(folded: str) -> Entry | None:
    """The first entry found in the text, threats first. Languages are not filtered:
    people insult in both, and code-switching is common."""
    found = lexicon()
    for index in found.candidates(folded):
        entry = found.entries[index]
        if entry.pattern.search(folded):
            return entry
    return None


def required_strings(pattern: str) -> frozenset[str]:
    """Strings one of which every match of `pattern` contains, read from the standard
    library's own parse of it; empty when none is sure (flags, or nothing literal)."""
    parsed = _parser.parse(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return frozenset()
    return _best(list(parsed)) or frozenset()


def _best(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Of a sequence's required parts, the most selective: the shortest string longest,
    then the fewest strings to look for."""
    options = _required_parts(items)
    if not options:
        return None
    return max(options, key=lambda strings: (min(map(len, strings)), -len(strings)))


def _required_parts(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Each part every match of the sequence must contain: a run of literal characters, or
    a group, alternation or repetition (at least once) that needs strings of its own."""
    parts, run = [], ""
    for op, arg in items:
        if op is sre.LITERAL:
            run += chr(arg)
            continue
        if run:
            parts.append(frozenset([run]))
            run = ""
        needed = _required_by(op, arg)
        if needed:
            parts.append(needed)
    if run:
        parts.append(frozenset([run]))
    return parts


def _shortest(strings: frozenset[str]) -> frozenset[str]:
    """Without the strings that contain another one: "burn" is found in "burn down"."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def _required_by(op: Any, arg: Any) -> frozenset[str] | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, items = arg
        return None if add_flags or del_flags else _best(list(items))
    if op is sre.BRANCH:
        branches = [_best(list(branch)) for branch in arg[1]]
        if any(strings is None for strings in branches):
            return None  # one way through needs nothing known
        return _shortest(frozenset().union(*branches))  # type: ignore[arg-type]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
        return _best(list(arg[2]))
    return None  # a class, a lookaround, an anchor, an optional part: nothing sure
