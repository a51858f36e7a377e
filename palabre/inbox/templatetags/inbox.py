"""Showing what people wrote: always escaped, links marked as user content."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from palabre.inbox import audience as audiences
from palabre.inbox import reasons
from palabre.inbox.models import (
    KIND_LABELS,
    AbuseKind,
    Category,
    Interaction,
    ModerationRule,
    Reply,
)
from palabre.inbox.waiting import answered_post as answered_line
from palabre.lib.durations import duration_text
from palabre.lib.numbers import number_text
from palabre.lib.percent import quoted_text, share_text
from palabre.networks.base import Visibility

register = template.Library()


@register.simple_tag
def rule_conditions(rule: ModerationRule) -> str:
    """What a rule looks for, in words (escaped where shown); "every comment" when nothing."""
    parts = [
        str(rule.get_category_display()) if rule.category else "",
        str(rule.get_abuse_kind_display()) if rule.abuse_kind else "",
        str(_("abuse ≥ %(score)s") % {"score": number_text(rule.min_abuse)})
        if rule.min_abuse is not None
        else "",
        quoted_text(rule.keywords) if rule.keywords else "",
        f"@{rule.author.lstrip('@')}" if rule.author else "",
        rule.channel.name if rule.channel else "",
        rule.lang,
        str(_("unanswered %(hours)s h") % {"hours": rule.unanswered_hours})
        if rule.unanswered_hours
        else "",
    ]
    return " · ".join(p for p in parts if p) or str(_("Every comment"))


_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    shown = url if len(url) <= 60 else url[:57] + "…"
    return format_html(
        '<a href="{}" rel="nofollow noopener ugc" target="_blank">{}</a>', url, shown
    ) + escape(tail)


@register.filter
def ugc(text: str) -> SafeString:
    """User-generated content: escaped first, then http(s) links made clickable."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        parts.append(_link(match))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


@register.filter
def waiting(since: datetime) -> str:
    """ "3 h 20 min", "2 d 4 h": how long someone has been waiting."""
    return duration_text((timezone.now() - since).total_seconds())


@register.filter
def answered_post(interaction: Interaction) -> str:
    return answered_line(interaction)


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else share_text(value)


@register.filter
def audience(row: Interaction | Reply) -> str:
    """Who can read an interaction or an answer: "public", "unlisted", "followers", "direct"."""
    if isinstance(row, Reply):
        return audiences.reply_visibility(row).value
    return audiences.audience_of(row).value


@register.filter
def audience_label(row: Interaction | Reply) -> str:
    """The same, in words: "Private message", "Followers only"…"""
    return str(audiences.LABELS[Visibility(audience(row))])


@register.filter
def kind_label(kind: str) -> str:
    """ "comment", "mention"… in the reader's language, never the stored key."""
    label = KIND_LABELS.get(kind)
    return "" if label is None else str(label)


# The classifier's reasons are stored as it wrote them ("abuse score 0.52 in the grey zone",
# "lexicon: insult", "spam: link, spam words", "criticism"): the moderation log's CSV keeps
# them so; a page says them in the reader's language.
_SPAM_SIGNS = {
    "link": _("a link"),
    "spam words": _("spam words"),
    "phone number": _("a phone number"),
    "flood": _("a flood of emoji or repeated characters"),
    "meaning": _("what it says"),
}
_GREY = re.compile(r"abuse score (\d\.\d+) in the grey zone")
_ABOVE = re.compile(r"abuse score (\d\.\d+) ≥ (\d\.\d+)")
_LEXICON = re.compile(r"lexicon: (\w+)")
_SIGN = "(?:link|spam words|phone number|flood|meaning)"
_SPAM = re.compile(rf"spam: ({_SIGN}(?:, {_SIGN})*)")
# The second stage's reasons: "threat 0.93, abuse score 0.81", "insult 0.62".
_MEANING = re.compile(
    r"\b(threat|hate|insult|harassment|sexual) (\d\.\d+)(?:, abuse score (\d\.\d+))?"
)


def _meaning_reason(m: re.Match[str]) -> str:
    said = str(_("read as %(kind)s (%(score)s)")) % {
        "kind": _kind(m.group(1)),
        "score": _score(m.group(2)),
    }
    if m.group(3):
        said += ", " + str(_("abuse score %(score)s")) % {"score": _score(m.group(3))}
    return said


def _score(text: str) -> str:
    return number_text(float(text), 2)


def _kind(key: str) -> str:
    """A kind inside a sentence: "menace", "insulte"."""
    return _kind_name(key).lower()


@register.filter
def machine_words(reason: str) -> str:
    """A logged reason in the reader's language: Palabre's sentences (inbox/reasons.py) and
    the classifier's words, wherever they stand in `reason`; a person's words stay."""
    if not isinstance(reason, str):
        return ""
    return reasons.reason_said(reason, _classifier_words)


def _classifier_words(reason: str) -> str:
    if reason in Category.values and reason != Category.OTHER:
        return str(Category(reason).label)
    if reason == "no text to read":
        return str(_("no text to read"))
    reason = _GREY.sub(
        lambda m: (
            str(_("abuse score %(score)s, in the grey zone: a person decides"))
            % {"score": _score(m.group(1))}
        ),
        reason,
    )
    reason = _ABOVE.sub(
        lambda m: (
            str(_("abuse score %(score)s, above the threshold of %(threshold)s"))
            % {"score": _score(m.group(1)), "threshold": _score(m.group(2))}
        ),
        reason,
    )
    reason = _LEXICON.sub(
        lambda m: str(_("word list: %(kind)s")) % {"kind": _kind(m.group(1))}, reason
    )
    reason = _MEANING.sub(_meaning_reason, reason)
    return _SPAM.sub(
        lambda m: (
            str(_("spam: %(signs)s"))
            % {"signs": ", ".join(str(_SPAM_SIGNS[s]) for s in m.group(1).split(", "))}
        ),
        reason,
    )


@register.filter
def kinds_read(scores: dict | None) -> str:
    """The second stage's likeliest kinds, "Threat 81%, Insult 12%" (those from 10%)."""
    kinds = scores.get("kinds") if isinstance(scores, dict) else None
    if not isinstance(kinds, dict):
        return ""
    read = []
    for key, value in kinds.items():
        try:
            read.append((str(key), float(value)))
        except (TypeError, ValueError):
            continue  # a stored score that is not a number says nothing
    read = [(k, v) for k, v in read if v >= 0.1]  # NaN fails this too
    read.sort(key=lambda kv: -kv[1])
    return ", ".join(f"{_kind_name(k)} {percent(v)}" for k, v in read)


def _kind_name(key: str) -> str:
    """A kind as a label: an abuse kind's or a category's, else the key itself."""
    for choices in (AbuseKind, Category):
        if key in choices.values:
            return str(choices(key).label)
    return key
