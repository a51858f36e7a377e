"""Rule-based signals: sentiment, question, praise, complaint and spam.

Each is small and readable on purpose: docs/moderation.md measures them on the
project's held-out civil comments, and a person can see why a comment was sorted.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache


@cache
def _vader(lang: str):  # type: ignore[no-untyped-def]
    if lang == "fr":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fuzzywuzzy's "slow SequenceMatcher" notice
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def sentiment(text: str, lang: str) -> float:
    """VADER's compound score, -1 (negative) to 1, with the French lexicon for French."""
    return float(_vader("fr" if lang == "fr" else "en").polarity_scores(text)["compound"])


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Matched on accent-folded, lower-cased text (see lexicon.fold).
_QUESTION_START = _any(
    r"^(qui|que|quoi|quand|ou|comment|pourquoi|combien|quel|quels|quelle|quelles|lequel)\b",
    r"^(est[- ]ce|pouvez[- ]vous|pourriez[- ]vous|peut[- ]on|puis[- ]je|avez[- ]vous)\b",
    r"^(vous (faites|livrez|acceptez|proposez|ouvrez|recrutez|serez|pouvez|vendez))\b",
    r"^(y a[- ]t[- ]il|c'?est possible|on peut|je peux|faut[- ]il)\b",
    r"\b(je voudrais savoir|je voulais savoir|je me demandais|savez[- ]vous|quelqu'un sait)\b",
    r"\b(ou en est|des nouvelles de)\b",
    r"\b\w+-t-(il|elle|on)\b",
    r"\b(peut|puis|pourrai|faut|sont|est|sera|seront|avez|ont)-(je|tu|il|elle|on|nous|vous|ils)\b",
    r"^(who|what|when|where|why|how|which|whose)\b",
    r"^(is|are|am|was|were|do|does|did|can|could|will|would|should|shall|may|have|has)\b",
    r"\b(any idea|anyone know|does anyone|any update|any news|i'?d like to know)\b",
    r"\b(wondering if|wondering whether|just wondering)\b",
)


def is_question(folded: str) -> bool:
    text = folded.strip()
    if "?" in text:
        return True
    # "Quelle belle initiative !", "What a day!": exclamations, not questions.
    return not text.endswith("!") and bool(_QUESTION_START.search(text))


_PRAISE = _any(
    r"\b(merci|bravo|felicitations|chapeau|genial|geniale|super|top|magnifique|parfait|parfaite)\b",
    r"\b(excellent|excellente|j'adore|adore|adoree|recommande|au top|trop bien|bon moment)\b",
    r"\b(thanks|thank you|thx|well done|congrats|congratulations|kudos|hats off|love|loved)\b",
    r"\b(loving|amazing|brilliant|awesome|perfect|great|recommend|best|lovely|fan of)\b",
    r"[👏❤😍🙏🥰💪🎉😊👍✨💖💯]",
)

_COMPLAINT = _any(
    r"\b(decu|decue|decevant|decevante|decoit|inadmissible|inacceptable|rembours\w*)\b",
    r"\b(toujours (rien|pas|aucune?)|aucune (reponse|explication|solution)|jamais recu)\b",
    r"\b(pas normal|pas serieux|pas terrible|dommage|retard\w*|panne\w*|plante\w*)\b",
    r"\b(scandal\w*|honte\w*|honteu\w*|arnaque\w*|nul|nulle|pire|catastroph\w*|lamentable)\b",
    r"\b(plus jamais|derniere fois|ras[- ]le[- ]bol|en colere|furieu\w*|mecontent\w*)\b",
    r"\b(frustr\w*|regrette|abuse|abusif|trompeur|injuste\w*|injustifiable|laisse a desirer)\b",
    r"\b(rien recu|toujours en attente|j'attends|on attend toujours|mal (organise|accueilli))\b",
    r"\b(disappoint\w*|unacceptable|refund\w*|still (nothing|no|waiting|hasn'?t|not))\b",
    r"\b(never (received|again|keep)|not ok|shame\w*|delay\w*|outage|broke|broken|worst)\b",
    r"\b(terrible|awful|rip-off|robbery|furious|angry|unhappy|frustrat\w*|misleading|unfair)\b",
    r"\b(cheated|fed up|hidden fees|poor|pathetic|disaster|catastrophic|inedible|betrayed)\b",
    r"\b(not (serious|great|good enough|convinced|clear|transparent|honest))\b",
    r"\b(ne|n') ?(marche|fonctionne|repond|correspond|vaut|passe) (pas|plus|jamais)\b",
    r"\b(pas (du tout|tres|en bien|les bons|de reponse)|ne \w+ plus|sans (explication|prevenir))\b",
    r"\b(a baisse|ont baisse|augmente|abime|abimee|casse|cassee|lent|lente|mauvais|mauvaise)\b",
    r"\b(impossible|difficile|penible|grave|insuffisant\w*|oublie|oubliee|limite|rate|ratee)\b",
    r"\b(je ne comprends pas|m'attendais a mieux|trop de|c'est trop|pour rien|a cote de)\b",
    r"\b(doesn'?t|don'?t|didn'?t|isn'?t|wasn'?t|hasn'?t|can'?t|won'?t|couldn'?t) (work|come|answer|match|apply|applied|use|worth)\b",
    r"\b(not working|stopped working|no (reply|answer|explanation|notice|respect)|without (explanation|notice))\b",
    r"\b(dropped|damaged|slow|too (many|much|late)|for nothing|anymore|wiped|expected better)\b",
    r"\b(hard to|pity|misses the point|not (very|in a good way)|step backwards|condescending)\b",
    r"\b(last time i|never use|i don'?t understand why|no longer)\b",
)


def is_praise(folded: str) -> bool:
    return bool(_PRAISE.search(folded))


def is_complaint(folded: str) -> bool:
    return bool(_COMPLAINT.search(folded))


_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_SPAM_WORDS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(crypto|bitcoin|btc|nft|forex|airdrop|casino|onlyfans|viagra)\b",
        r"\b(dm me|check my (bio|profile)|link in (my )?bio|follow back|free followers)\b",
        r"\b(earn \$?\d+|make money|investment opportunity|giveaway winner)\b",
        r"\b(gagne[rz]? \d+|argent facile|clique[rz]? sur le lien|lien (dans|en) (ma )?bio)\b",
        r"\b(promo code|code promo .{0,20}(chez|sur) mon|whatsapp|telegram)\b",
    )
]
_PHONE = re.compile(r"(?:\+\d{1,3}[ .-]?)?(?:\d[ .-]?){9,}")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_REPEAT = re.compile(r"(.)\1{6,}")


@dataclass(frozen=True)
class Spam:
    score: float
    reasons: tuple[str, ...]


def spam(text: str, folded: str) -> Spam:
    """Additive evidence; one signal alone (a link, an emoji flood) never reaches 0.6."""
    found: list[tuple[str, float]] = []
    if _LINK.search(text):
        found.append(("link", 0.3))
    # Each family of spam vocabulary adds evidence: "DM me", "earn $500" and "crypto"
    # together are spam beyond doubt; one of them alone is only suspicious.
    families = sum(bool(p.search(folded)) for p in _SPAM_WORDS)
    if families:
        found.append(("spam words", 0.5 + 0.3 * (families - 1)))
    if _PHONE.search(text):
        found.append(("phone number", 0.3))
    if len(_EMOJI.findall(text)) >= 8 or _REPEAT.search(text):
        found.append(("flood", 0.2))
    return Spam(min(1.0, sum(w for _, w in found)), tuple(r for r, _ in found))
