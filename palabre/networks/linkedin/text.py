"""A post's text in LinkedIn's "little text" format, and back.

LinkedIn reads a post's `commentary` as little text
(https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format):
the characters `| { } @ [ ] ( ) < > # \\ * _ ~` are reserved and must be escaped with a
backslash, or the text after them may be lost. Two of its templates are kept:
- a mention, `@[Name](urn:li:organization:123)` (or `urn:li:person:…`), as the composer
  writes it: sent as it is, so LinkedIn links the page or the person;
- a hashtag, `#levain`, sent as the template `{hashtag|\\#|levain}` so that it stays one.
Everything else is escaped. `plain()` undoes it, for reading the page's own posts back (the
reconciliation of an interrupted publish compares texts).
"""

from __future__ import annotations

import re

RESERVED = set("|{}@[]()<>#\\*_~")
MENTION = re.compile(r"@\[([^\[\]\n]{1,200})\]\((urn:li:(?:organization|person):[A-Za-z0-9_-]+)\)")
HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
ESCAPED_HASHTAG = re.compile(r"\{hashtag\|\\#\|(\w+)\}")


def little_text(text: str) -> str:
    out: list[str] = []
    at = 0
    for found in MENTION.finditer(text):
        out.append(_escape(text[at : found.start()]))
        out.append(found.group(0))
        at = found.end()
    out.append(_escape(text[at:]))
    return "".join(out)


def _escape(part: str) -> str:
    pieces: list[str] = []
    at = 0
    for found in HASHTAG.finditer(part):
        pieces.append(_escape_chars(part[at : found.start()]))
        pieces.append("{hashtag|\\#|" + found.group(1) + "}")
        at = found.end()
    pieces.append(_escape_chars(part[at:]))
    return "".join(pieces)


def _escape_chars(part: str) -> str:
    return "".join("\\" + c if c in RESERVED else c for c in part)


def plain(commentary: str) -> str:
    """The text as it was written: hashtag templates back to `#tag`, escapes removed,
    mentions kept as written."""
    out: list[str] = []
    at = 0
    for found in MENTION.finditer(commentary):
        out.append(_unescape(commentary[at : found.start()]))
        out.append(found.group(0))
        at = found.end()
    out.append(_unescape(commentary[at:]))
    return "".join(out)


def _unescape(part: str) -> str:
    part = ESCAPED_HASHTAG.sub(lambda m: "#" + m.group(1), part)
    return re.sub(r"\\(.)", lambda m: m.group(1) if m.group(1) in RESERVED else m.group(0), part)
