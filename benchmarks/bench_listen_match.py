"""Listening's matcher on one core: posts matched per second against 1,000 saved searches.

Run by benchmarks/run.py; prints one JSON line, the process pinned to one CPU.
`listen_match_per_s`: 1,000 searches of 5 terms each (words, all-of-these words, exact
phrases, hashtags; three in five with exclusions, half kept to one network), as 1,000
small businesses and topics would write them, read by one Matcher; 4,000 French and
English post texts made here as the public stream carries them (mostly about something
else, about one in four naming a business, a place or a topic a search follows), each
matched as the stream does: its text and its network; the fastest of five passes.
Everything is drawn from a seeded random generator: the same run every time.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = 1_000
TERMS = 5
POSTS = 4_000
PASSES = 5
NETWORKS = ["bluesky", "mastodon"]

TRADES = [
    "boulangerie",
    "librairie",
    "fromagerie",
    "brasserie",
    "fleuriste",
    "cave",
    "café",
    "épicerie",
    "atelier",
    "bookshop",
    "bakery",
    "bistrot",
    "pâtisserie",
    "garage",
    "salon",
    "association",
    "théâtre",
    "cinéma",
    "ferme",
    "chocolaterie",
]
NAMES = [
    "lumière",
    "soleil",
    "des quais",
    "du marché",
    "saint-jean",
    "des pentes",
    "la croix",
    "martin",
    "moreau",
    "garnier",
    "bellecour",
    "vieux lyon",
    "du parc",
    "l'olivier",
    "les halles",
    "green door",
    "blue moon",
    "the corner",
    "petit pont",
    "grand rue",
    "la fontaine",
    "du port",
    "des arts",
    "mimosa",
    "coquelicot",
    "tilleul",
    "renard",
    "hirondelle",
    "papillon",
    "ours brun",
]
TOPICS = [
    "pain au levain",
    "vélo cargo",
    "compost urbain",
    "bière artisanale",
    "vin nature",
    "café de spécialité",
    "marché de noël",
    "fête des lumières",
    "zéro déchet",
    "circuit court",
    "sourdough bread",
    "indie bookstore",
    "craft beer",
    "specialty coffee",
    "farmers market",
    "street food",
    "pain perdu",
    "tarte aux pralines",
    "quenelle de brochet",
    "tram t1",
]
PLACES = [
    "lyon",
    "villeurbanne",
    "croix-rousse",
    "confluence",
    "guillotière",
    "grenoble",
    "annecy",
    "marseille",
    "nantes",
    "bordeaux",
    "lille",
    "paris",
    "london",
    "brooklyn",
    "montréal",
]
FILLER_FR = (
    "je suis allé ce matin avec les enfants et franchement c'était super on a bien ri "
    "il fait beau aujourd'hui le tram était encore en retard quelqu'un sait pourquoi "
    "les travaux rue de la république n'en finissent pas vivement le week-end "
    "trop contente de ma journée merci à tous pour vos messages ça fait chaud au cœur "
    "qui vient ce soir au concert on se retrouve devant l'entrée vers vingt heures"
).split()
FILLER_EN = (
    "just had the best morning walking the dog by the river honestly what a day "
    "anyone else stuck on the train again this is the third time this week "
    "can't wait for the weekend we are finally going camping with friends "
    "thanks everyone for the kind messages it really means a lot to me "
    "new blog post is up about what I learned building my first app"
).split()
EMOJI = ["", "", "", " 🥖", " ☕", " 😍", " 🙄", " 🚲", " 📚", " ✨"]


def search_terms(rng: random.Random) -> tuple[list[str], list[str]]:
    """Five terms as a person writes them for a business or a topic, and exclusions."""
    trade, name, place = rng.choice(TRADES), rng.choice(NAMES), rng.choice(PLACES)
    topic = rng.choice(TOPICS)
    terms = [
        f"{trade} {name}",  # all of these words
        f'"{topic}"',  # an exact phrase
        "#" + "".join(c for c in trade + name if c.isalnum()),  # the brand's hashtag
        f"{topic.split()[0]} {place}",  # a topic word and a place
        rng.choice([name, f"#{place.replace('-', '')}", f'"{name} {place}"', topic.split()[-1]]),
    ]
    exclusions = rng.choice([[], [], ["concours"], ["giveaway", "promo"], ["recrute"]])
    return terms, exclusions


def post_text(rng: random.Random) -> str:
    """Mostly ordinary talk; about one post in four names what some search follows."""
    filler = FILLER_FR if rng.random() < 0.7 else FILLER_EN
    start = rng.randrange(len(filler) - 30)
    words = filler[start : start + rng.randint(8, 30)]
    if rng.random() < 0.25:
        mention = rng.choice(
            [
                f"{rng.choice(TRADES).capitalize()} {rng.choice(NAMES).title()}",
                rng.choice(TOPICS),
                f"#{rng.choice(PLACES).replace('-', '')}",
                f"{rng.choice(TOPICS)} à {rng.choice(PLACES).title()}",
                "#" + "".join(c for c in rng.choice(TRADES) + rng.choice(NAMES) if c.isalnum()),
            ]
        )
        words.insert(rng.randrange(len(words)), mention)
    if rng.random() < 0.05:
        words.append(rng.choice(["concours", "giveaway", "promo", "recrute"]))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", " !", " ?", "…", ""]) + rng.choice(EMOJI)


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    import django

    django.setup()
    from palabre.listening.definitions import terms_read
    from palabre.listening.matcher import Matcher, Query

    rng = random.Random(22)
    queries = []
    for search_id in range(1, SEARCHES + 1):
        terms, exclusions = search_terms(rng)
        queries.append(
            Query(
                search_id=search_id,
                terms=terms_read("\n".join(terms), required=True),
                exclusions=terms_read("\n".join(exclusions), required=False),
                networks=frozenset(rng.choice([[], [], ["bluesky"], ["mastodon"]])),
            )
        )
    matcher = Matcher(queries)
    posts = [(post_text(rng), NETWORKS[n % 2]) for n in range(POSTS)]
    matched = sum(bool(matcher.match(text, network=network)) for text, network in posts)
    # The fastest pass, as timeit reports: other work on a shared machine only slows one.
    fastest = min(_pass(matcher, posts) for _ in range(PASSES))
    rate = POSTS / fastest
    print(json.dumps({"name": "listen_match_per_s", "value": round(rate), "unit": "posts/s"}))
    print(f"{matched} of {POSTS} posts matched a search", file=sys.stderr)


def _pass(matcher: Any, posts: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for text, network in posts:
        matcher.match(text, network=network)
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
