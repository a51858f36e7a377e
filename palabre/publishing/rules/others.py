"""Threads, LinkedIn, Facebook Pages and Instagram: limits from each network's documentation
(docs/networks.md says which are uncertain), plus the advice each audience warrants."""

from __future__ import annotations

import regex
from django.utils.translation import gettext as _

from palabre.publishing.rules import entities, messages
from palabre.publishing.rules.base import TextCheck, grapheme_list

_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
THREADS_MAX_LINKS = 5


def _base(network: str, text: str, length: int, maximum: int) -> TextCheck:
    result = TextCheck(network, length, maximum, _("characters"))
    result.hashtags = [e.value for e in entities.hashtags(text)]
    result.mentions = [e.value for e in entities.mentions(text)]
    result.urls = [e.value for e in entities.urls(text)]
    if not text.strip():
        result.errors.append(messages.empty(network))
    elif length > maximum:
        result.errors.append(messages.too_long(network, length, maximum, result.unit))
    return result


def threads(text: str) -> TextCheck:
    # Meta: "Emojis are counted as the number of UTF-8 bytes"; everything else one each.
    length = sum(len(g.encode()) if _EMOJI.search(g) else 1 for g in grapheme_list(text))
    result = _base("threads", text, length, 500)
    if len(result.hashtags) > 1:
        result.warnings.append(messages.threads_topics(len(result.hashtags)))
    # Up to 5 links a post (uncertain: not found in Meta's pages at hand), so a warning.
    links = len(result.urls)
    if links > THREADS_MAX_LINKS:
        result.warnings.append(messages.threads_links(links))
    return result


# LinkedIn's "little text format": a mention is @[Name](urn:li:organization:123) or
# (urn:li:person:AbC-12), and LinkedIn shows only the name [official] learn.microsoft.com/
# en-us/linkedin/marketing/community-management/shares/little-text-format. The connector escapes the
# reserved characters around these; the 3,000 are counted on the text as written, before
# escaping (uncertain whether LinkedIn counts before or after: docs/networks.md).
LINKEDIN_MAX = 3000
# A comment holds 1,250 characters [3p] (LinkedIn's own comment box; uncertain for the API:
# docs/networks.md).
LINKEDIN_COMMENT_MAX = 1250
LINKEDIN_MENTION = regex.compile(
    r"@\[(?P<name>[^\[\]\n]{1,200})\]\((?P<urn>urn:li:(?:organization|person):[A-Za-z0-9_-]{1,100})\)"
)
# Written like a mention, not one LinkedIn reads (another URN type, a missing part).
_LINKEDIN_ALMOST = regex.compile(r"@\[[^\[\]\n]{0,200}\]\([^()\n]{0,200}\)?")


def linkedin_shown(text: str) -> str:
    """The text as LinkedIn shows it: each mention as its name."""
    return LINKEDIN_MENTION.sub(lambda m: m["name"], text)


def linkedin(text: str) -> TextCheck:
    shown = linkedin_shown(text)
    result = _base("linkedin", shown, len(shown), LINKEDIN_MAX)
    found = list(LINKEDIN_MENTION.finditer(text))
    result.mentions = [m["name"] for m in found]
    result.extra = {"mention_urns": [m["urn"] for m in found]}
    rest = LINKEDIN_MENTION.sub("", text)
    for almost in _LINKEDIN_ALMOST.finditer(rest):
        result.warnings.append(messages.linkedin_mention_syntax(almost.group()[:80]))
    for plain in entities.mentions(_LINKEDIN_ALMOST.sub("", rest)):
        result.warnings.append(messages.linkedin_plain_mention("@" + plain.value))
    if text.strip() and not 3 <= len(result.hashtags) <= 5:
        result.warnings.append(messages.linkedin_hashtags(len(result.hashtags)))
    return result


def facebook(text: str) -> TextCheck:
    result = _base("facebook", text, len(text), 63206)
    if len(result.hashtags) > 2:
        result.warnings.append(messages.facebook_hashtags(len(result.hashtags)))
    return result


def instagram(text: str) -> TextCheck:
    result = _base("instagram", text, len(text), 2200)
    tags, people = len(result.hashtags), len(result.mentions)
    if tags > 30:
        result.errors.append(messages.too_many_hashtags("instagram", tags, 30))
    elif tags > 5:
        result.warnings.append(messages.instagram_hashtags(tags))
    if people > 20:
        result.errors.append(messages.too_many_mentions("instagram", people, 20))
    if result.urls:
        result.warnings.append(messages.instagram_links())
    return result
