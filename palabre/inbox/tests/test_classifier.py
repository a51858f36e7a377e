"""The classifier: the shipped base model, the default policy, and its acceptance figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from palabre.inbox.ml import datasets, language
from palabre.inbox.ml.classifier import base_model, classify
from palabre.inbox.ml.datasets import Row
from palabre.inbox.ml.model import AbuseModel
from palabre.inbox.ml.training import adjust, fit, train_base

ROOT = datasets.find_root()
needs_datasets = pytest.mark.skipif(
    ROOT is None,
    reason="the datasets live in ../shared/datasets, beside the project (not in a clone)",
)


@pytest.mark.parametrize(
    ("text", "category", "action"),
    [
        ("T'es qu'un connard", "abuse", "review"),  # an insult: a person decides
        ("Go kill yourself", "abuse", "hide"),
        ("sale bougnoule, rentre dans ton pays", "abuse", "hide"),
        (
            "Votre service client est vraiment décevant, j'attends depuis 3 semaines.",
            "criticism",
            "answer_first",
        ),
        (
            "Very disappointed, my order never arrived and nobody answers.",
            "criticism",
            "answer_first",
        ),
        ("Vous êtes ouverts le dimanche matin ?", "question", "answer_first"),
        ("How do I cancel my subscription?", "question", "answer_first"),
        ("Merci pour l'accueil, c'était parfait !", "praise", "none"),
        ("DM me to earn $500 a day with crypto https://spam.example", "spam", "hide"),
        ("On y était l'an dernier avec les enfants.", "other", "none"),
    ],
)
def test_the_default_policy_sorts_typical_comments(text: str, category: str, action: str) -> None:
    [prediction] = classify([text])
    assert (prediction.category, prediction.action) == (category, action), prediction


def test_kinds_of_abuse_come_from_the_lexicon_and_the_hate_head() -> None:
    threat, slur, insult = classify(
        [
            "je vais te retrouver et te tuer",
            "go back to your country you wetback",
            "you are such an idiot",
        ]
    )
    assert threat.abuse_kind == "threat"
    assert slur.abuse_kind == "hate"
    assert insult.abuse_kind == "insult"


def test_a_complaint_in_the_grey_zone_is_answered_not_hidden() -> None:
    """Product rule 3: a civil complaint is never hidden, whatever its abuse score."""
    complaints = [
        "C'est honteux, scandaleux, la pire commande de ma vie, remboursez-moi.",
        "Worst service ever, totally unacceptable, I want a refund now.",
    ]
    for prediction in classify(complaints):
        assert prediction.action != "hide"
        assert prediction.category in ("criticism", "abuse")


def test_language_detection_handles_short_comments() -> None:
    assert language.detect("Merci beaucoup !") == "fr"
    assert language.detect("Thanks!") == "en"
    assert language.detect("Danke schön für alles, das war wirklich toll") == "other"
    assert language.detect("👍👍", default="fr") == "fr"


def test_every_prediction_names_its_model_and_scores() -> None:
    [p] = classify(["Bonjour, une question sur ma commande ?"])
    assert p.model_version.startswith(base_model().version)
    assert set(p.scores()) >= {"abuse", "spam", "question"}


def test_the_tone_is_read_where_the_second_stage_reads() -> None:
    """VADER's tone is one of the second stage's cues, read only for the comments it reads."""
    [sure, unsure] = classify(["Merci beaucoup, c'était délicieux !", "Je suis déçue, vraiment."])
    assert not sure.kinds and "sentiment" not in sure.scores()
    assert unsure.kinds and unsure.scores()["sentiment"] < 0


def test_a_saved_model_loads_back_identical(tmp_path: Path) -> None:
    model = base_model()
    model.save(tmp_path)
    again = AbuseModel.load(tmp_path)
    texts = ["tu es vraiment nul", "merci beaucoup", "shut up"]
    assert np.allclose(model.scores(texts)[0], again.scores(texts)[0], atol=1e-6)
    assert again.thresholds == model.thresholds


TINY = [
    Row("t'es qu'un abruti", "fr", 1, "insult"),
    Row("espèce d'imbécile", "fr", 1, "insult"),
    Row("sale race de voleurs", "fr", 1, "hate"),
    Row("merci pour tout", "fr", 0),
    Row("à quelle heure ouvrez-vous ?", "fr", 0),
    Row("you stupid idiot", "en", 1, "insult"),
    Row("those people are vermin", "en", 1, "hate"),
    Row("thanks a lot", "en", 0),
    Row("what time do you open?", "en", 0),
] * 3


def test_training_learns_from_rows_and_chooses_thresholds() -> None:
    trained = train_base(TINY, version="tiny", progress=lambda _message: None)
    model = trained.model
    abusive, civil = model.scores(["t'es qu'un abruti", "merci pour tout"])[0]
    assert abusive > 0.5 > civil
    assert set(model.thresholds["hide"]) == {"fr", "en", "other"}
    assert all(0.8 <= t <= 0.995 for t in model.thresholds["hide"].values())


def test_workspace_decisions_move_the_model_toward_them() -> None:
    idf, abuse, hate = fit(TINY)
    base = AbuseModel("tiny", idf, abuse, hate, {"review": {"other": 0.5}, "hide": {"other": 0.9}})
    text = "what time do you open"
    before = base.scores([text])[0][0]
    adjusted = adjust(base, [text] * 5, [1] * 5, version="ws")
    after = adjusted.scores([text])[0][0]
    assert after > before + 0.1
    # What the workspace did not judge keeps its side of the line.
    assert adjusted.scores(["thanks a lot"])[0][0] < 0.5


def classify_command(lines: list[str]) -> list[dict]:
    """`palabre classify`, run as a person runs it: JSON lines in, JSON lines out."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "palabre"), "classify"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "palabre.settings", **__import__("os").environ},
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_classify_command_answers_each_line_in_order() -> None:
    lines = [
        json.dumps({"text": "Vous livrez à Lyon ?"}),
        "not json",
        json.dumps({"text": "Ferme ta gueule"}),
        json.dumps({"nope": 1}),
        json.dumps({"text": "Merci !"}),
    ]
    out = classify_command(lines)
    assert len(out) == 5
    assert out[0]["category"] == "question" and out[0]["action"] == "answer_first"
    assert out[0]["lang"] == "fr"
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["category"] == "abuse" and out[2]["action"] == "review"
    assert out[4]["category"] == "praise" and out[4]["action"] == "none"
    assert set(out[0]["scores"]) >= {"abuse", "spam"}


