"""One comment in, one `Prediction` out: language, kind, scores and the action the default
rules take. Everything runs offline on the CPU, in batches, in two stages:

1. the fast model (hashed n-grams, the lexicon, readable rules) reads every comment;
2. the comments it is not sure about (about one in five of a real inbox) are read again
   for their meaning, from a sentence embedding (meaning.py), which decides their kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from palabre.inbox.ml import combiner, language, lexicon, meaning, signals
from palabre.inbox.ml.meaning import (
    ABUSE_KINDS,
    CIVIL_KINDS,
    HIDING_KINDS,
    KINDS,
    MeaningModel,
)
from palabre.inbox.ml.model import BASE_DIR, AbuseModel, sigmoid

CATEGORIES = ("abuse", "spam", "criticism", "question", "praise", "other")
ACTIONS = ("hide", "review", "answer_first", "none")
SPAM_REVIEW = 0.6
SPAM_HIDE = 0.9
# Up to this abuse score, a comment that reads as a complaint is criticism to answer; above
# it, a person reviews it (still never hidden by a machine).
CRITICISM_CEILING = 0.8
# The fast model is sure of a comment (and the second stage is skipped) only when it is
# plainly civil: its kinds head gives a question, praise or a plain remark together at
# least SURE_SAFE, with an abuse score under SURE_ABUSE. On benchmarks/inbox_mix.csv (a
# real inbox's mix) about one comment in four reaches the second stage: a lower bar would
# send fewer there, but lets abuse and criticism through (docs/moderation.md).
SAFE_KINDS = ("question", "praise", "other")
SAFE = [KINDS.index(k) for k in SAFE_KINDS]
SURE_SAFE = 0.5
SURE_ABUSE = 0.5
# Nor when its kinds head sees a threat this likely, however civil the rest reads: a veiled
# threat ("your window won't last long") has a shop's plain words. Out of fold on the
# training comments, a third of the threats missed were skipped there; this bar sends
# about one comment in 300 more of a real inbox to the second stage.
SURE_THREAT = 0.15
THREAT = KINDS.index("threat")
# The second stage reads the kinds: an abuse kind this likely goes to review at least
# (models trained before the combination of both stages, and list hits).
KIND_REVIEW = 0.5
# Both stages' readings combined (combiner.py, fitted with both classes weighing the same):
# at least this, a person reviews the comment as abuse.
COMBINED_REVIEW = 0.5
# A machine hides a threat or identity hate only when both stages agree it is abuse: the
# mean of their abuse scores at least this, besides the kind's own high-precision threshold.
HIDE_ABUSE = 0.7
THREAT_REVIEW = 0.3  # threats must never be missed: a lower bar, a person decides
BLEND = 0.5  # the abuse score of a comment both stages read: the mean of their two scores


@dataclass(frozen=True)
class Prediction:
    lang: str
    category: str  # the queue: abuse, spam, criticism, question, praise, other
    action: str
    abuse: float
    abuse_kind: str  # threat, hate, insult, harassment, sexual ("" when not abuse)
    hate: float
    spam: float
    sentiment: float | None  # VADER's tone, read only where a decision needs it
    is_question: bool
    is_praise: bool
    lexicon: str  # the kind of lexicon entry that matched, or ""
    reason: str  # why, in a few words, for the moderation log
    model_version: str
    kinds: dict[str, float] = field(default_factory=dict)  # the second stage's, when it read it

    @property
    def kind(self) -> str:
        """The one thing a person acts on: an abuse kind, or the category."""
        return self.abuse_kind or self.category

    def scores(self) -> dict[str, Any]:
        found = {
            "abuse": round(self.abuse, 4),
            "hate": round(self.hate, 4),
            "spam": round(self.spam, 4),
            "question": self.is_question,
            "praise": self.is_praise,
            "lexicon": self.lexicon,
        }
        if self.sentiment is not None:
            found["sentiment"] = round(self.sentiment, 4)
        if self.kinds:
            found["kinds"] = {k: round(v, 4) for k, v in self.kinds.items()}
        return found


@cache
def base_model() -> AbuseModel:
    return AbuseModel.load(BASE_DIR)


@cache
def base_meaning() -> MeaningModel:
    return MeaningModel.load(BASE_DIR)


# Bounded: each retraining makes a new (directory, stamp) key; old models must not pile up
# in a long-running worker (each holds ~12 MB of weights).
@lru_cache(maxsize=32)
def _stored(kind: type[AbuseModel] | type[MeaningModel], directory: Path, stamp: float) -> Any:
    return kind.load(directory)


def model_at(directory: Path) -> AbuseModel:
    """A stored model, reloaded when its file changes (a retrained workspace model)."""
    stamp = (directory / "model.json").stat().st_mtime
    return _stored(AbuseModel, directory, stamp)


def meaning_at(directory: Path) -> MeaningModel:
    """A workspace's second stage, reloaded when its file changes."""
    stamp = (directory / meaning.META).stat().st_mtime
    return _stored(MeaningModel, directory, stamp)


