"""Encryption at rest for network credentials and two-factor secrets.

PALABRE_ENCRYPTION_KEYS is a list: the first key encrypts, every key decrypts, so a key
can be rotated by putting a new one first and re-encrypting (`palabre rotate-keys`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """No configured key opens this value (a key was removed too early)."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.PALABRE_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("no configured encryption key opens this value") from None


def rotate(token: str) -> str:
    """Re-encrypt with the first key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("no configured encryption key opens this value") from None


def encrypt_json(value: dict[str, Any]) -> str:
    return encrypt(json.dumps(value))


def decrypt_json(token: str) -> dict[str, Any]:
    if not token:
        return {}
    result: dict[str, Any] = json.loads(decrypt(token))
    return result
