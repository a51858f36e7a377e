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
from palabre.publishing.rules.others import LINKEDIN_MAX, LINKEDIN_MENTION
from palabre.publishing.rules.x import parse
from palabre.web.templatetags.palabre import grouped

register = template.Library()

# Where each feed folds a long text behind "… more" (observed on each network's apps).
FOLD_AT = {"instagram": 125, "linkedin": 210, "facebook": 480, "threads": 500}


@register.simple_tag
def preview_html(text: str, network: str) -> SafeString:
    if network == "x":
        text = unicodedata.normalize("NFC", text)
    names: list[tuple[int, int]] = []  # LinkedIn's mentions, shown as their names
    if network == "linkedin":
        text, names = _linkedin_shown(text)
    cut = _overflow_index(text, network)
    fold = FOLD_AT.get(network)
    shown, overflow = text[:cut], text[cut:]
    html = _highlighted(shown, network, names)
    if fold and len(shown) > fold and not overflow:
        fold = fold_index(shown, fold)
        more = escape(_("more"))
        marker = f'<span class="fold">…&nbsp;{more}</span>'  # "… more" never split over 2 lines
        html = _highlighted(shown[:fold], network, names) + marker
        folded = _highlighted(shown[fold:], network, names, offset=fold)
        # The space keeps "… more" from reading as glued to the next word of the hidden part.
        html += f' <span class="folded">{folded}</span>'
    if overflow:
        title = escape(_("over the limit"))
        html += f'<mark class="overflow" title="{title}">{escape(overflow)}</mark>'
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 (every piece escaped above)


register.filter("grouped", grouped)  # the composer's counts and limits, as every page groups them


def fold_index(text: str, fold: int) -> int:
    """Where the feed's "… more" goes: at `fold`, or back at the space before the word,
    hashtag or link it would cut, as the networks do. A word longer than half the
    visible text is cut where it stands."""
    if fold >= len(text) or text[fold].isspace() or text[fold - 1].isspace():
        return fold
    space = max(text.rfind(" ", 0, fold), text.rfind("\n", 0, fold))
    return space + 1 if space + 1 > fold // 2 else fold


def _linkedin_shown(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text as LinkedIn shows it (each @[Name](urn:li:…) as its name), and where the
    names are in it."""
    out, names, position, length = [], [], 0, 0
    for match in LINKEDIN_MENTION.finditer(text):
        before = text[position : match.start()]
        out += [before, match["name"]]
        length += len(before)
        names.append((length, length + len(match["name"])))
        length += len(match["name"])
        position = match.end()
    out.append(text[position:])
    return "".join(out), names


def _highlighted(
    text: str, network: str, names: list[tuple[int, int]] | None = None, offset: int = 0
) -> str:
    spans = [(e.start, e.end, "link") for e in entities.urls(text)]
    spans += [(e.start, e.end, "tag") for e in entities.hashtags(text)]
    if network == "mastodon":
        spans += [(m.start(), m.end(), "mention") for m in MASTODON_MENTION.finditer(text)]
    elif network == "linkedin":  # only @[Name](urn:li:…) is a mention there, not @word
        spans += [
            (start - offset, min(end - offset, len(text)), "mention")
            for start, end in names or []
            if offset <= start < offset + len(text)
        ]
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
    if network == "linkedin":  # the text as shown (mentions as names), as the rule counts it
        return min(len(text), LINKEDIN_MAX)
    return len(text)


def _code_points_in_utf16(text: str, units: int) -> int:
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            return index
    return len(text)
