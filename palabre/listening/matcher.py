"""One compiled matcher for every saved search of every workspace: a post in, the searches
it matches out. Built once from the searches (again when one changes), then read by the
event stream for every public post of the network, a few hundred a second, on one core.

Each term is filed under one word (Term.key): a post is read once (words.py) and only the
terms filed under its words are checked; exclusions the same way, only for the searches
that matched. Plain Python, no Django.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from palabre.listening.definitions import Term
from palabre.listening.words import Reading, read


@dataclass(frozen=True)
class Query:
    search_id: int
    terms: tuple[Term, ...]
    exclusions: tuple[Term, ...] = ()
    networks: frozenset[str] = frozenset()  # empty: every network


class Matcher:
    def __init__(self, queries: Iterable[Query]) -> None:
        self.queries = {q.search_id: q for q in queries}
        # Under each word: the searches a post with that word matches for sure (a term of
        # one word, a hashtag), and the terms that need a closer look (several words: all
        # of them, or the phrase), each as (search id, its words, its phrase or "").
        self._sure: dict[str, set[int]] = defaultdict(set)
        self._check: dict[str, list[tuple[int, frozenset[str], str]]] = defaultdict(list)
        for query in self.queries.values():
            for term in query.terms:
                if term.single:
                    self._sure[term.key].add(query.search_id)
                else:
                    needle = term.needle if term.phrase else ""
                    self._check[term.key].append((query.search_id, frozenset(term.words), needle))
        self._keys = frozenset(self._sure) | frozenset(self._check)
        # The searches kept to some networks or with exclusions (the others keep any match).
        self._limited = {
            q.search_id: q for q in self.queries.values() if q.networks or q.exclusions
        }

    def __len__(self) -> int:
        return len(self.queries)

    def match(self, text: str, *, network: str) -> list[int]:
        """The ids of the searches `text`, posted on `network`, matches (in no order)."""
        post = read(text)
        keys = self._keys.intersection(post.vocabulary)
        if not keys:
            return []  # most posts: about something else
        found: set[int] = set()
        for key in keys:
            if key in self._sure:
                found.update(self._sure[key])
        vocabulary, joined = post.vocabulary, post.joined
        for key in keys:
            for search_id, words, needle in self._check.get(key, ()):
                if search_id in found:
                    continue
                if (needle in joined) if needle else vocabulary.issuperset(words):
                    found.add(search_id)
        limited = self._limited
        return [s for s in found if s not in limited or _kept(limited[s], post, network)]


def _kept(query: Query, post: Reading, network: str) -> bool:
    """Not filtered out by the search's networks or exclusions (checked after the terms:
    most posts match no search)."""
    if query.networks and network not in query.networks:
        return False
    return not any(term.found_in(post) for term in query.exclusions)
