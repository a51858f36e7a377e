"""Issue 18: moderation that reads meaning. The shipped two-stage model on the frozen
evaluation set, the invariants of the policy, the retraining of a workspace."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from palabre.inbox.ml import frozen, meaning
from palabre.inbox.ml.classifier import base_meaning, base_model, classify
from palabre.inbox.ml.evaluation import INBOX_MIX, INSULTS, FrozenResult, evaluate_frozen
from palabre.inbox.ml.meaning import KINDS, MeaningModel
from palabre.inbox.ml.meaning_training import adjust_meaning
from palabre.inbox.tests.test_classifier import classify_command


@pytest.fixture(scope="module")
def frozen_results() -> dict[str, FrozenResult]:
    return evaluate_frozen(base_model(), base_meaning(), second=True)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_frozen_set_holds_the_measured_floors(
    frozen_results: dict[str, FrozenResult], lang: str
) -> None:
    """A little under what docs/moderation.md reports for the shipped model, so a worse
    retrained model (or a broken stage) fails here. The invariants are exact."""
    r = frozen_results[lang]
    assert r.action_rate("criticism", "hide").hits == 0  # civil criticism is never hidden
    assert r.rate(("threat",)).value >= 0.90, r.rate(("threat",))
    assert r.rate(("hate",)).value >= 0.85, r.rate(("hate",))
    assert r.rate(INSULTS).value >= 0.85, r.rate(INSULTS)
    assert r.rate(("spam",)).value >= 0.85, r.rate(("spam",))
    assert r.rate(("criticism",)).value >= 0.80, r.rate(("criticism",))
    assert r.rate(("question",)).value >= 0.90, r.rate(("question",))
    assert r.language_right >= 0.98 * sum(r.total.values())


@pytest.mark.xfail(
    strict=True,
    reason="issue 18's targets are not all met yet (threats caught, 33 of 35 in each "
    "language, the target asks 34): see docs/moderation.md",
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_frozen_set_meets_the_issue_acceptance(
    frozen_results: dict[str, FrozenResult], lang: str
) -> None:
    r = frozen_results[lang]
    assert r.rate(("threat",)).value >= 0.95, r.rate(("threat",))
    assert r.rate(("hate",)).value >= 0.90, r.rate(("hate",))
    assert r.rate(INSULTS).value >= 0.90, r.rate(INSULTS)
    assert r.rate(("spam",)).value >= 0.90, r.rate(("spam",))
    assert r.rate(("criticism",)).value >= 0.90, r.rate(("criticism",))
    assert r.rate(("question",)).value >= 0.95, r.rate(("question",))


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Not impressed.", "not  impressed", True),
        ("Je ne recommande pas", "je ne RECOMMANDE pas !", True),
        ("don't", "dont", True),
        ("👍🏽", "👍", True),
        ("❤️", "❤", True),
        ("?", "!!!", False),
        ("👍", "👎", False),
        ("not impressed", "impressed", False),
    ],
)
def test_the_same_text_key_sets_aside_only_what_does_not_change_a_comment(
    one: str, other: str, same: bool
) -> None:
    assert (frozen.same_text_key(one) == frozen.same_text_key(other)) is same


def test_no_training_comment_is_a_frozen_comment() -> None:
    """The frozen set is never trained on: none of the project's comments (every
    kinds_*.csv, both splits of the civil ones) repeats one of its comments
    (frozen.same_text_key: letter case, accents and punctuation aside). Short common
    comments ("not impressed", "👀") were written by both sides until 2026-12-06."""
    from palabre.inbox.ml import datasets

    frozen_texts = {frozen.same_text_key(c.text) for c in frozen.load()}
    training = [
        r.text
        for lang in ("fr", "en")
        for r in datasets.kinds(lang)
        + datasets.civil(lang, training=True)
        + datasets.civil(lang, training=False)
    ]
    assert len(training) > 9000
    assert [t for t in training if frozen.same_text_key(t) in frozen_texts] == []


def test_a_modified_frozen_set_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "eval"
    shutil.copytree(frozen.EVAL_DIR, copy)
    assert len(frozen.load(copy)) == 1110
    target = copy / "fr_civil.csv"
    target.write_text(target.read_text(encoding="utf-8").replace("Merci", "Mersi", 1), "utf-8")
    with pytest.raises(frozen.ModifiedSet, match="was modified"):
        frozen.load(copy)


def test_about_one_comment_in_five_of_a_real_inbox_reaches_the_second_stage() -> None:
    with INBOX_MIX.open(newline="", encoding="utf-8") as handle:
        texts = [r["text"] for r in csv.DictReader(handle)]
    read = sum(bool(p.kinds) for p in classify(texts))
    assert 0.12 <= read / len(texts) <= 0.30, read / len(texts)


@pytest.mark.parametrize(
    ("text", "kind", "action"),
    [
        # The demo's own comments (palabre/inbox/demo.py, analytics/seed.py).
        ("Gagnez 500 € par jour !!! lien en bio", "spam", "hide"),
        (
            "Gagnez 500 € par jour !!! Cliquez sur le lien dans ma bio 💰💰💰 https://example.com/x",
            "spam",
            "hide",
        ),
        ("Gagnez 500 € par jour, lien en bio", "spam", "hide"),
        ("Ferme ta gueule, espèce de connard.", "insult", "review"),
        ("Bande de nuls.", "insult", "review"),
        (
            "Ce serait bête qu'un soir votre jolie vitrine finisse en mille morceaux. Réfléchissez.",
            "threat",
            "review",
        ),
        (
            "Depuis que vous embauchez ces gens-là, ce quartier n'est plus chez nous.",
            "hate",
            "review",
        ),
        (
            "La vendeuse du samedi devrait goûter un peu moins vos viennoiseries 🐷",
            "insult",
            "review",
        ),
        (
            "Cliente depuis dix ans, et samedi je me suis sentie transparente dans votre boutique.",
            "criticism",
            "answer_first",
        ),
        # Praise that asks something waits for its answer (a new user's walk: it read as praise).
        (
            "Super, merci ! Est-ce que la fougasse aux olives en contient aussi ?",
            "question",
            "answer_first",
        ),
        ("Merci beaucoup ! Vous ouvrez dimanche ?", "question", "answer_first"),
        ("Super bon le pain, bravo !", "praise", "none"),
    ],
)
def test_the_demo_comments_are_sorted_as_the_demo_shows_them(
    text: str, kind: str, action: str
) -> None:
    [p] = classify([text])
    assert (p.kind, p.action) == (kind, action), p


def test_only_threats_and_identity_hate_are_hidden_by_the_machine() -> None:
    """Every other abuse kind goes to a person (issue 18, point 3)."""
    comments = [r.text for r in _frozen_abuse()]
    for p in classify(comments):
        if p.action == "hide" and p.category == "abuse":
            assert p.abuse_kind in ("threat", "hate"), p


def test_civil_criticism_is_never_hidden_whatever_it_says() -> None:
    """The invariant (product rule 3): on the frozen criticism and the project's hard civil
    complaints, no machine hide; scores may be high, the action never is."""
    texts = [c.text for c in frozen.load() if c.written_as == "criticism"]
    texts += [
        "C'est honteux, scandaleux, la pire commande de ma vie, remboursez-moi.",
        "Worst service ever, totally unacceptable, I want a refund now.",
        "Vos prix sont du vol pur et simple, 6 € le sandwich, vous devriez avoir honte.",
    ]
    assert all(p.action != "hide" for p in classify(texts))


def test_every_comment_read_twice_keeps_each_kinds_score() -> None:
    [p] = classify(["Franchement je me sens ignorée après dix ans de fidélité."])
    assert p.kinds and set(p.kinds) == set(KINDS)
    assert abs(sum(p.kinds.values()) - 1) < 1e-3
    assert p.scores()["kinds"]
    assert "+" in p.model_version  # both stages named


def test_the_classify_command_refuses_empty_text() -> None:
    lines = [
        json.dumps({"text": "   "}),
        json.dumps({"text": "Gagnez 500 € par jour !!! lien en bio"}),
    ]
    empty, spam = classify_command(lines)
    assert empty == {"error": "empty text: there is nothing to classify"}
    assert spam["kind"] == "spam"


def test_a_workspace_moves_the_second_stage_within_bounds(tmp_path: Path) -> None:
    base = base_meaning()
    texts = ["Ton gâteau est aussi sec que ta personnalité", "On adore vos croissants"]
    x = meaning.features(texts, ["fr", "fr"])
    before = base.abuse(x)
    moved = adjust_meaning(base, np.tile(x, (5, 1)), [0, 1] * 5, version="ws-test")
    after = moved.abuse(x)
    assert after[0] < before[0] and after[1] > before[1]
    # Bounded: the penalty keeps the shift small against the base weights.
    assert moved.shift_coef is not None
    assert np.linalg.norm(moved.shift_coef) < np.linalg.norm(base.abuse_coef)
    moved.save(tmp_path)
    again = MeaningModel.load(tmp_path)
    assert np.allclose(again.abuse(x), after, atol=1e-6)


def _frozen_abuse() -> list[frozen.Comment]:
    return [c for c in frozen.load() if c.abusive]
