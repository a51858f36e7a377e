"""AT Protocol identifiers as the specification defines them: handles, DIDs, NSIDs, AT-URIs.

Handles use the maintained SDK's validator; the SDK has no AT-URI check, so this follows
the reference implementation's rules (atproto `syntax` package). Both are tested against
the atproto interop vectors.
"""

from __future__ import annotations

import regex
from atproto_client.models.string_formats import is_valid_handle

__all__ = [
    "is_valid_at_uri",
    "is_valid_did",
    "is_valid_handle",
    "is_valid_nsid",
    "is_valid_record_key",
]

_DID_CHARS = regex.compile(r"^[a-zA-Z0-9._:%-]*$")
_DID_METHOD = regex.compile(r"^[a-z]+$")
_NSID = regex.compile(
    r"^[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+"
    r"\.[a-zA-Z][a-zA-Z0-9]{0,62}$"
)
_RECORD_KEY = regex.compile(r"^[a-zA-Z0-9_~.:-]{1,512}$")
_URI_CHARS = regex.compile(r"^[a-zA-Z0-9._~:@!$&')(*+,;=%/-]*$")
_FRAGMENT = regex.compile(r"^/[a-zA-Z0-9._~:@!$&')(*+,;=%\[\]/-]*$")


def is_valid_did(did: str) -> bool:
    parts = did.split(":")
    return (
        bool(_DID_CHARS.match(did))
        and len(parts) >= 3
        and parts[0] == "did"
        and bool(_DID_METHOD.match(parts[1]))
        and not did.endswith((":", "%"))
        and len(did) <= 2048
    )


def is_valid_nsid(nsid: str) -> bool:
    return len(nsid) <= 317 and bool(_NSID.match(nsid))


def is_valid_record_key(key: str) -> bool:
    return bool(_RECORD_KEY.match(key)) and key not in (".", "..")


def is_valid_at_uri(uri: str) -> bool:
    base, hash_sign, fragment = uri.partition("#")
    if "#" in fragment or (hash_sign and not _FRAGMENT.match(fragment)):
        return False
    parts = base.split("/")
    if not _URI_CHARS.match(base) or len(parts) < 3 or parts[0] != "at:" or parts[1]:
        return False
    authority = parts[2]
    if not (
        is_valid_did(authority) if authority.startswith("did:") else is_valid_handle(authority)
    ):
        return False
    if len(parts) >= 4 and not is_valid_nsid(parts[3]):
        return False
    if len(parts) >= 5 and not is_valid_record_key(parts[4]):
        return False
    return len(parts) <= 5 and len(base) <= 8 * 1024
