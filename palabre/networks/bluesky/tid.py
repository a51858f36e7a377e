"""Timestamp identifiers (TIDs): the record keys Bluesky gives posts.

Palabre derives the record key from the post target, so that a retry after a crash
writes the same key and the network refuses a second post instead of creating one.
https://atproto.com/specs/tid
"""

from __future__ import annotations

import hashlib
from datetime import datetime

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(microseconds: int, clock_id: int) -> str:
    value = ((microseconds & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def tid_for(key: str, created_at: datetime) -> str:
    """The same key and creation time always give the same, valid, time-ordered TID."""
    clock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:2], "big") % 1024
    return tid(int(created_at.timestamp() * 1_000_000), clock_id)
