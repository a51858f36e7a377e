"""What a saved search looks for, read from what a person typed, with the reasons it is
refused in their words. One term per line (or separated by commas):

- a word: `levain` (accents and case do not matter: "Lumière" finds "lumiere");
- several words: `pain levain lyon`: all of them, in any order;
- an exact phrase, in quotes: `"pain au levain"`; a word written with punctuation inside
  (`l'atelier`, `lumiere.fr`) is one too;
- a hashtag: `#levain` (the word alone finds the hashtag too).

Exclusions are written the same way: a post with any of them is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from palabre.listening.words import Reading, fold, read, spelled, telling

MOST_TERMS = 50  # per list (terms, exclusions): a brand, its misspellings, its products
MOST_WORDS = 10  # per term
LONGEST_TERM = 100  # characters
# Characters of regular expressions and search-engine operators: Palabre does not read
# them, and a person who types them expects something it would not do ("levain -lyon" is
# not an exclusion here: exclusions have their own list).
PATTERN = re.compile(r"[*?+\[\](){}\\^$|<>~]|^/.*/$|^-|\s-\w")
QUOTES = '"“”«»„'
MINUS = re.compile(r"^-|\s-\w")  # "-lyon", "levain -lyon": an exclusion, search-engine style
# Search-engine operators, as people type them (in capitals): Palabre's lines are the "or".
OPERATORS = frozenset({"OR", "AND", "NOT", "OU", "SAUF"})
SEPARATORS = re.compile(r"[\n,;]")


class DefinitionError(ValueError):
    """What is wrong with a definition, for the person who wrote it."""


@dataclass(frozen=True)
class Term:
    text: str  # as written, for the page
    words: tuple[str, ...]  # folded
    hashtag: str = ""  # "#levain" when the term is a hashtag
    phrase: bool = False  # the words in this order, next to each other
    # The words as written, in lower case with their accents, one for each of `words`
    # (empty where folding changed how many there are): what a network is sent.
    spellings: tuple[str, ...] = ()

    def found_in(self, post: Reading) -> bool:
        if self.hashtag:
            return self.hashtag in post.hashtags
        if self.phrase:
            return self.needle in post.joined
        vocabulary = post.vocabulary
        return all(word in vocabulary for word in self.words)

    @cached_property
    def needle(self) -> str:
        """A phrase as it is found in Reading.joined (made once: the matcher asks often)."""
        return f" {' '.join(self.words)} "

    @property
    def single(self) -> bool:
        """Found wherever its key is: one word, or a hashtag."""
        return bool(self.hashtag) or len(self.words) == 1

    @property
    def key(self) -> str:
        """The word a post must contain for this term to be worth checking (the longest:
        usually the rarest); a hashtag's is the hashtag itself."""
        return self.hashtag or max(self.words, key=len)

    @property
    def query(self) -> str:
        """What a network's search is sent: one word or a hashtag, as written in lower case
        (the local Bluesky AppView matches a case-sensitive substring, and a network may
        not fold accents: "lumière" and "lumiere", both written, are both sent; Palabre
        checks the rest itself)."""
        if not self.spellings:
            return self.hashtag or self.key
        if self.hashtag:
            return f"#{self.spellings[0]}"
        return self.spellings[self.words.index(self.key)]


def lines(typed: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(typed or "") if part.strip()]


def term_read(text: str, *, narrow: bool = True) -> Term:
    """One term. `narrow`: it must say what a post is about (a search's terms; its
    exclusions need not): a term of stop words and one- or two-letter words alone would
    match nearly every public post, and fill the stream process and the workspace."""
    if len(text) > LONGEST_TERM:
        raise DefinitionError(
            _("“%(term)s…” is too long: at most %(most)d characters per term.")
            % {"term": text[:30], "most": LONGEST_TERM}
        )
    if MINUS.search(text):
        raise DefinitionError(
            _(
                "“%(term)s”: write the words to leave out without the minus sign, under “Leave out posts with”."
            )
            % {"term": text}
        )
    if OPERATORS & set(text.split()):
        raise DefinitionError(
            _(
                "“%(term)s”: write each alternative on its own line; a post is found when any line matches."
            )
            % {"term": text}
        )
    if PATTERN.search(text.strip(QUOTES)):
        raise DefinitionError(
            _(
                "“%(term)s” looks like a pattern. Palabre looks for words, phrases and "
                "hashtags as they are written: list each form you want (levain, levains)."
            )
            % {"term": text}
        )
    quoted = len(text) > 1 and text[0] in QUOTES and text[-1] in QUOTES
    bare = text.strip(QUOTES).strip()
    reading = read(bare)
    if not reading.words:
        raise DefinitionError(_("“%(term)s” has no word to look for.") % {"term": text})
    if len(reading.words) > MOST_WORDS:
        raise DefinitionError(
            _("“%(term)s” has too many words: at most %(most)d per term.")
            % {"term": text[:30], "most": MOST_WORDS}
        )
    spellings = _spellings(bare, reading.words)
    if bare.startswith("#") and len(reading.words) == 1 and len(reading.hashtags) == 1:
        hashtag = next(iter(reading.hashtags))
        return Term(text=bare, words=reading.words, hashtag=hashtag, spellings=spellings)
    if narrow and not any(telling(word) for word in reading.words):
        raise DefinitionError(
            _("“%(term)s” is in almost every post: add a word that says what it is about.")
            % {"term": text}
        )
    # "#l'atelier" is read like "l'atelier": a post's "#l'atelier" is the hashtag "#l".
    one_piece = " " not in bare  # l'atelier, lumiere.fr
    # A phrase of one word is that word: `"levain"` and `levain` are one term.
    phrase = (quoted or one_piece) and len(reading.words) > 1
    return Term(text=bare, words=reading.words, phrase=phrase, spellings=spellings)


def _spellings(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """`text`'s words in lower case with their accents, if they are `words` unfolded."""
    written = tuple(spelled(text))
    return written if tuple(fold(w) for w in written) == words else ()


def terms_read(typed: str, *, required: bool) -> tuple[Term, ...]:
    """The terms of one list, in order, repeats dropped; DefinitionError names the first
    thing wrong."""
    found = lines(typed)
    if required and not found:
        raise DefinitionError(_("Give at least one word, phrase or hashtag to look for."))
    if len(found) > MOST_TERMS:
        raise DefinitionError(
            _("%(count)d terms is too many: at most %(most)d per list.")
            % {"count": len(found), "most": MOST_TERMS}
        )
    # A repeat matches the same posts and sends the same query; "Lumière" and "lumiere"
    # match the same posts, but are two queries (a network may not fold accents).
    terms: dict[tuple[str, tuple[str, ...], bool, str], Term] = {}
    for text in found:
        term = term_read(text, narrow=required)
        terms.setdefault((term.hashtag, term.words, term.phrase, term.query), term)
    return tuple(terms.values())
