"""The written definitions and docs/metrics.md say the same things, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from palabre.analytics.definitions import DEFINITIONS

DOC = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"


def test_every_definition_is_documented() -> None:
    headings = {
        line[4:].strip() for line in DOC.read_text().splitlines() if line.startswith("### ")
    }
    assert set(DEFINITIONS) <= headings, set(DEFINITIONS) - headings


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_definition_is_translated(language: str) -> None:
    with translation.override(language):
        texts = [(str(name), str(text)) for name, text in DEFINITIONS.values()]
    english = [(str(n), str(t)) for n, t in DEFINITIONS.values()]
    if language == "fr":
        with translation.override("en"):
            english = [(str(n), str(t)) for n, t in DEFINITIONS.values()]
        assert all(fr != en for fr, en in zip(texts, english, strict=True))
    assert all(name and len(text) > 20 for name, text in texts)
