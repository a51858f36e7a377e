"""Hashtags, mentions and cashtags as twitter-text extracts them.

A port of the twitter-text reference regexes (Apache-2.0), written because no maintained
Python library extracts these; URLs come from twitter-text-parser, which passes the
conformance suite. Checked against extract.yml at test time. Offsets are code points.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

# twitter-text-parser is imported where it is used: it compiles its large patterns on
# import (about 0.3 s), which `palabre check-post` on a Bluesky text need not pay.


@dataclass(frozen=True)
class Entity:
    kind: str  # url, hashtag, mention, cashtag
    value: str  # without its sign for hashtags, mentions and cashtags
    start: int
    end: int


_AT_SIGNS = "@＠"
_MENTION = regex.compile(
    r"(^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)"
    r"([@＠])([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_\-]{0,24})?"
)


@cache
def _end_mention() -> regex.Pattern[str]:
    """Matched at a position (`.match(text, pos)`), not on a copy of the rest: a copy per
    entity made long texts quadratic."""
    from twitter_text.regexp.latin_accent_chars import latin_accent_chars

    return regex.compile(rf"(?:[@＠]|[{latin_accent_chars.pattern}]|://)")


_HASHTAG_SPECIAL = "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
_ALPHA = r"[\p{L}\p{M}]"
_ALNUM = rf"[\p{{L}}\p{{M}}\p{{Nd}}{_HASHTAG_SPECIAL}]"
_HASHTAG = regex.compile(
    rf"(^|\uFE0E|\uFE0F|(?!{_ALNUM}|&).)([#＃])(?!\uFE0F|\u20E3)({_ALNUM}*{_ALPHA}{_ALNUM}*)",
    regex.DOTALL,
)
_END_HASHTAG = regex.compile(r"(?:[#＃]|://)")


@cache
def _cashtag() -> regex.Pattern[str]:
    from twitter_text.regexp.punct import punct
    from twitter_text.regexp.spaces_group import spaces_group

    return regex.compile(
        rf"(^|[{spaces_group}])(\$)([a-z]{{1,6}}(?:[._][a-z]{{1,2}})?)(?=$|\s|[{punct}])",
        regex.IGNORECASE,
    )


def urls(text: str, *, without_protocol: bool = True) -> list[Entity]:
    return list(_urls(text, without_protocol))


# One page checks a text, its hashtags (which must not overlap a link) and its preview:
# the same text's links are asked for several times, and the extractor reads it slowly.
@lru_cache(maxsize=64)
def _urls(text: str, without_protocol: bool) -> tuple[Entity, ...]:
    from twitter_text import extract_urls_with_indices

    return tuple(
        Entity("url", u["url"], u["indices"][0], u["indices"][1])
        for u in extract_urls_with_indices(text, extract_urls_without_protocol=without_protocol)
    )


def mentions(text: str) -> list[Entity]:
    if not any(sign in text for sign in _AT_SIGNS):
        return []
    found = []
    for match in _MENTION.finditer(text):
        if _end_mention().match(text, match.end()) or match.group(4):
            continue  # an e-mail address, a URL, or a list (@user/list)
        start = match.start(2)
        found.append(Entity("mention", match.group(3), start, start + 1 + len(match.group(3))))
    return found


def hashtags(text: str, *, check_url_overlap: bool = True) -> list[Entity]:
    if "#" not in text and "＃" not in text:
        return []
    found = []
    for match in _HASHTAG.finditer(text):
        if _END_HASHTAG.match(text, match.end()):
            continue
        start = match.start(2)
        found.append(Entity("hashtag", match.group(3), start, start + 1 + len(match.group(3))))
    if check_url_overlap and found:
        found = _outside_links(found, urls(text))
    return found


def cashtags(text: str) -> list[Entity]:
    if "$" not in text:
        return []
    return [
        Entity("cashtag", m.group(3), m.start(2), m.start(2) + 1 + len(m.group(3)))
        for m in _cashtag().finditer(text)
    ]


def _outside_links(tags: list[Entity], links: list[Entity]) -> list[Entity]:
    """The tags no link overlaps. Links never overlap each other: of those starting before
    a tag ends, only the last can reach into it (a search per tag, not a scan of every link)."""
    links = sorted(links, key=lambda link: link.start)
    starts = [link.start for link in links]
    kept = []
    for tag in tags:
        index = bisect_left(starts, tag.end) - 1
        if index < 0 or links[index].end <= tag.start:
            kept.append(tag)
    return kept
