"""Text that must stay on one line: names, and anything that reaches an e-mail header.

A line break in an e-mail subject is refused by Django (BadHeaderError): the mail is not
sent. Names are refused with control characters in them (validate_one_line); text from
elsewhere goes through one_line() before it becomes a header.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters (tab, line feed, carriage return among them), the Unicode
# line and paragraph separators, and the bidirectional embeddings, overrides and isolates
# (a name with U+202E writes the rest of "who changed what" backwards).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def one_line(value: str) -> str:
    """`value` with every control character or run of them made one space."""
    return re.sub(r" {2,}", " ", _CONTROL.sub(" ", value)).strip()


# Letters that draw nothing (Hangul fillers, the braille blank, the grapheme joiner): with
# the format characters (zero-width space, bidirectional marks), spaces and lone combining
# marks, a name of nothing else shows as a blank wherever it is said.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_DRAWS_NOTHING = ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")


def _visible(char: str) -> bool:
    return char not in _BLANK_LETTERS and unicodedata.category(char) not in _DRAWS_NOTHING


def validate_one_line(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError(
            _("A name cannot contain a line break, a tab or another control character."),
            code="control_characters",
        )
    if value and not any(_visible(char) for char in value):
        raise ValidationError(_("A name needs at least one visible character."), code="invisible")
