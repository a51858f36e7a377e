"""Bluesky: at most 300 graphemes and 3,000 UTF-8 bytes; facets with UTF-8 byte offsets,
detected as the official client's RichText.detectFacetsWithoutResolution does."""

from __future__ import annotations

from typing import Any

from atproto_client.utils import detect_facets, detect_mentions
from django.utils.translation import gettext as _

from palabre.publishing.rules import messages
from palabre.publishing.rules.base import TextCheck, graphemes, utf8_len

MAX_GRAPHEMES = 300
MAX_BYTES = 3000


def facets(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"type": "mention", "byteStart": m.byte_start, "byteEnd": m.byte_end, "handle": m.handle}
        for m in detect_mentions(text)
    ]
    for facet in detect_facets(text):
        feature = facet.features[0]
        item: dict[str, Any] = {
            "byteStart": facet.index.byte_start,
            "byteEnd": facet.index.byte_end,
        }
        if hasattr(feature, "uri"):
            item |= {"type": "link", "uri": feature.uri}
        else:
            item |= {"type": "tag", "tag": feature.tag}
        found.append(item)
    return sorted(found, key=lambda f: f["byteStart"])


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
