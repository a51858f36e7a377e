"""Listening's part of the demo: the bakery's three saved searches (its name and how people
misspell it, "pain au levain" in Lyon, a rival bakery up the hill) and a month of public
posts they heard on Bluesky and Mastodon, then the hourly upkeep, which finds the spike.

The posts are made up from a seeded generator (the same month every time for the same
hour), mostly in French, some in English, by a few regulars and many occasional authors,
with the rhythm of a bakery's talk: mornings, lunch and the evening, more at weekends,
little at night. Each is linked to the searches Palabre's own matcher finds in it, and
read by the moderation model as the stream would have it read. On the latest morning the
local newspaper ran an article on the bakery: the brand is heard ten times as much.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.inbox.moderation import texts_classify
from palabre.listening.matcher import Matcher
from palabre.listening.models import Heard, ListeningSettings, Role, Search
from palabre.listening.services import listening_settings, matcher_build
from palabre.listening.upkeep import HOUR, last_complete_hour, spikes_find

SEED = 22
DAYS = 30
SEARCHES = [
    (
        "Boulangerie Lumière",
        Role.BRAND,
        # How people write it: without the accent, in the plural, as a hashtag, its site.
        "Boulangerie Lumière\nboulangerie lumiere\nboulangerie lumieres\n"
        "#boulangerielumiere\nlumiere-boulangerie.fr",
        # Lyon's festival of lights is another "lumières".
        '"fête des lumières"',
    ),
    (
        "Pain au levain à Lyon",
        Role.TOPIC,
        '"pain au levain"\nlevain lyon\n#levain\nsourdough lyon',
        "recrute\n#emploi",
    ),
    ("Fournil des Pentes", Role.COMPETITOR, '"Fournil des Pentes"\n#fournildespentes', ""),
]
# Posts a day on weekdays and at weekends, per search (the spike aside).
PER_DAY = {Role.BRAND: (5, 8), Role.TOPIC: (4, 6), Role.COMPETITOR: (2, 3)}
# The bakery's day, local time: breakfast, lunch, the way home.
HOURLY = [0.1, 0.05, 0, 0, 0, 0.1, 0.4, 1.0, 1.3, 1.0, 0.8, 0.9]
HOURLY += [1.2, 1.0, 0.6, 0.6, 0.8, 1.1, 1.2, 1.0, 0.8, 0.7, 0.5, 0.3]
# The article's morning: posts about the brand from 8:00, hour by hour.
SPIKE = [6, 14, 11, 11]
ARTICLE_HOUR = time(8)

SLOTS = {
    "quartier": "la Croix-Rousse|Saint-Jean|la Guillotière|Monplaisir|Vaise|la Presqu'île",
    "le_produit": "le croissant|le flan|le chausson aux pommes|la brioche aux pralines|"
    "le pain au chocolat|la tourte de seigle|la baguette tradition|le pain aux raisins",
    "des_produits": "croissants|flans|chaussons aux pommes|pains au chocolat|"
    "brioches aux pralines|baguettes tradition",
    "jour": "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
    "heure": "11|12|17|18",
    "minutes": "15|20|25|30",
    "prenom": "Léo|Maya|Jules|Lina|Noé|Zoé",
    "product": "croissants|sourdough|cinnamon rolls|baguettes|pain au chocolat",
    "day": "Saturday|Sunday|Monday|Friday",
    "fin": "|| !| 🥖| 😍| 🙏| #Lyon| #lyon69|…",
}
# (language, text): each names what its search follows, as people write it.
POSTS = {
    Role.BRAND: [
        ("fr", "Les croissants de la Boulangerie Lumière ce matin, toujours aussi bons{fin}"),
        ("fr", "Quelqu'un sait si la Boulangerie Lumière est ouverte {jour} ?"),
        (
            "fr",
            "Plus de {des_produits} à {heure}h chez Boulangerie Lumière, faudrait en faire plus",
        ),
        ("fr", "Goûté {le_produit} à la boulangerie lumiere ce matin, délicieux{fin}"),
        ("fr", "File d'attente jusqu'au trottoir devant la Boulangerie Lumière ce {jour} 😅"),
        ("fr", "Merci la #BoulangerieLumiere pour le gâteau d'anniversaire de {prenom} 🎂"),
        ("fr", "Boulangerie Lumière : {le_produit} a encore augmenté. Ça pique un peu."),
        ("fr", "Passée à la boulangerie Lumières, {le_produit} est dingue{fin}"),
        ("fr", "Vendeuse adorable à la Boulangerie Lumière ce matin, ça fait plaisir{fin}"),
        ("fr", "Des ateliers pain pour enfants à la Boulangerie Lumière ? {prenom} adorerait"),
        ("fr", "Accueil un peu sec à la boulangerie Lumière aujourd'hui, dommage"),
        ("fr", "Commande passée sur lumiere-boulangerie.fr pour {jour}, on verra bien"),
        ("fr", "#BoulangerieLumiere {le_produit} du {jour}, c'est sacré{fin}"),
        ("fr", "La Boulangerie Lumière ferme à quelle heure le {jour} ?"),
        (
            "fr",
            "Ma commande chez Boulangerie Lumière n'était pas prête, {minutes} minutes d'attente",
        ),
        ("fr", "Nouvelle boulangerie du quartier : la Boulangerie Lumière. Validée{fin}"),
        ("fr", "La Boulangerie Lumière fait des {des_produits} sans gluten ? Pour {prenom}"),
        ("fr", "{prenom} ne jure que par la Boulangerie Lumière depuis qu'on a déménagé"),
        ("fr", "Boulangerie Lumière fermée {jour} sans prévenir, la porte close à 8h 😤"),
        ("fr", "Les {des_produits} de la boulangerie lumiere valent le détour{fin}"),
        ("en", "Best croissant I've had in Lyon so far: Boulangerie Lumière. Worth the queue."),
        ("en", "Does Boulangerie Lumiere take cards? Heading there on {day}."),
        ("en", "Boulangerie Lumière ran out of {product} by 10am again 😩"),
        ("en", "The {product} at Boulangerie Lumière are unreal{fin}"),
    ],
    Role.TOPIC: [
        ("fr", "Je cherche du bon pain au levain vers {quartier}, des idées ?"),
        ("fr", "Mon premier pain au levain maison, la mie n'est pas parfaite mais je suis fière"),
        ("fr", "Mon levain a survécu aux vacances, retour à Lyon et il bulle encore{fin}"),
        ("fr", "Atelier levain {jour} à Lyon, il reste trois places"),
        ("fr", "Pourquoi le pain au levain coûte plus cher ? Vraie question."),
        ("fr", "Ma boulangère dit que son levain a douze ans. Respect. #levain"),
        ("fr", "Débat du jour : pain au levain ou baguette tradition ?"),
        ("fr", "Marché de {quartier} : un stand de pain au levain au feu de bois{fin}"),
        ("fr", "Le pain au levain se garde une semaine, la baguette une journée. Vite vu."),
        ("fr", "Farine de seigle, eau, patience. #levain #faitmaison"),
        ("fr", "Qui peut me dépanner en levain sur Lyon ? Le mien n’a pas survécu 😢"),
        ("fr", "Du pain au levain le {jour} pour le brunch, et rien d'autre{fin}"),
        ("fr", "Le pain au levain digère mieux, c'est vrai ou c'est du marketing ?"),
        ("fr", "Recette de {prenom} : pain au levain et noix, 24 h de pousse #levain"),
        ("fr", "Trop acide, le pain au levain de ma boulangerie ce {jour}"),
        ("en", "Looking for proper sourdough in Lyon, any tips?"),
        ("en", "Day {heure} of my sourdough starter #levain"),
        ("en", "Lyon has the best sourdough I've had outside San Francisco, fight me"),
    ],
    Role.COMPETITOR: [
        ("fr", "Le Fournil des Pentes a rouvert après travaux, la devanture est superbe"),
        ("fr", "Fournil des Pentes : la tarte aux pralines du {jour}, un délice{fin}"),
        ("fr", "{minutes} minutes d'attente au Fournil des Pentes ce matin pour une baguette"),
        ("fr", "Le Fournil des Pentes ouvre le dimanche maintenant ?"),
        ("fr", "#FournilDesPentes nouvelle viennoiserie au sarrasin, testée et approuvée"),
        ("fr", "Au Fournil des Pentes, {le_produit} a changé de recette, moins bon"),
        ("fr", "Le Fournil des Pentes livre à {quartier} ? Quelqu'un a essayé ?"),
        ("fr", "Les {des_produits} du Fournil des Pentes, une valeur sûre{fin}"),
        ("en", "Fournil des Pentes does a great praline brioche, highly recommend"),
    ],
}
# Now and then a post names two of them: what share of voice and co-occurrence read.
BOTH = [
    ("fr", "Vous préférez le Fournil des Pentes ou la Boulangerie Lumière ? Débat au bureau"),
    ("fr", "Le pain au levain de la Boulangerie Lumière, meilleur que celui du Fournil des Pentes"),
    ("fr", "Le pain au levain de la Boulangerie Lumière tient toute la semaine{fin}"),
    ("en", "Boulangerie Lumière or Fournil des Pentes for sourdough in Lyon? Asking for a friend"),
]
ARTICLE = [
    ("fr", "La Boulangerie Lumière dans Le Progrès ce matin ! Leur four à bois, bravo 👏"),
    ("fr", "Vu l'article du Progrès sur la Boulangerie Lumière, on ira tester {jour}"),
    (
        "fr",
        "Contente pour notre boulangerie de quartier : la Boulangerie Lumière à la une du Progrès",
    ),
    ("fr", "L'article sur la #BoulangerieLumiere donne envie, quelqu'un connaît ?"),
    ("fr", "Dix ans que je vais à la Boulangerie Lumière, contente de les voir dans le journal"),
    ("fr", "Le Progrès parle des ateliers pour enfants de la Boulangerie Lumière, top"),
    ("fr", "Un peu surcotée la Boulangerie Lumière, l'article en fait beaucoup"),
    ("fr", "La Boulangerie Lumière va être prise d'assaut {jour} après cet article 😅"),
    ("fr", "Bravo à l'équipe de la boulangerie Lumière pour l'article, mérité"),
    ("en", "Boulangerie Lumière made the local paper today, well deserved!"),
]


@dataclass(frozen=True)
class Author:
    network: str
    handle: str
    weight: float  # how often they post about the bakery's field
    lang: str
    reach: int | None = None  # Mastodon tells followers; a Bluesky search does not


AUTHORS = [
    # The regulars, heard again and again: the top authors.
    Author("bluesky", "lyonmiam.bsky.social", 9, "fr"),
    Author("bluesky", "claire-m.bsky.social", 6, "fr"),
    Author("mastodon", "hugo@piaille.fr", 5, "fr", 412),
    Author("bluesky", "croixroussien.bsky.social", 4, "fr"),
    Author("mastodon", "marie_levain@mastodon.social", 4, "fr", 1290),
    Author("bluesky", "jo-bakes.bsky.social", 4, "en"),
    # And the many who speak of it once or twice.
    *(
        Author("bluesky", f"{name}.bsky.social", 1, "fr")
        for name in "nadia-k yanis-b sophie-lefevre marc-lebon lea-v tom-g manon-r karim-d "
        "julie-p antoine-lyon ines-b pauline-c romain-f camcam fredo69 elise-m batiste".split()
    ),
    *(
        Author("mastodon", acct, 1, "fr", int(reach))
        for acct, reach in map(
            str.split,
            [
                "benoit@framapiaf.org 88",
                "lucie@mamot.fr 230",
                "gab@eldritch.cafe 57",
                "vero@piaille.fr 140",
                "seb_lyon@mastodon.social 35",
                "amandine@piaille.fr 12",
            ],
        )
    ),
    *(
        Author("bluesky", f"{name}.bsky.social", 1, "en")
        for name in "sam-in-lyon expat-eats katie-w dan-travels".split()
    ),
    Author("mastodon", "ollie@mastodon.social", 1, "en", 301),
]
# Some posts have been read, tagged, handed to a teammate (most are waiting).
TAGS = {"praise": "à remercier", "criticism": "client déçu", "question": "à répondre"}


@dataclass
class Draft:
    text: str
    author: Author
    posted_at: datetime


def demo_listening(workspace: Workspace, people: list[User]) -> None:
    """Seed it once: run again, it leaves what is there."""
    if Search.objects.filter(workspace=workspace).exists():
        return
    lucas, ines = people[1], people[2]  # the manager set listening up; the editor answers
    now = timezone.now()
    began = now - timedelta(days=DAYS, hours=1)
    searches = [
        Search.objects.create(
            workspace=workspace,
            name=name,
            role=role,
            terms=terms,
            exclusions=exclusions,
            created_by=lucas,
            created_at=began,
        )
        for name, role, terms, exclusions in SEARCHES
    ]
    spike_hours = _article_hours(workspace, now)
    rng = random.Random(SEED)  # noqa: S311 (a made-up month, the same every time)
    drafts = _month(workspace, rng, began, now) + _article(rng, spike_hours)
    _store(workspace, matcher_build(searches), drafts, rng, now, [lucas, ines])
    # The upkeep looked at every hour until the article's morning began.
    settings = listening_settings(workspace)
    ListeningSettings.objects.filter(pk=settings.pk).update(checked_hour=spike_hours[0] - HOUR)
    spikes_find(workspace=workspace, now=now)


def _article_hours(workspace: Workspace, now: datetime) -> list[datetime]:
    """The hours of the latest morning whose article hours are all complete: within the
    hours the upkeep judges in one run (upkeep.MOST_HOURS)."""
    day = workspace.local_date(now)
    while True:
        start = datetime.combine(day, ARTICLE_HOUR, tzinfo=workspace.tzinfo).astimezone(UTC)
        hours = [start + n * HOUR for n in range(len(SPIKE))]
        if hours[-1] <= last_complete_hour(now):
            return hours
        day -= timedelta(days=1)


def _month(workspace: Workspace, rng: random.Random, began: datetime, now: datetime) -> list[Draft]:
    """The month's posts, hour by hour in the workspace's time, at most two an hour per
    search (and the odd post naming two), so that only the article day stands out."""
    drafts = []
    hour = began.replace(minute=0, second=0, microsecond=0) + HOUR
    while hour < now:
        local = hour.astimezone(workspace.tzinfo)
        weekend = local.weekday() >= 5
        for role, texts in POSTS.items():
            rate = PER_DAY[role][weekend] * HOURLY[local.hour] / sum(HOURLY)
            for _ in range(2):
                if rng.random() < rate / 2:
                    drafts.append(_draft(rng, texts, hour, now))
        if rng.random() < 0.02 * HOURLY[local.hour]:
            drafts.append(_draft(rng, BOTH, hour, now))
        hour += HOUR
    return drafts


def _article(rng: random.Random, hours: list[datetime]) -> list[Draft]:
    return [
        _draft(rng, ARTICLE, hour, hour + HOUR)
        for hour, count in zip(hours, SPIKE, strict=True)
        for _ in range(count)
    ]


def _draft(
    rng: random.Random, texts: list[tuple[str, str]], hour: datetime, now: datetime
) -> Draft:
    lang, text = rng.choice(texts)
    authors = [a for a in AUTHORS if a.lang == lang]
    author = rng.choices(authors, weights=[a.weight for a in authors])[0]
    filled = text.format(**{slot: rng.choice(values.split("|")) for slot, values in SLOTS.items()})
    moment = hour + timedelta(seconds=rng.randrange(3600))
    return Draft(filled, author, min(moment, now - timedelta(minutes=1)))


def _store(
    workspace: Workspace,
    matcher: Matcher,
    drafts: list[Draft],
    rng: random.Random,
    now: datetime,
    team: list[User],
) -> None:
    """Each post as the stream or a search would have kept it: linked to the searches the
    matcher finds in it, read by the moderation model (each distinct text once)."""
    texts = sorted({d.text for d in drafts})
    readings = dict(zip(texts, texts_classify(workspace=workspace, texts=texts), strict=True))
    rows, links = [], []
    for number, draft in enumerate(sorted(drafts, key=lambda d: d.posted_at)):
        search_ids = matcher.match(draft.text, network=draft.author.network)
        assert search_ids, f"the demo's post matches no search: {draft.text}"
        reading = readings[draft.text]
        rows.append(_heard(workspace, draft, number, reading.lang, reading.kind, now, rng, team))
        rows[-1].model_version = reading.model_version[:100]
        links.append(search_ids)
    Heard.objects.bulk_create(rows)
    through = Heard.searches.through
    stored = dict(Heard.objects.filter(workspace=workspace).values_list("remote_id", "pk"))
    through.objects.bulk_create(
        through(heard_id=stored[row.remote_id], search_id=search_id)
        for row, search_ids in zip(rows, links, strict=True)
        for search_id in search_ids
    )


def _heard(
    workspace: Workspace,
    draft: Draft,
    number: int,
    lang: str,
    kind: str,
    now: datetime,
    rng: random.Random,
    team: list[User],
) -> Heard:
    author, at = draft.author, draft.posted_at
    remote_id, url, author_id = _address(author, at, number)
    old = now - at > timedelta(days=2)
    seen = rng.random() < (0.3 if old else 0.05)
    return Heard(
        workspace=workspace,
        network=author.network,
        remote_id=remote_id,
        url=url,
        author_id=author_id,
        author_handle=author.handle,
        text=draft.text,
        posted_at=at,
        # The stream hears a post within seconds; Mastodon's hashtag searches, minutes.
        heard_at=at + timedelta(seconds=2 if author.network == "bluesky" else 240),
        via="stream" if author.network == "bluesky" else "search",
        reach=author.reach,
        lang=lang,
        kind=kind,
        seen_at=min(at + timedelta(hours=rng.randint(1, 20)), now) if seen else None,
        tags=[TAGS[kind]] if seen and kind in TAGS and rng.random() < 0.5 else [],
        assigned_to=rng.choice(team) if kind == "question" and rng.random() < 0.1 else None,
    )


def _address(author: Author, at: datetime, number: int) -> tuple[str, str, str]:
    """The post's id, link and author id as the network gives them."""
    digest = hashlib.sha256(author.handle.encode()).digest()
    if author.network == "bluesky":
        did = "did:plc:" + "".join(TID_CHARS[b % 32] for b in digest[:24])
        key = _tid(at, number)
        return (
            f"at://{did}/app.bsky.feed.post/{key}",
            f"https://bsky.app/profile/{author.handle}/post/{key}",
            did,
        )
    user, domain = author.handle.split("@")
    status = str((int(at.timestamp() * 1000) << 16) | number)  # a Mastodon-style id
    return status, f"https://{domain}/@{user}/{status}", str(int.from_bytes(digest[:6]))


TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"


def _tid(at: datetime, number: int) -> str:
    """A record key as Bluesky makes them: the time in microseconds and a clock id."""
    value = (int(at.timestamp() * 1_000_000) << 10) | (number % 1024)
    return "".join(TID_CHARS[(value >> (5 * shift)) & 31] for shift in reversed(range(13)))
