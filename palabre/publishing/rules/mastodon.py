"""Mastodon: grapheme clusters of content warning + text, each http(s) URL counting 23 and
`@user@domain` counting as `@user` (app/validators/status_length_validator.rb)."""

from __future__ import annotations

import regex
from django.utils.translation import gettext as _

from palabre.publishing.rules import entities, messages
from palabre.publishing.rules.base import TextCheck, graphemes

DEFAULT_MAX = 500
URL_PLACEHOLDER = "x" * 23
# Mastodon's Account::MENTION_RE: a local or remote account, not inside a word or URL.
_MENTION = regex.compile(r"(?<![=/\w])@((\w+(?:[\w.-]+\w+)?)(?:@[\w.-]+\w+)?)", regex.IGNORECASE)


def countable_text(text: str) -> str:
    if not text.strip():
        return ""
    spans = [(u.start, u.end, URL_PLACEHOLDER) for u in entities.urls(text, without_protocol=False)]
    spans += [(m.start(), m.end(), "@" + m.group(2)) for m in _MENTION.finditer(text)]
    spans.sort()
    out, position = [], 0
    for start, end, replacement in spans:
        if start < position:
            continue  # overlaps an entity already rewritten
        out += [text[position:start], replacement]
        position = end
    out.append(text[position:])
    return "".join(out)


def check(text: str, *, content_warning: str = "", max_chars: int | None = None) -> TextCheck:
    maximum = max_chars or DEFAULT_MAX
    length = graphemes(content_warning + countable_text(text))
    result = TextCheck("mastodon", length, maximum, _("characters"))
    result.hashtags = [e.value for e in entities.hashtags(text)]
    result.mentions = [m.group(1) for m in _MENTION.finditer(text)]
    result.urls = [u.value for u in entities.urls(text, without_protocol=False)]
    if not text.strip():
        result.errors.append(messages.empty("mastodon"))
    elif length > maximum:
        result.errors.append(messages.too_long("mastodon", length, maximum, result.unit))
    return result
