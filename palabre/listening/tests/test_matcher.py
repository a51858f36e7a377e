"""One matcher for every search: a post in, the searches it matches out (matcher.py)."""

from __future__ import annotations

import random

from palabre.listening.definitions import terms_read
from palabre.listening.matcher import Matcher, Query
from palabre.listening.words import read

BRAND, TOPIC, RIVAL, TAG, BLUESKY_ONLY = 1, 2, 3, 4, 5


def query(
    search_id: int, terms: str, exclusions: str = "", networks: tuple[str, ...] = ()
) -> Query:
    return Query(
        search_id=search_id,
        terms=terms_read(terms, required=True),
        exclusions=terms_read(exclusions, required=False),
        networks=frozenset(networks),
    )


MATCHER = Matcher(
    [
        query(BRAND, "Boulangerie Lumière\nboulangerie lumiere\n#boulangerielumiere\nlumiere.fr"),
        query(TOPIC, '"pain au levain"\nlevain lyon\n#levain', exclusions="recrute\n#pub"),
        query(RIVAL, "Fournil des Pentes\n#fournildespentes\nl'atelier du fournil"),
        query(TAG, "#croixrousse"),
        query(BLUESKY_ONLY, "croissant", networks=("bluesky",)),
    ]
)


def matched(text: str, network: str = "bluesky") -> set[int]:
    found = MATCHER.match(text, network=network)
    assert len(found) == len(set(found)), "a search is matched once"
    return set(found)


def test_size() -> None:
    assert len(MATCHER) == 5


def test_a_post_about_something_else_matches_nothing() -> None:
    assert matched("Il pleut sur Lyon, le tram est en retard") == set()
    assert matched("") == set()
    assert matched("🥖🥖🥖 !!!") == set()


def test_accents_and_case_do_not_matter() -> None:
    assert matched("Passée à la BOULANGERIE LUMIÈRE ce matin") == {BRAND}
    assert matched("boulangerie lumiere, rue d'Austerlitz") == {BRAND}
    assert matched("La Lumière de la boulangerie d'en face") == {BRAND}  # all of the words


def test_all_of_these_words_in_any_order() -> None:
    assert matched("Le levain de ce boulanger à Lyon est fou") == {TOPIC}
    assert matched("Le levain est fou") == set()


def test_exact_phrase_only_in_that_order() -> None:
    assert matched("Enfin du vrai pain au levain !") == {TOPIC}
    assert matched("Enfin du vrai pain de levain !") == set()
    assert matched("Du levain au pain") == set()


def test_a_word_finds_its_hashtag_a_hashtag_only_the_hashtag() -> None:
    assert matched("Ma fournée #levain du dimanche") == {TOPIC}
    assert matched("Ma fournée de levain du dimanche") == set()  # only the hashtag was asked
    assert matched("Balade #CroixRousse") == {TAG}
    assert matched("Balade à la Croix-Rousse") == set()
    assert matched("Un #croissant chez eux", network="bluesky") == {BLUESKY_ONLY}


def test_terms_joined_by_punctuation() -> None:
    assert matched("Commandes sur https://www.lumiere.fr/commande") == {BRAND}
    assert matched("Lumière fr est une radio") == {BRAND}  # the same words in that order
    assert matched("Cours du soir à l’Atelier du Fournil") == {RIVAL}
    assert matched("L'atelier de mon fournil") == set()


def test_several_searches_at_once() -> None:
    found = matched(
        "Boulangerie Lumière ou Fournil des Pentes pour le pain au levain ? #CroixRousse"
    )
    assert found == {BRAND, TOPIC, RIVAL, TAG}


def test_exclusions_leave_a_post_out_of_their_search_only() -> None:
    assert matched("Boulangerie Lumière recrute pour son pain au levain") == {BRAND}
    assert matched("Pain au levain en promo #pub") == set()
    assert matched("Pain au levain en promo #publicité") == {TOPIC}  # another hashtag
    assert matched("Pain au levain, pub à la radio") == {TOPIC}  # the word, not the hashtag


def test_network_filters() -> None:
    assert matched("Le croissant du jour", network="bluesky") == {BLUESKY_ONLY}
    assert matched("Le croissant du jour", network="mastodon") == set()
    assert matched("Le croissant de la Boulangerie Lumière", network="mastodon") == {BRAND}


def test_an_empty_matcher_matches_nothing() -> None:
    assert Matcher([]).match("Boulangerie Lumière", network="bluesky") == []


def test_a_search_replaced_by_id_keeps_the_newest() -> None:
    matcher = Matcher([query(7, "levain"), query(7, "croissant")])
    assert len(matcher) == 1
    assert matcher.match("un croissant", network="bluesky") == [7]


def test_matches_what_each_search_finds_alone() -> None:
    """The filing by word finds exactly what checking every search against every post
    finds, on posts made of the searches' own words, in any mix."""
    queries = [
        query(1, 'Boulangerie Lumière\n#lumiere\n"pain au levain"', exclusions="promo"),
        query(2, "levain lyon\n#levain\nl'atelier", networks=("mastodon",)),
        query(3, '"au levain"\npain\n#pain', exclusions='#promo\n"pain perdu"'),
        query(4, "lyon croix rousse\n#lyon"),
        query(5, "atelier"),
    ]
    matcher = Matcher(queries)
    vocabulary = "le pain au levain de la boulangerie lumière à lyon l'atelier croix rousse"
    words = [
        *vocabulary.split(),
        "#levain",
        "#lumiere",
        "#pain",
        "#lyon",
        "#promo",
        "promo",
        "perdu",
    ]
    rng = random.Random(22)
    for _ in range(2_000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        network = rng.choice(["bluesky", "mastodon"])
        assert sorted(matcher.match(text, network=network)) == alone(queries, text, network), text


def alone(queries: list[Query], text: str, network: str) -> list[int]:
    post = read(text)
    return sorted(
        q.search_id
        for q in queries
        if (not q.networks or network in q.networks)
        and any(t.found_in(post) for t in q.terms)
        and not any(t.found_in(post) for t in q.exclusions)
    )
