"""Palabre's own words in the moderation log, as they are stored and as each reader reads them.

A decision is logged once, often by the worker, and read later by people in French or in
English. Like the classifier's words ("lexicon: threat"), Palabre's sentences are stored in
English, their msgid filled in ("rule “Scams”: LinkedIn has no way to hide replies, so it
goes to review"), and said in the reader's language when shown: the moderation log, a
conversation's history. Reasons logged in French before are recognised too, from the
catalogue. A person's own words, around them, stay as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from palabre.channels.models import Channel, network_labels_in_every_language
from palabre.networks.kinds import NETWORKS

DEFAULT_RULES = gettext_noop("default rules")  # who decided, when no rule of the workspace did
NOBODY = gettext_noop("nobody")
JUDGED_ABUSIVE = gettext_noop("judged abusive")
NOT_ABUSE = gettext_noop("not abuse")
RULE = gettext_noop("rule “%(name)s”")
REFUSED = gettext_noop("%(why)s: civil criticism and weak evidence are never hidden by a machine")
CANNOT_HIDE_DELETES = gettext_noop(
    "%(why)s: hiding is not possible on %(network)s, so it goes to review"
)
CANNOT_HIDE_OWN_POSTS = gettext_noop(
    "%(why)s: %(network)s hides only replies to the account's posts, so it goes to review"
)
CANNOT_HIDE = gettext_noop("%(why)s: %(network)s has no way to hide replies, so it goes to review")
PALABRE_ONLY_DELETES = gettext_noop("in Palabre only: hiding is not possible on %(network)s")
PALABRE_ONLY_OWN_POSTS = gettext_noop(
    "in Palabre only: %(network)s hides only replies to the account's posts"
)
PALABRE_ONLY = gettext_noop("in Palabre only: %(network)s cannot hide replies")
NOT_ALLOWED = gettext_noop("%(network)s does not allow this.")
AUTHOR_ERASED = gettext_noop("The author's data was erased.")

STORED = (
    DEFAULT_RULES,
    NOBODY,
    JUDGED_ABUSIVE,
    NOT_ABUSE,
    RULE,
    REFUSED,
    CANNOT_HIDE_DELETES,
    CANNOT_HIDE_OWN_POSTS,
    CANNOT_HIDE,
    PALABRE_ONLY_DELETES,
    PALABRE_ONLY_OWN_POSTS,
    PALABRE_ONLY,
    NOT_ALLOWED,
    AUTHOR_ERASED,
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_LOOSE = {" ": "[ \u00a0]", "\u00a0": "[ \u00a0]", "'": "['’]", "’": "['’]"}
_SEPARATOR = " · "  # between a reason and the person's own words ("in Palabre only: … · spam")


def network_as_stored(channel: Channel) -> str:
    """The channel's network as a stored reason names it: its label's English original."""
    with translation.override(None):  # no catalogue: every msgid says itself
        return channel.network_label


def reason_said(reason: str, words: Callable[[str], str]) -> str:
    """`reason` in the active language: Palabre's sentences translated, what lies around
    them handed to `words` (the classifier's words, or a person's, which stay)."""
    if not reason:
        return ""
    found = _first_sentence(reason)
    if found is None:
        return words(reason)
    message, match = found
    values = {name: _value_said(name, value, words) for name, value in match.groupdict().items()}
    said = gettext(message) % values if values else gettext(message)
    before, after = reason[: match.start()], reason[match.end() :]
    return (words(before) if before else "") + said + reason_said(after, words)


def rule_name_said(name: str) -> str:
    """Who decided, when no person did: a rule, by the name the workspace gave it, or
    Palabre's default rules, in the reader's language."""
    if name in _written_everywhere(DEFAULT_RULES):
        return gettext(DEFAULT_RULES)
    return name


def _value_said(name: str, value: str, words: Callable[[str], str]) -> str:
    if name == "network":
        return _network_said(value)
    if name == "why":
        return reason_said(value, words)
    return value  # a rule's name, as the workspace wrote it


def _network_said(label: str) -> str:
    for key, network in NETWORKS.items():
        if label in network_labels_in_every_language(key):
            return str(network.label)
    return label


def _first_sentence(reason: str) -> tuple[str, re.Match[str]] | None:
    """The sentence that starts first in `reason` (the longest, of two starting together)."""
    best: tuple[str, re.Match[str]] | None = None
    for message, pattern in _patterns():
        match = pattern.search(reason)
        if match is None:
            continue
        if best is None or (match.start(), -match.end()) < (best[1].start(), -best[1].end()):
            best = (message, match)
    return best


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each stored sentence, as written in English and in each language of the catalogue."""
    return [
        (message, _pattern(text)) for message in STORED for text in _written_everywhere(message)
    ]


@functools.cache
def _written_everywhere(message: str) -> list[str]:
    written = {message}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            written.add(gettext(message))
    return sorted(written)


def _pattern(text: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(text)  # text, name, text, name, …, text
    regex = "".join(_literal(part) if i % 2 == 0 else _group(part) for i, part in enumerate(parts))
    # A sentence is a reason of its own, or one of those the log joins with " · ": never
    # words inside a person's ("nobody" in "nobody asked you").
    sep = re.escape(_SEPARATOR)
    return re.compile(rf"(?:^|(?<={sep})){regex}(?={sep}|$)")


def _literal(text: str) -> str:
    """`text` as a pattern where a space and a no-break space are one, and so are the two
    apostrophes: French reasons were logged with plain spaces before : and « », and with
    the typewriter's ', until the catalogue took no-break spaces and ’."""
    return "".join(_LOOSE.get(ch, re.escape(ch)) for ch in text)


def _group(name: str) -> str:
    if name != "network":
        return rf"(?P<{name}>.+?)"
    labels = set().union(*(network_labels_in_every_language(key) for key in NETWORKS))
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return rf"(?P<network>{alternatives})"
