"""X: twitter-text v3 weighted length (NFC, URLs 23, emoji sequences 2, CJK 2)."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from palabre.publishing.rules import entities, messages
from palabre.publishing.rules.base import TextCheck

if TYPE_CHECKING:
    from twitter_text import ParsedResult

MAX = 280


@cache
def configs() -> dict[str, dict[str, Any]]:
    """twitter-text-parser's configurations (imported here: see entities.py). Its v1 and v2
    lack the emoji key (a KeyError); X uses v3 today."""
    from twitter_text.config import config

    return {
        "v1": config["version1"] | {"emoji_parsing_enabled": False},
        "v2": config["version2"] | {"emoji_parsing_enabled": False},
        "v3": config["version3"],
    }


def parse(text: str, *, version: str = "v3") -> ParsedResult:
    return _parse(text, version)


# The check and the preview of one page parse the same text; twitter-text's emoji scan is
# slow on long texts (0.2 s for 10,000 characters). Results are read, never changed.
@lru_cache(maxsize=64)
def _parse(text: str, version: str) -> ParsedResult:
    from twitter_text import parse_tweet

    return parse_tweet(text, configs()[version])


def check(text: str) -> TextCheck:
    parsed = parse(text)
    result = TextCheck("x", parsed.weightedLength, MAX, _("characters"))
    normalized = unicodedata.normalize("NFC", text)
    result.hashtags = [e.value for e in entities.hashtags(normalized)]
    result.mentions = [e.value for e in entities.mentions(normalized)]
    result.urls = [e.value for e in entities.urls(normalized)]
    if not text.strip():
        result.errors.append(messages.empty("x"))
    elif parsed.weightedLength > MAX:
        result.errors.append(messages.too_long("x", parsed.weightedLength, MAX, result.unit))
    elif not parsed.valid:
        result.errors.append(messages.invalid_characters("x"))
    return result
