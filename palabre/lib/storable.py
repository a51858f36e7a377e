"""Someone else's text made storable. PostgreSQL keeps no NUL in text, and no database
encodes a lone surrogate ("\\ud800", which valid JSON may carry) in UTF-8: either one in a
network's post or a client's field failed the write with a 500, and, in a batch, kept the
rest of the batch out too."""

from __future__ import annotations

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a str holds a pair as one character


def storable(text: str) -> str:
    """The text with NUL removed and each lone surrogate replaced (U+FFFD, as a decoder
    does with what it cannot read)."""
    return _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def unstorable(text: str) -> bool:
    """Whether a person's input holds what cannot be stored: refused with a message."""
    return "\x00" in text or _LONE_SURROGATE.search(text) is not None
