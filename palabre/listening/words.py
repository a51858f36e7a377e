"""How listening reads text: folded (case and accents: "Lumière", "LUMIERE" and "lumiere"
are one word), cut into words and hashtags. Searches and posts are read the same way, so
that what a person types matches what people write. Plain Python, no Django."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from palabre.lib.folding import fold

# Words, and hashtags ("#" and its word), found in one pass each (the regex engine is C).
# Apostrophes, hyphens and dots cut words ("l'atelier": "l", "atelier"); a search written
# that way is read as the same sequence.
WORD = re.compile(r"\w+")
HASHTAG = re.compile(r"#\w+")


def spelled(text: str) -> list[str]:
    """The words as written, in lower case with their accents (composed: a letter and a
    combining mark are one letter), each the unfolded form of one of read(text).words."""
    return WORD.findall(unicodedata.normalize("NFC", text).lower())


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


# Read as posts are read (words.fold: no accents, lower case).
STOP_WORDS = frozenset(
    fold(word)
    for word in """
    a au aux avec ce ces cet cette ceci cela ca c d de des du dans en et est es etre ete
    il ils elle elles je j tu t on nous vous leur leurs lui l la le les ma mon mes ta ton
    tes sa son ses notre nos votre vos me m se s ne n pas plus moins ni ou où mais donc or
    car que qu qui quoi quand comme si sur sous par pour sans chez entre vers tres trop
    aussi deja encore tout tous toute toutes rien y ai as avons avez ont suis sommes etes
    sont fait faire fais va vais vont peu bien meme autre autres un une quel quelle
    ici alors puis oui non ça ya voila cest jai
    the a an and or but if of to in on at by for with from as is are was were be been
    being am it its this that these those there here i me my we our you your he him
    his she her they them their what which who whom when where why how not no nor so than
    too very can will just do does did done have has had having would could should may
    might must shall about into over under up down out off again then once all any both
    each few more most other some such only own same s t don now get got im ive dont
    http https www com org net fr amp rt via
    """.split()
)


def telling(word: str) -> bool:
    """Whether a (folded) word says what a post is about: not a stop word, not one or two
    letters. A search made only of such words would match nearly every public post."""
    return len(word) > 2 and word not in STOP_WORDS