@pytest.fixture(scope="module")
def held_out():  # type: ignore[no-untyped-def]
    from palabre.inbox.ml.classifier import base_meaning
    from palabre.inbox.ml.evaluation import evaluate

    assert ROOT is not None
    return evaluate(ROOT, base_model(), base_meaning())


@needs_datasets
def test_held_out_figures_hold_their_floors(held_out) -> None:  # type: ignore[no-untyped-def]
    """At most 1% of civil rows hidden on every held-out file; macro-F1 floors a little
    under what docs/moderation.md reports, so a worse retrained model fails here."""
    for s in held_out.sets:
        assert s.hidden_civil <= 0.01 * (s.rows - s.abusive), s.name
    assert held_out.macro_f1_by_lang["fr"] >= 0.76
    assert held_out.macro_f1_by_lang["en"] >= 0.83


@needs_datasets
def test_held_out_acceptance_figures(held_out) -> None:  # type: ignore[no-untyped-def]
    """Issue 18's acceptance: macro-F1 (abusive vs not) fr ≥ 0.75 and en ≥ 0.85."""
    assert held_out.macro_f1_by_lang["fr"] >= 0.75
    assert held_out.macro_f1_by_lang["en"] >= 0.85


@needs_datasets
def test_the_lexicon_never_fires_on_the_civil_comments() -> None:
    rows = datasets.civil("fr", training=True) + datasets.civil("en", training=True)
    rows += datasets.civil("fr", training=False) + datasets.civil("en", training=False)
    hits = [
        (r.text, p.lexicon)
        for r, p in zip(rows, classify([r.text for r in rows]), strict=True)
        if p.lexicon
    ]
    assert hits == []


