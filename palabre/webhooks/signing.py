"""Signatures per the Standard Webhooks specification (https://www.standardwebhooks.com/).

The secret is `whsec_` and the base64 of 32 random bytes; the signature is
`v1,` and the base64 of HMAC-SHA256, keyed with those bytes, of "<id>.<timestamp>.<body>".
A receiver checks it with any Standard Webhooks library (docs/webhooks.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    *, secrets: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers of one attempt, signed with each of `secrets` (space-separated, as
    the specification has it while a secret is replaced: a receiver accepts any one it
    knows). `timestamp` is the wall clock's Unix time: receivers refuse a signature more
    than five minutes away from their own clock."""
    signatures = (
        signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
        for secret in secrets
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
