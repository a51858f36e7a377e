"""One comment in, one `Prediction` out: language, category, scores and the action the
default rules take. Everything runs offline on the CPU, in batches."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from palabre.inbox.ml import language, lexicon, signals
from palabre.inbox.ml.model import BASE_DIR, AbuseModel

CATEGORIES = ("abuse", "spam", "criticism", "question", "praise", "other")
ACTIONS = ("hide", "review", "answer_first", "none")
SPAM_REVIEW = 0.6
SPAM_HIDE = 0.9
NEGATIVE = -0.4  # VADER compound at or below which a comment reads as a complaint
# Up to this abuse score, a comment that reads as a complaint is criticism to answer; above
# it, a person reviews it (still never hidden by a machine below the hide threshold).
CRITICISM_CEILING = 0.8


@dataclass(frozen=True)
class Prediction:
    lang: str
    category: str
    action: str
    abuse: float
    abuse_kind: str  # insult, hate, threat ("" when not abuse); harassment is added later
    hate: float
    spam: float
    sentiment: float
    is_question: bool
    is_praise: bool
    lexicon: str  # the kind of lexicon entry that matched, or ""
    reason: str  # why, in a few words, for the moderation log
    model_version: str

    def scores(self) -> dict[str, Any]:
        return {
            "abuse": round(self.abuse, 4),
            "hate": round(self.hate, 4),
            "spam": round(self.spam, 4),
            "sentiment": round(self.sentiment, 4),
            "question": self.is_question,
            "praise": self.is_praise,
            "lexicon": self.lexicon,
        }


@cache
def base_model() -> AbuseModel:
    return AbuseModel.load(BASE_DIR)


# Bounded: each retraining makes a new (directory, stamp) key; old models must not pile up
# in a long-running worker (each holds ~12 MB of weights).
@lru_cache(maxsize=16)
def _model_at(directory: Path, stamp: float) -> AbuseModel:
    return AbuseModel.load(directory)


def model_at(directory: Path) -> AbuseModel:
    """A stored model, reloaded when its file changes (a retrained workspace model)."""
    return _model_at(directory, (directory / "model.json").stat().st_mtime)


def classify(
    texts: list[str], *, model: AbuseModel | None = None, default_lang: str = "other"
) -> list[Prediction]:
    model = model or base_model()
    if not texts:
        return []
    abuse, hate = model.scores(texts)
    return [
        _predict(text, float(a), float(h), model, default_lang)
        for text, a, h in zip(texts, abuse, hate, strict=True)
    ]


def _predict(text: str, abuse: float, hate: float, model: AbuseModel, default: str) -> Prediction:
    folded = lexicon.fold(text)
    lang = language.detect(text, default=default)
    hit = lexicon.match(folded)
    mood = signals.sentiment(text, lang)
    question = signals.is_question(folded)
    cue = signals.is_complaint(folded)
    praise = signals.is_praise(folded) and not cue
    # A negative tone alone makes a complaint only when nothing else explains it.
    complaint = cue or (mood <= NEGATIVE and not question and not praise)
    spam = signals.spam(text, folded)
    category, action, reason = _decide(
        abuse=abuse,
        hit=hit,
        spam=spam,
        complaint=complaint,
        question=question,
        praise=praise,
        review_at=model.threshold("review", lang),
        hide_at=model.threshold("hide", lang),
    )
    kind = ""
    if category == "abuse":
        kind = hit.kind if hit else ("hate" if hate >= 0.5 else "insult")
    return Prediction(
        lang=lang,
        category=category,
        action=action,
        abuse=abuse,
        abuse_kind=kind,
        hate=hate,
        spam=spam.score,
        sentiment=mood,
        is_question=question,
        is_praise=praise,
        lexicon=hit.kind if hit else "",
        reason=reason,
        model_version=model.version,
    )


def _decide(
    *,
    abuse: float,
    hit: lexicon.Entry | None,
    spam: signals.Spam,
    complaint: bool,
    question: bool,
    praise: bool,
    review_at: float,
    hide_at: float,
) -> tuple[str, str, str]:
    """The built-in policy (product rule 3): hide only on a lexicon hit or above the
    high-precision threshold; the grey zone goes to review, unless the comment reads as a
    complaint: civil criticism is answered first, never hidden by a machine."""
    if hit:
        return "abuse", "hide", f"lexicon: {hit.kind}"
    if abuse >= hide_at:
        return "abuse", "hide", f"abuse score {abuse:.2f} ≥ {hide_at:.2f}"
    if spam.score >= SPAM_REVIEW:
        action = "hide" if spam.score >= SPAM_HIDE else "review"
        return "spam", action, "spam: " + ", ".join(spam.reasons)
    if abuse >= review_at and not (complaint and abuse < CRITICISM_CEILING):
        return "abuse", "review", f"abuse score {abuse:.2f} in the grey zone"
    if complaint:
        return "criticism", "answer_first", "criticism"
    if question:
        return "question", "answer_first", "question"
    if praise:
        return "praise", "none", "praise"
    return "other", "none", ""
