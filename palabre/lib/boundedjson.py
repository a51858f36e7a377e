"""JSON from outside, parsed within bounds.

`json.loads` recurses once per level of nesting: a body of 100,000 brackets ends in a
RecursionError (a 500) before any check of ours could run. So the nesting is measured
first, on the raw bytes, by a linear scan that skips strings (a bracket inside a string is
text); a body deeper than the limit never reaches the parser. The body's size is bounded by
the caller before it reads it (see the conversions webhook).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 32  # a conversion is one flat object; no honest sender nests anywhere near this

# A whole string (escapes included), a quote left open (`open`: no closing quote follows),
# or one bracket. The brackets after a quote left open are counted: at worst a body is
# refused that the parser would have refused anyway.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*+"|(?P<open>")|[\[\]{}]', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_OPENING = frozenset((b"[", b"{"))
_CLOSING = frozenset((b"]", b"}"))


class TooDeep(ValueError):
    """The body is nested deeper than the limit; it was not parsed."""


def nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether any point of `raw` is inside more than `limit` arrays and objects."""
    depth = 0
    for mark in _marks(raw):
        if mark in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif mark in _CLOSING:
            depth -= 1
    return False


def _marks(raw: bytes) -> Iterator[bytes]:
    """The brackets of `raw` outside strings, in order. After a quote left open, every
    later quote is escaped in its reading, so no string can close after it either: what
    follows is read once, for brackets only. (Trying each of those quotes again as the start
    of a string reads to the end each time: quadratic, days for a few megabytes.)"""
    for token in _TOKENS.finditer(raw):
        if token.group("open") is not None:
            yield from (m.group() for m in _BRACKETS.finditer(raw, token.end()))
            return
        if token.group()[:1] != b'"':
            yield token.group()


def json_loads_bounded(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value; TooDeep past `max_depth` levels, ValueError for anything not JSON."""
    if nesting_exceeds(raw, max_depth):
        raise TooDeep
    return json.loads(raw)
