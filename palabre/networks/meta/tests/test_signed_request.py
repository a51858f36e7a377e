from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from palabre.networks.meta.signed_request import (
    Invalid,
    signed_request_make,
    signed_request_user,
)

SECRET = "app-secret"  # noqa: S105


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(payload_text: bytes, secret: str = SECRET) -> str:
    body = _b64(payload_text)
    return _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()) + "." + body


def test_it_reads_the_user_of_a_request_signed_as_meta_signs_it() -> None:
    # Built by hand, as the documentation describes it, not by the helper under test.
    payload = {"algorithm": "HMAC-SHA256", "issued_at": 1_700_000_000, "user_id": "218471"}
    raw = _signed(json.dumps(payload).encode())
    assert signed_request_user(raw, app_secret=SECRET) == "218471"
    assert signed_request_make(payload, app_secret=SECRET) == raw


def test_a_numeric_user_id_is_read_as_text() -> None:
    raw = _signed(b'{"algorithm": "hmac-sha256", "user_id": 12345}')
    assert signed_request_user(raw, app_secret=SECRET) == "12345"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "no-dot",
        "a.b.c",
        "!!!.???",
        "x" * 5000 + "." + "y",
        _signed(b'{"algorithm": "HMAC-SHA256", "user_id": "1"}', secret="another secret"),
        _signed(b"not json"),
        _signed(b"[" * 50 + b"]" * 50),
        _signed(b'["a list"]'),
        _signed(b'{"algorithm": "MD5", "user_id": "1"}'),
        _signed(b'{"algorithm": "HMAC-SHA256"}'),
        _signed(b'{"algorithm": "HMAC-SHA256", "user_id": "1 OR 1=1"}'),
        _signed(b'{"algorithm": "HMAC-SHA256", "user_id": true}'),
        _signed(b'{"algorithm": "HMAC-SHA256", "user_id": {"id": "1"}}'),
        _signed(b"\xff\xfe"),
    ],
)
def test_anything_else_is_invalid(raw: str) -> None:
    with pytest.raises(Invalid):
        signed_request_user(raw, app_secret=SECRET)


def test_without_an_app_secret_nothing_is_believed() -> None:
    raw = _signed(b'{"algorithm": "HMAC-SHA256", "user_id": "1"}', secret="")
    with pytest.raises(Invalid):
        signed_request_user(raw, app_secret="")


def test_a_tampered_payload_is_refused() -> None:
    raw = _signed(b'{"algorithm": "HMAC-SHA256", "user_id": "1"}')
    signature, _sep, _body = raw.partition(".")
    forged = signature + "." + _b64(b'{"algorithm": "HMAC-SHA256", "user_id": "2"}')
    with pytest.raises(Invalid):
        signed_request_user(forged, app_secret=SECRET)
