"""Quoting a person in a notice or an e-mail: cut between two words, with an ellipsis."""

from __future__ import annotations

import pytest

from palabre.lib.excerpt import excerpt


@pytest.mark.parametrize(
    ("text", "limit", "quoted"),
    [
        ("Je vais te casser la gueule", 20, "Je vais te casser…"),
        ("Je vais te casser la gueule", 18, "Je vais te casser…"),  # the cut falls on a space
        ("Je vais te casser la gueule", 17, "Je vais te…"),  # never "Je vais te casse…"
        ("short", 20, "short"),
        ("  on\nseveral\tlines  ", 40, "on several lines"),
        ("Bonjour, merci beaucoup", 10, "Bonjour…"),  # no dangling comma before the ellipsis
        ("https://example.org/a/very/long/address", 12, "https://exa…"),  # one word: cut inside
        # French's no-break spaces stay (a sign never starts a line), other spaces fold
        (
            "Le webhook\u00a0: désactivé  \n«\u00a0hook\u00a0»",
            60,
            "Le webhook\u00a0: désactivé «\u00a0hook\u00a0»",
        ),
        ("Attendez\u00a0: réparez le destinataire", 11, "Attendez…"),  # never "Attendez\u00a0…"
    ],
)
def test_it_cuts_at_a_word_with_an_ellipsis(text: str, limit: int, quoted: str) -> None:
    assert excerpt(text, limit) == quoted
    assert len(excerpt(text, limit)) <= limit


def test_a_direction_override_left_open_does_not_turn_the_notice_around() -> None:
    """An unclosed right-to-left override in a note reversed the notice's closing quote
    (an attack); the words stay."""
    assert excerpt("merci \u202egnihtemos\u2066 à vous", 120) == "merci gnihtemos à vous"
