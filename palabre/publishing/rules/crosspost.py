"""The same text pushed everywhere reads as zero effort: flag near-identical variants."""

from __future__ import annotations

from difflib import SequenceMatcher
from itertools import combinations

import regex

from palabre.publishing.rules import messages
from palabre.publishing.rules.base import Problem

DEFAULT_THRESHOLD = 0.9
_NOISE = regex.compile(r"https?://\S+|[@#]\w+|\s+")


def _normalized(text: str) -> str:
    return _NOISE.sub(" ", text.casefold()).strip()


def similarity(first: str, second: str) -> float:
    a, b = _normalized(first), _normalized(second)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def same_text_everywhere(
    variants: dict[str, str], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Problem]:
    """One warning per pair of variants (network label → text) alike at `threshold` or more."""
    found = []
    for (first, a), (second, b) in combinations(sorted(variants.items()), 2):
        ratio = similarity(a, b)
        if ratio >= threshold:
            found.append(messages.same_text(round(ratio * 100), first, second))
    return found
