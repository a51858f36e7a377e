"""Splitting a text that is over a network's limit into a thread whose parts each fit."""

from __future__ import annotations

from collections.abc import Callable

MAX_PARTS = 25
# Room kept in every part for its number, " (12/25)", so that numbering never breaks a part.
_LABEL_RESERVE = " (99/99)"
_SENTENCE_ENDS = (".", "!", "?", "…", ":")


def split_thread(network: str, text: str, *, max_chars: int | None = None) -> list[str]:
    """Parts numbered "1/3" that each pass the network's rules; [] when no split works."""
    from palabre.publishing.rules import check_text

    def fits(words: list[str]) -> bool:
        candidate = " ".join(words) + _LABEL_RESERVE
        return check_text(network, candidate, max_chars=max_chars, suggest_thread=False).valid

    words = [w for w in text.split(" ") if w]
    parts: list[str] = []
    start = 0
    while start < len(words):
        if len(parts) == MAX_PARTS:
            return []
        end = _longest_fit(words, start, fits)
        if end == start:
            return []  # a single word longer than the limit
        parts.append(" ".join(words[start:end]))
        start = end
    return [f"{part} ({n}/{len(parts)})" for n, part in enumerate(parts, start=1)]


def _longest_fit(words: list[str], start: int, fits: Callable[[list[str]], bool]) -> int:
    """The end of the longest run of words from `start` that fits, cut after a sentence
    when one ends in its second half."""
    low, high = start, len(words)
    while low < high:  # invariant: words[start:low] fits
        middle = (low + high + 1) // 2
        if fits(words[start:middle]):
            low = middle
        else:
            high = middle - 1
    if low == len(words):
        return low
    for end in range(low, start + (low - start) // 2, -1):
        if words[end - 1].endswith(_SENTENCE_ENDS):
            return end
    return low
