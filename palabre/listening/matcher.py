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
from palabre.listening.words import read


@dataclass(frozen=True)
class Query:
    search_id: int
    terms: tuple[Term, ...]
    exclusions: tuple[Term, ...] = ()
    networks: frozenset[str] = frozenset()  # empty: every network


class Matcher:
    def __init__(self, queries: Iterable[Query]) -> None:
        self.queries = {q.search_id: q for q in queries}
        self._filed: dict[str, list[tuple[Term, Query]]] = defaultdict(list)
        for query in self.queries.values():
            for term in query.terms:
                self._filed[term.key].append((term, query))

    def __len__(self) -> int:
        return len(self.queries)

    def match(self, text: str, *, network: str) -> list[int]:
        """The ids of the searches `text`, posted on `network`, matches (in no order)."""
        post = read(text)
        found: dict[int, Query] = {}
        for word in post.vocabulary & self._filed.keys():
            for term, query in self._filed[word]:
                if query.search_id in found:
                    continue
                if query.networks and network not in query.networks:
                    continue
                if term.found_in(post):
                    found[query.search_id] = query
        return [
            search_id
            for search_id, query in found.items()
            if not any(term.found_in(post) for term in query.exclusions)
        ]
