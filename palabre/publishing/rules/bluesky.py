"""Bluesky: at most 300 graphemes and 3,000 UTF-8 bytes; facets with UTF-8 byte offsets,
detected as the official client's RichText.detectFacetsWithoutResolution does (facets.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from palabre.publishing.rules import messages
from palabre.publishing.rules.base import TextCheck, graphemes, utf8_len
from palabre.publishing.rules.facets import facets

MAX_GRAPHEMES = 300
MAX_BYTES = 3000


def check(text: str) -> TextCheck:
    length, size = graphemes(text), utf8_len(text)
    result = TextCheck("bluesky", length, MAX_GRAPHEMES, _("characters"))
    found = facets(text)
    result.extra = {"bytes": size, "max_bytes": MAX_BYTES, "facets": found}
    result.hashtags = [
        f["tag"] for f in found if f["type"] == "tag" and not f["tag"].startswith("$")
    ]
    result.mentions = [f["handle"] for f in found if f["type"] == "mention"]
    result.urls = [f["uri"] for f in found if f["type"] == "link"]
    if not text.strip():
        result.errors.append(messages.empty("bluesky"))
    if length > MAX_GRAPHEMES:
        result.errors.append(messages.too_long("bluesky", length, MAX_GRAPHEMES, result.unit))
    if size > MAX_BYTES:
        result.errors.append(messages.too_many_bytes("bluesky", size, MAX_BYTES))
    return result
