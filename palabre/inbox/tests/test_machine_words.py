"""The classifier's reasons, stored as it wrote them, said in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from palabre.inbox.templatetags.inbox import machine_words


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        (
            "abuse score 0.52 in the grey zone",
            "abuse score 0.52, in the grey zone: a person decides",
        ),
        ("abuse score 0.93 ≥ 0.90", "abuse score 0.93, above the threshold of 0.90"),
        ("lexicon: insult", "word list: insult"),
        ("spam: link, spam words", "spam: a link, spam words"),
        # As the moderation log keeps it: the rule's name, then the classifier's words.
        ("default rules · lexicon: threat", "default rules · word list: threat"),
        ("criticism", "Criticism"),
        ("a person's own words stay", "a person's own words stay"),
        ("", ""),
    ],
)
def test_reasons_read_as_words(stored: str, said: str) -> None:
    with translation.override("en"):
        assert machine_words(stored) == said


def test_they_are_translated() -> None:
    with translation.override("fr"):
        assert machine_words("criticism") == "Critique"
        assert "0,52" in machine_words("abuse score 0.52 in the grey zone")  # French decimals