def _second_reading(kinds: dict[str, float], *, abuse: float, combined: float | None = None):
    """The second stage's reading as a test sets it: these kinds (blended and its own alike),
    this abuse score (shipped and as a workspace moved it alike)."""
    from palabre.inbox.ml import classifier

    return classifier._SecondReading(
        model=classifier.base_meaning(),
        abuse=abuse,
        shipped_abuse=abuse,
        kinds=kinds,
        own=kinds,
        combined=abuse if combined is None else combined,
    )


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # A link and a phone number are common in civil talk: the meaning alone reviews.
        ("See https://council.example/notice or call 01 23 45 67 89", "review"),
        # The words of selling behind the meaning: hidden.
        ("Earn $500 a day from home", "hide"),
    ],
)
def test_spam_is_hidden_on_its_meaning_only_with_the_words_of_selling(
    text: str, action: str
) -> None:
    from palabre.inbox.ml import classifier
    from palabre.inbox.ml.meaning import KINDS

    reading = classifier._read(
        text, 0.1, 0.0, base_model(), "en", np.full(len(KINDS), 0.1), fast_only=False
    )
    assert reading.spam.score < classifier.SPAM_HIDE  # the rules alone are not sure of it
    second = _second_reading(dict.fromkeys(KINDS, 0.005) | {"spam": 0.955}, abuse=0.1)
    category, decided, _reason, _kind = classifier._decide_meaning(reading, second, 0.1)
    assert (category, decided) == ("spam", action)


def _civil_guess(threat: float) -> np.ndarray:
    """The fast kinds head's reading of a plain remark, with this much threat in it."""
    from palabre.inbox.ml.meaning import KINDS

    guess = np.zeros(len(KINDS))
    guess[KINDS.index("other")] = 1 - threat
    guess[KINDS.index("threat")] = threat
    return guess


@pytest.mark.parametrize(("threat", "sure"), [(0.05, True), (0.2, False)])
def test_the_fast_stage_is_not_sure_of_a_plain_remark_that_may_be_a_threat(
    threat: float, sure: bool
) -> None:
    """A veiled threat has a shop's plain words ("your window won't last long"): the
    meaning reads it whenever the fast kinds head sees a threat at all likely."""
    from palabre.inbox.ml import classifier

    text = "Your window won't last long, I'm telling you"
    reading = classifier._read(
        text, 0.1, 0.0, base_model(), "en", _civil_guess(threat), fast_only=False
    )
    assert reading.hit is None and reading.spam.score < classifier.SPAM_HIDE
    assert reading.sure is sure


def test_criticism_keeps_its_place_even_with_a_possible_threat_in_it() -> None:
    """Civil criticism is decided before the threat review: filed as a possible threat, a
    complaint would lose the shield that stops a workspace rule from hiding it
    (moderation.may_hide_automatically). Only when it reads as less criticism than abuse
    does a threat of 0.3 send it to a person."""
    from palabre.inbox.ml import classifier
    from palabre.inbox.ml.meaning import KINDS

    text = "Ten years I've been coming and you treat me like this. You'll regret it."
    reading = classifier._read(
        text, 0.3, 0.0, base_model(), "en", _civil_guess(0.2), fast_only=False
    )

    def decided(criticism: float) -> tuple[str, str, str]:
        kinds = dict.fromkeys(KINDS, 0.0) | {"criticism": criticism, "threat": 0.35}
        kinds["other"] = 1 - sum(kinds.values())
        second = _second_reading(kinds, abuse=0.3, combined=0.2)
        category, action, _reason, kind = classifier._decide_meaning(reading, second, 0.3)
        return category, action, kind

    assert decided(0.5) == ("criticism", "answer_first", "")
    assert decided(0.3) == ("abuse", "review", "threat")
