"""The same text pushed everywhere reads as zero effort: flag near-identical variants.

Two variants are compared by the words they share, counted with repetition (the Dice
coefficient of their bags of words): 2 × shared words / all words. It reads the text once,
so a 10,000-character idea on seven networks costs 21 linear comparisons, where difflib's
ratio, used before, was quadratic in the length (two seconds a pair). It is on the same
scale as that ratio for short texts ("72% alike" stays 72%), and it sees what a reader sees:
moving paragraphs around, or adding a hashtag, does not adapt a text.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import regex

from palabre.publishing.rules import messages
from palabre.publishing.rules.base import Problem

DEFAULT_THRESHOLD = 0.9
_NOISE = regex.compile(r"https?://\S+|[@#]\w+")
_WORD = regex.compile(r"\w+")


def words(text: str) -> Counter[str]:
    """The text's words, lower-cased, without links, mentions and hashtags: a hashtag added
    to a copy does not make it adapted."""
    return Counter(_WORD.findall(_NOISE.sub(" ", text.casefold())))


def bags_similarity(first: Counter[str], second: Counter[str]) -> float:
    total = first.total() + second.total()
    if not first or not second:
        return 0.0
    return 2 * (first & second).total() / total


def similarity(first: str, second: str) -> float:
    """From 0 (nothing in common) to 1 (the same words as often), in linear time."""
    return bags_similarity(words(first), words(second))


def same_text_everywhere(
    variants: dict[str, str], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Problem]:
    """One warning naming every group of variants (network label → text) alike at
    `threshold` or more, or none."""
    bags = {label: words(text) for label, text in variants.items()}
    alike: dict[frozenset[str], int] = {}
    for first, second in combinations(sorted(bags), 2):
        ratio = bags_similarity(bags[first], bags[second])
        if ratio >= threshold:
            alike[frozenset((first, second))] = round(ratio * 100)
    if not alike:
        return []
    return [messages.same_text([_group_alike(group, alike) for group in _groups(alike)])]


def _groups(alike: dict[frozenset[str], int]) -> list[list[str]]:
    """Networks linked by alike pairs, each group sorted, in a stable order."""
    group_of: dict[str, set[str]] = {}
    for pair in alike:
        merged = set(pair).union(*(group_of.get(label, set()) for label in pair))
        for label in merged:
            group_of[label] = merged
    unique = {frozenset(group) for group in group_of.values()}
    return sorted(sorted(group) for group in unique)


def _group_alike(group: list[str], alike: dict[frozenset[str], int]) -> str:
    """ "A, B and C are 95% alike" when every pair is; else each alike pair of the group."""
    pairs = [frozenset(p) for p in combinations(group, 2)]
    if all(pair in alike for pair in pairs):
        return messages.alike(group, sorted({alike[pair] for pair in pairs}))
    return messages.list_separator().join(
        messages.alike(sorted(p), [alike[p]]) for p in pairs if p in alike
    )


def media_on_some_networks(
    carrying: dict[str, bool], *, gone: frozenset[str] = frozenset()
) -> list[Problem]:
    """Files chosen in some networks' tabs and not in others' (network label → whether it
    carries any): said, never blocking. Each network may carry its own files (rule 1), but a
    photo ticked in the first tab only is more often forgotten than chosen. `gone`: those
    that went out already, whose tabs are locked: never asked to choose."""
    some = sorted(label for label, carries in carrying.items() if carries)
    none = sorted(label for label, carries in carrying.items() if not carries and label not in gone)
    return [messages.media_on_some(some, none)] if some and none else []
