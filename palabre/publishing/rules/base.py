"""What a check returns, and the counting helpers several networks share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

# Above Facebook's 63,206: no network takes more, so longer text is refused before any
# expensive counting (a pasted 1 MB text must get a quick, clear answer).
MAX_CHECKED_LENGTH = 70_000

_GRAPHEME = regex.compile(r"\X")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    code: str  # stable identifier, e.g. "x.too_long"
    message: str  # translated for the person


@dataclass
class TextCheck:
    network: str
    length: int
    max: int
    unit: str  # what `length` counts, in words a person reads
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "network": self.network,
            "length": self.length,
            "max": self.max,
            "valid": self.valid,
            "errors": [{"code": p.code, "message": p.message} for p in self.errors],
            "warnings": [{"code": p.code, "message": p.message} for p in self.warnings],
        }
        return data | self.extra


def graphemes(text: str) -> int:
    """Extended grapheme clusters (UAX #29, current Unicode), as people see characters."""
    return len(_GRAPHEME.findall(text))


def grapheme_list(text: str) -> list[str]:
    return _GRAPHEME.findall(text)


def has_lone_surrogates(text: str) -> bool:
    """Text decoded from broken JSON or UTF-16 can carry halves of characters."""
    return bool(_SURROGATE.search(text))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))
