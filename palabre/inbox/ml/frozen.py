"""The frozen evaluation set (data/eval/): read it, and refuse it once modified.

Its SHA-256 is recorded here and in docs/moderation.md. A figure measured on a set that was
edited after the model was built would say nothing, so `palabre evaluate-moderation` stops.
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from palabre.inbox.ml import lexicon
from palabre.inbox.ml.meaning import ABUSE_KINDS

EVAL_DIR = Path(__file__).resolve().parents[3] / "data" / "eval"
SHA256 = "6ef6dc7ba910a91391110fdff29557bb26ad4aeb9b1242519c8425f3b4927aa3"
# What each written kind should be sorted as (the kinds a person acts on).
EXPECTED = {
    "threat": "threat",
    "hate": "hate",
    "insult_staff": "insult",
    "insult_collective": "insult",
    "body_shaming": "insult",
    "harassment": "harassment",
    "sexual": "sexual",
    "spam": "spam",
    "criticism": "criticism",
    "question": "question",
    "praise": "praise",
    "neutral": "other",
}


SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")  # the five Fitzpatrick modifiers


class ModifiedSet(Exception):
    pass


@dataclass(frozen=True)
class Comment:
    id: str
    lang: str
    written_as: str  # the kind its writer meant (a key of EXPECTED)
    register: str
    text: str

    @property
    def abusive(self) -> bool:
        return EXPECTED[self.written_as] in ABUSE_KINDS


def files(directory: Path = EVAL_DIR) -> list[Path]:
    return sorted(directory.glob("*.csv"))


def digest(directory: Path = EVAL_DIR) -> str:
    h = hashlib.sha256()
    for path in files(directory):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load(directory: Path = EVAL_DIR) -> list[Comment]:
    found = digest(directory)
    if found != SHA256:
        raise ModifiedSet(
            f"The frozen evaluation set in {directory} was modified (SHA-256 {found}, "
            f"expected {SHA256}). Restore it with git, or write a new set under a new name."
        )
    comments = []
    for path in files(directory):
        lang = path.name.split("_", 1)[0]
        with path.open(newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                comments.append(Comment(r["id"], lang, r["kind"], r["register"], r["text"]))
    return comments


def same_text_key(text: str) -> str:
    """Two comments are the same text when this is equal: letter case, accents, spaces,
    punctuation, emoji variation marks and skin tones aside ("Not impressed." is "not
    impressed", "don't" is "dont", "👍🏽" is "👍"). A text of punctuation only keeps
    itself. Training comments must never be frozen ones (test_two_stage.py)."""
    kept = "".join(
        c
        for c in lexicon.fold(text).casefold()
        if not unicodedata.category(c).startswith(("P", "Z", "C", "M"))  # C: tabs, newlines
        and not SKIN_TONES[0] <= c <= SKIN_TONES[1]
    )
    return kept or text.strip()