def classify(
    texts: list[str],
    *,
    model: AbuseModel | None = None,
    meaning_model: MeaningModel | None = None,
    default_lang: str = "other",
    second_stage: bool = True,
) -> list[Prediction]:
    """`second_stage=False` gives the fast model's reading alone (for the evaluation)."""
    model = model or base_model()
    if not texts:
        return []
    texts = [_readable(t) for t in texts]
    x = model.vectors(texts)
    abuse, hate = sigmoid(model.abuse.logits(x)), sigmoid(model.hate.logits(x))
    guesses = model.kinds.probabilities(x) if model.kinds else np.zeros((len(texts), 0))
    readings = [
        _read(text, float(a), float(h), model, default_lang, guess, fast_only=not second_stage)
        for text, a, h, guess in zip(texts, abuse, hate, guesses, strict=True)
    ]
    unsure = [i for i, r in enumerate(readings) if not r.sure] if second_stage else []
    if unsure:
        _read_again([readings[i] for i in unsure], guesses[unsure], meaning_model or base_meaning())
    return [r.predict() for r in readings]


def _read_again(readings: list[_Reading], guesses: np.ndarray, stage2: MeaningModel) -> None:
    """The second stage's reading of the comments the fast model is unsure of."""
    x = meaning.features(
        [r.text for r in readings],
        [r.lang for r in readings],
        cues=np.stack([r.cues() for r in readings]),
    )
    a2, own, shipped = stage2.abuse(x), stage2.kinds(x), stage2.base_abuse(x)
    kinds = meaning.blend_kinds(own, guesses) if guesses.shape[1] else own
    combined = np.full(len(readings), np.nan)
    if stage2.combiner:
        fast = np.asarray([r.abuse for r in readings])
        z = combiner.inputs(fast, a2, kinds)
        combined = combiner.abusive(stage2.combiner, z, [r.lang for r in readings])
    for row, r in enumerate(readings):
        r.second = _SecondReading(
            model=stage2,
            abuse=float(a2[row]),
            shipped_abuse=float(shipped[row]),
            kinds=dict(zip(KINDS, map(float, kinds[row]), strict=True)),
            own=dict(zip(KINDS, map(float, own[row]), strict=True)),
            combined=None if np.isnan(combined[row]) else float(combined[row]),
        )


def _readable(text: str) -> str:
    """What the engines can read: no NUL (the embedding engine stops at one), no lone
    surrogate (it cannot be encoded), whatever a network or a JSON line sent."""
    return text.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8")


@dataclass(frozen=True)
class _SecondReading:
    """What the second stage read in one comment."""

    model: MeaningModel
    abuse: float  # its abuse head, as the workspace's decisions moved it
    shipped_abuse: float  # its abuse head as shipped: what hiding is decided on
    kinds: dict[str, float]  # blended with the fast kinds head
    own: dict[str, float]  # its kinds alone (its hiding thresholds were chosen on them)
    combined: float | None  # p(abusive) from both stages (combiner.py), None in older models


