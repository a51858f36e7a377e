"""A channel names its network once, in whichever language it is read."""

from __future__ import annotations

import pytest
from django.utils import translation

from palabre.channels.models import channel_title


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_name_that_says_where_in_either_language_is_not_labelled_again(language: str) -> None:
    with translation.override(language):
        assert channel_title("Page Facebook Lumière", "facebook") == "Page Facebook Lumière"
        assert channel_title("Lumière Facebook Page", "facebook") == "Lumière Facebook Page"
        assert channel_title("Boulangerie Lumière (LinkedIn)", "linkedin") == (
            "Boulangerie Lumière (LinkedIn)"
        )


def test_a_name_that_does_not_gets_the_readers_label() -> None:
    with translation.override("en"):
        assert channel_title("Lumière", "facebook") == "Lumière (Facebook Page)"
    with translation.override("fr"):
        assert channel_title("Lumière", "facebook") == "Lumière (Page Facebook)"
        assert channel_title("X-Men fans", "x") == "X-Men fans (X)"
