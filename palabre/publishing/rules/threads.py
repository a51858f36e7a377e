"""Splitting a text that is over a network's limit into a thread whose parts each fit.

Each part is the longest run of words that passes the network's own check. The search
starts from a guess (as many words as the limit holds in plain characters) and moves by
doubling steps, so each check reads about one part, never the rest of a long text: a
10,000-character idea splits in linear time, where a search over the whole rest read it
again for every part.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_PARTS = 25
# Room kept in every part for its number, " (12/25)", so that numbering never breaks a part.
_LABEL_RESERVE = " (99/99)"
_SENTENCE_ENDS = (".", "!", "?", "…", ":")

Fits = Callable[[list[str]], bool]


def split_thread(network: str, text: str, *, max_chars: int | None = None) -> list[str]:
    """Parts numbered "1/3" that each pass the network's rules; [] when no split works."""
    from palabre.publishing.rules import _limit, check_text

    def fits(words: list[str]) -> bool:
        candidate = " ".join(words) + _LABEL_RESERVE
        return check_text(network, candidate, max_chars=max_chars, suggest_thread=False).valid

    budget = (max_chars or _limit(network)) - len(_LABEL_RESERVE)
    words = [w for w in text.split(" ") if w]
    parts: list[str] = []
    start = 0
    while start < len(words):
        if len(parts) == MAX_PARTS:
            return []
        end = _longest_fit(words, start, fits, _guess(words, start, budget))
        if end == start:
            return []  # a single word longer than the limit
        parts.append(" ".join(words[start:end]))
        start = end
    return [f"{part} ({n}/{len(parts)})" for n, part in enumerate(parts, start=1)]


def may_fit_in_a_thread(text: str, *, length: int, maximum: int) -> bool:
    """False when no thread can hold the text, told from its count alone (`length`, in the
    network's unit): every network's count adds up word by word, and cutting between words
    saves a space, so a text over MAX_PARTS × (limit + 1) needs more parts than allowed."""
    extra_spaces = len(text) - len(" ".join(w for w in text.split(" ") if w))
    return length - extra_spaces <= MAX_PARTS * (maximum + 1)


def _guess(words: list[str], start: int, budget: int) -> int:
    """The end of the run of words that holds `budget` plain characters: where most parts
    end (links, emoji and wide characters count differently on some networks)."""
    end, used = start, -1
    while end < len(words) and used + 1 + len(words[end]) <= budget:
        used += 1 + len(words[end])
        end += 1
    return max(end, start + 1)


def _longest_fit(words: list[str], start: int, fits: Fits, guess: int) -> int:
    """The end of the longest run of words from `start` that fits, cut after a sentence
    when one ends in its second half."""
    low, high = _bracket(words, start, fits, guess)
    while low < high:  # invariant: words[start:low] fits, words[start:high + 1] does not
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


def _bracket(words: list[str], start: int, fits: Fits, guess: int) -> tuple[int, int]:
    """Bounds (low fits, high + 1 does not) of the longest fit: from the guess, steps of
    1, 2, 4… words up while the run fits, or down until it does."""
    guess = min(guess, len(words))
    if fits(words[start:guess]):
        low, step = guess, 1
        while low < len(words):
            high = min(low + step, len(words))
            if not fits(words[start:high]):
                return low, high - 1
            low, step = high, step * 2
        return low, low
    high, step = guess - 1, 1
    while True:
        probe = max(guess - step, start)
        if probe == start or fits(words[start:probe]):
            return probe, high
        high, step = probe - 1, step * 2
