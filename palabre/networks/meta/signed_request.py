"""Meta's `signed_request`: what the deauthorize and data-deletion callbacks receive.

`<signature>.<payload>`, both base64url without padding; the signature is the HMAC-SHA256 of
the payload's base64 text, keyed by the app secret; the payload is JSON with `algorithm`
("HMAC-SHA256"), `issued_at` and `user_id` (the app-scoped id of the person).
https://developers.facebook.com/docs/development/create-an-app/app-dashboard/data-deletion-callback
Threads' deauthorize and data-deletion callbacks (its use case's settings) send the same,
signed with the Threads app's secret:
https://developers.facebook.com/docs/development/create-an-app/threads-use-case

Anyone can post to these addresses: everything here is checked before it is believed, and
whatever is wrong reads as one `Invalid`, never as an exception the view did not expect.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from palabre.lib.boundedjson import TooDeep, json_loads_bounded

MAX_LENGTH = 4096  # a real one is a few hundred characters
_USER_ID = re.compile(r"[0-9]{1,30}")


class Invalid(ValueError):
    """Not a signed request from this app: malformed, wrongly signed, or without a person."""


def _b64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise Invalid("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Invalid("not base64url") from None


def signed_request_user(raw: str, *, app_secret: str) -> str:
    """The app-scoped user id a valid signed request names; Invalid otherwise."""
    if not app_secret:
        raise Invalid("no app secret configured: nothing can be verified")
    if not raw or len(raw) > MAX_LENGTH or raw.count(".") != 1:
        raise Invalid("malformed")
    signature_text, payload_text = raw.split(".")
    signature = _b64url(signature_text)
    expected = hmac.new(app_secret.encode(), payload_text.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise Invalid("wrong signature")
    try:
        payload = json_loads_bounded(_b64url(payload_text), max_depth=4)
    except (TooDeep, ValueError):
        raise Invalid("payload is not JSON") from None
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise Invalid("unknown algorithm")
    user_id = payload.get("user_id")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user_id = str(user_id)
    if not isinstance(user_id, str) or not _USER_ID.fullmatch(user_id):
        raise Invalid("no user id")
    return user_id


def signed_request_make(payload: dict[str, object], *, app_secret: str) -> str:
    """A signed request as Meta makes one (tests, and the Graph API double's callbacks)."""
    import json

    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    digest = hmac.new(app_secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() + "." + body