@dataclass
class _Reading:
    """What the fast model saw in one comment; the second stage may add its view."""

    text: str
    lang: str
    abuse: float
    hate: float
    hit: lexicon.Entry | None
    spam: signals.Spam
    question: bool
    complaint_cue: bool  # the words of a complaint (signals.is_complaint)
    praise_cue: bool  # the words of praise (signals.is_praise)
    model: AbuseModel
    guess: np.ndarray  # the fast kinds head's probabilities (empty without one)
    fast_only: bool  # no second stage: the fast stage's abuse score decides alone
    second: _SecondReading | None = None

    @cached_property
    def mood(self) -> float:
        """The tone, read only for the comments the second stage reads (one of its cues):
        VADER costs as much as the rest of the fast stage together."""
        return signals.sentiment(self.text, self.lang)

    @property
    def praise(self) -> bool:
        return self.praise_cue and not self.complaint_cue

    def cues(self) -> np.ndarray:
        """The readable cues the second stage weighs, as the fast stage already read them."""
        return meaning.cue_vector(
            text=self.text,
            question=self.question,
            complaint_cue=self.complaint_cue,
            praise_cue=self.praise_cue,
            spam=self.spam,
            sentiment=self.mood,
        )

    @property
    def sure(self) -> bool:
        """Sure enough to skip the second stage: a lexicon hit, strong spam, or plainly civil."""
        if self.hit and self.hit.kind in HIDING_KINDS:
            return False  # hidden only if the meaning agrees: "they told me 'go back…'"
        if self.hit or self.spam.score >= SPAM_HIDE or not self.text.strip():
            return True
        if not len(self.guess) or self.abuse >= SURE_ABUSE or self.guess[THREAT] >= SURE_THREAT:
            return False
        return float(self.guess[SAFE].sum()) >= SURE_SAFE

    @property
    def fast_kind(self) -> str:
        """The fast kinds head's likeliest plain kind: question, praise or other."""
        return SAFE_KINDS[int(np.argmax(self.guess[SAFE]))]

    def predict(self) -> Prediction:
        if self.second is None:
            category, action, reason, kind = _decide_fast(self)
            kinds: dict[str, float] = {}
            abuse = self.abuse
        else:
            abuse = BLEND * self.abuse + (1 - BLEND) * self.second.abuse
            kinds = self.second.kinds
            category, action, reason, kind = _decide_meaning(self, self.second, abuse)
        version = self.model.version
        if self.second is not None:
            version = f"{version}+{self.second.model.version}"
        return Prediction(
            lang=self.lang,
            category=category,
            action=action,
            abuse=abuse,
            abuse_kind=kind,
            hate=self.hate,
            spam=self.spam.score,
            sentiment=None if self.second is None else self.mood,
            is_question=self.question,
            is_praise=self.praise,
            lexicon=self.hit.kind if self.hit else "",
            reason=reason,
            model_version=version,
            kinds=kinds,
        )


def _read(
    text: str,
    abuse: float,
    hate: float,
    model: AbuseModel,
    default: str,
    guess: np.ndarray,
    *,
    fast_only: bool,
) -> _Reading:
    folded = lexicon.fold(text)
    lang = language.detect(text, default=default)
    return _Reading(
        text=text,
        lang=lang,
        abuse=abuse,
        hate=hate,
        hit=lexicon.match(folded),
        spam=signals.spam(text, folded),
        question=signals.is_question(folded),
        complaint_cue=signals.is_complaint(folded),
        praise_cue=signals.is_praise(folded),
        model=model,
        guess=guess,
        fast_only=fast_only,
    )


Decided = tuple[str, str, str, str]  # category, action, reason, abuse kind


def _lexicon(hit: lexicon.Entry) -> Decided:
    """Threats and slurs (the lexicon's hate entries) are hidden; an insult is reviewed:
    only threats, identity hate and slurs may be hidden by a machine."""
    action = "hide" if hit.kind in HIDING_KINDS else "review"
    return "abuse", action, f"lexicon: {hit.kind}", hit.kind


def _spam(score: float, reasons: tuple[str, ...]) -> Decided:
    action = "hide" if score >= SPAM_HIDE else "review"
    return "spam", action, "spam: " + ", ".join(reasons), ""


