"""Previews that look like each network: entities highlighted, overflow and fold marked."""

from __future__ import annotations

import unicodedata

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from palabre.publishing.rules import entities
from palabre.publishing.rules.base import grapheme_list
from palabre.publishing.rules.bluesky import MAX_GRAPHEMES
from palabre.publishing.rules.mastodon import _MENTION as MASTODON_MENTION
from palabre.publishing.rules.x import parse

register = template.Library()

# Where each feed folds a long text behind "… more" (observed on each network's apps).
FOLD_AT = {"instagram": 125, "linkedin": 210, "facebook": 480, "threads": 500}


@register.simple_tag
def preview_html(text: str, network: str) -> SafeString:
    if network == "x":
        text = unicodedata.normalize("NFC", text)
    cut = _overflow_index(text, network)
    fold = FOLD_AT.get(network)
    shown, overflow = text[:cut], text[cut:]
    html = _highlighted(shown, network)
    if fold and len(shown) > fold and not overflow:
        more = escape(_("more"))
        html = _highlighted(shown[:fold], network) + f'<span class="fold">… {more}</span>'
        html += f'<span class="folded">{_highlighted(shown[fold:], network)}</span>'
    if overflow:
        title = escape(_("over the limit"))
        html += f'<mark class="overflow" title="{title}">{escape(overflow)}</mark>'
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 (every piece escaped above)


def _highlighted(text: str, network: str) -> str:
    spans = [(e.start, e.end, "link") for e in entities.urls(text)]
    spans += [(e.start, e.end, "tag") for e in entities.hashtags(text)]
    if network == "mastodon":
        spans += [(m.start(), m.end(), "mention") for m in MASTODON_MENTION.finditer(text)]
    else:
        spans += [(e.start, e.end, "mention") for e in entities.mentions(text)]
    out, position = [], 0
    for start, end, kind in sorted(spans):
        if start < position:
            continue
        out += [
            escape(text[position:start]),
            f'<span class="{kind}">{escape(text[start:end])}</span>',
        ]
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def _overflow_index(text: str, network: str) -> int:
    """Code-point index where the text goes over the network's limit (len(text) if it does not)."""
    if network == "x":
        parsed = parse(text)
        if parsed.valid or not text.strip():
            return len(text)
        return _code_points_in_utf16(text, parsed.validRangeEnd + 1)
    if network == "bluesky":
        clusters = grapheme_list(text)
        return sum(len(g) for g in clusters[:MAX_GRAPHEMES])
    return len(text)


def _code_points_in_utf16(text: str, units: int) -> int:
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            return index
    return len(text)
