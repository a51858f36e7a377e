"""Issue 18, attacked: what the review of the two-stage moderation found, kept fixed."""

from __future__ import annotations

import time

import numpy as np

from palabre.inbox.ml import lexicon, meaning
from palabre.inbox.ml.classifier import base_meaning, classify
from palabre.inbox.ml.meaning_training import adjust_meaning
from palabre.inbox.templatetags.inbox import kinds_read, machine_words
from palabre.inbox.tests.test_classifier import classify_command


def test_a_list_hit_is_hidden_only_when_the_meaning_reads_abuse() -> None:
    """A threat on the list, quoted in a complaint, is read again for its meaning: a
    person decides. (Known limit, in docs/moderation.md: quoted hate slogans often still
    read as hate and are hidden.)"""
    [quoted] = classify(["My son was told 'kys' by your community moderator. Fire him."])
    assert quoted.lexicon == "threat"
    assert (quoted.category, quoted.action) == ("abuse", "review"), quoted
    [slur] = classify(["go back to your country you wetback"])
    assert slur.action == "hide"


def test_a_workspace_cannot_train_the_machine_into_hiding_criticism() -> None:
    """Hiding is decided on the shipped abuse head: a workspace's decisions move what goes
    to review, never what a machine hides."""
    complaints = [
        "You will pay for this, with a chargeback and a one-star review.",
        "Je vais vous détruire dans mon avis Google, 40 minutes pour un café.",
    ]
    base = base_meaning()
    x = meaning.features(complaints, ["en", "fr"])
    pushed = adjust_meaning(base, np.tile(x, (20, 1)), [1, 1] * 20, version="ws-pushed")
    assert (pushed.abuse(x) > base.abuse(x)).all()
    for p in classify(complaints, meaning_model=pushed):
        assert p.action != "hide", p


def test_the_lexicon_has_no_pattern_that_explodes_on_long_input() -> None:
    started = time.perf_counter()
    for attack in ("((( " + " " * 8000, "(" * 5000, "je vais " * 2000, "a" * 50000):
        lexicon.match(lexicon.fold(attack))
    assert time.perf_counter() - started < 2.0


def test_unreadable_text_is_read_not_crashed_on() -> None:
    texts = ["\ud800 lone surrogate", "\x00je vais te retrouver et te tuer", "\u202e\u200f"]
    readings = classify(texts)
    assert len(readings) == 3
    assert readings[1].category == "abuse"  # a NUL in front hides nothing from either stage
    out = classify_command(['{"text": "\\ud800 a"}', '{"text": "ok \\u0000 merci"}'])
    assert len(out) == 2 and all("kind" in line for line in out)


def test_stored_scores_of_any_shape_render() -> None:
    for scores in (
        None,
        [],
        "x",
        {"kinds": []},
        {"kinds": {"threat": "NaN"}},
        {"kinds": {"threat": None, "hate": {"x": 1}, "insult": 0.5}},
    ):
        kinds_read(scores)  # type: ignore[arg-type]
    assert kinds_read({"kinds": {"threat": 0.8, "praise": 0.05}}) in (
        "Threat 80%",
        "Menace 80\u00a0%",
    )
    assert machine_words(None) == ""  # type: ignore[arg-type]