def _decide_fast(r: _Reading) -> Decided:
    """A comment the fast model is sure of: a lexicon hit, strong spam or plainly civil."""
    if not r.text.strip():
        return "other", "none", "no text to read", ""
    if r.hit:
        return _lexicon(r.hit)
    if r.spam.score >= SPAM_REVIEW:
        return _spam(r.spam.score, r.spam.reasons)
    if r.fast_only and r.abuse >= r.model.threshold("review", r.lang):
        return "abuse", "review", f"abuse score {r.abuse:.2f} in the grey zone", "insult"
    if not len(r.guess):
        return "other", "none", "", ""
    return _civil(r.fast_kind, r)


def _decide_meaning(r: _Reading, second: _SecondReading, abuse: float) -> Decided:
    """The policy (product rule 3) on both stages' reading: only a threat or identity hate
    the second stage is very sure of is hidden; every other abuse goes to a person; civil
    criticism is answered first, never hidden."""
    kinds = second.kinds
    abuse_kind = max(ABUSE_KINDS, key=kinds.__getitem__)
    abusive = sum(kinds[k] for k in ABUSE_KINDS)
    civil_kind = max(CIVIL_KINDS, key=kinds.__getitem__)
    agreed = min(abuse, second.shipped_abuse) >= HIDE_ABUSE  # no workspace can move this bar
    if r.hit:  # a threat or a slur on the list: hidden when the meaning agrees it is abuse
        # Quoted by the people it hurts ("my son was told 'kys'"), it reads as a complaint:
        # a person decides.
        if agreed or (abusive >= KIND_REVIEW and abusive > kinds[civil_kind]):
            return _lexicon(r.hit)
        return "abuse", "review", f"lexicon: {r.hit.kind}", r.hit.kind
    # Its thresholds were chosen on the second stage's own probabilities: compared to them.
    for kind in HIDING_KINDS:
        own = second.own[kind]
        if agreed and own >= second.model.hide_threshold(kind, r.lang):
            return "abuse", "hide", f"{kind} {own:.2f}, abuse score {abuse:.2f}", kind
    if r.spam.score >= SPAM_REVIEW or kinds["spam"] >= max(KIND_REVIEW, abusive):
        # Hidden only with the words of selling behind the meaning: a link or a phone number
        # alone is common in civil talk ("see the council's page", "call me back at…"), and
        # held-out forum comments with one were hidden as spam on meaning. Without them, the
        # meaning sends it to a person.
        selling = "spam words" in r.spam.reasons
        evidence = r.spam.score >= SPAM_HIDE or (kinds["spam"] >= SPAM_HIDE and selling)
        score = (
            max(r.spam.score, kinds["spam"]) if evidence else min(kinds["spam"], SPAM_HIDE - 0.01)
        )
        return _spam(score, (*r.spam.reasons, "meaning"))
    if civil_kind == "criticism" and kinds["criticism"] >= abusive and abuse < CRITICISM_CEILING:
        return "criticism", "answer_first", "criticism", ""
    if kinds["threat"] >= THREAT_REVIEW:
        return "abuse", "review", f"threat {kinds['threat']:.2f}", "threat"
    if _reads_as_abuse(r, second, abusive, abuse):
        reason = f"{abuse_kind} {kinds[abuse_kind]:.2f}, abuse score {abuse:.2f}"
        return "abuse", "review", reason, abuse_kind
    return _civil(civil_kind, r)


def _civil(kind: str, r: _Reading) -> Decided:
    """A civil comment's queue. Praise that asks something ("Super, merci ! Est-ce que la
    fougasse en contient ?") is a question: it waits for its answer (product rule 2)."""
    if kind == "praise" and r.question:
        kind = "question"
    if kind in ("criticism", "question"):
        return kind, "answer_first", kind, ""
    return kind, "none", "praise" if kind == "praise" else "", ""


def _reads_as_abuse(r: _Reading, second: _SecondReading, abusive: float, abuse: float) -> bool:
    """Abuse a person should see: both stages' readings combined as training fitted them;
    a model trained before the combination keeps the fixed rule."""
    if second.combined is None:
        return abusive >= KIND_REVIEW or abuse >= r.model.threshold("review", r.lang)
    return second.combined >= COMBINED_REVIEW
