"""A person's words quoted in a notice or an e-mail: on one line, shortened between two
words, with an ellipsis that says something was left out.

A quote cut inside a word ("je vais te cas") can read as something else than what was
written; a quote cut without a mark reads as the whole message.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_DANGLING = " \u00a0,;:-–—"  # left at the end of a cut, they read as a sentence that goes on
# Runs of white space become one space, but for the no-break ones French puts before : ; ! ?
# and inside « »: str.split() would take them for any other.
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")
# Direction overrides and isolates left open in a quote turn the sentence around it (the
# notice's closing quote read reversed, an attack): a quote keeps the words, not those.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def excerpt(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters with the ellipsis. Cut after the last
    whole word that fits; a single word longer than the limit (an address) is cut inside."""
    text = _SPACES.sub(" ", _BIDI_CONTROLS.sub("", text).strip())
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ELLIPSIS))
    head = text[:room]
    if text[room] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]  # the cut fell inside a word: leave that word out
    return head.rstrip(_DANGLING) + ELLIPSIS
