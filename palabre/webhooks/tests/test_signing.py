"""Our signer against the reference library (standardwebhooks, the specification's own)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from palabre.webhooks.signing import PREFIX, secret_new, signature, signed_headers


def test_a_secret_is_whsec_and_32_random_bytes() -> None:
    secret = secret_new()
    assert secret.startswith(PREFIX)
    assert len(Webhook(secret)._whsecret) == 32
    assert secret_new() != secret


def test_the_signature_is_the_reference_librarys() -> None:
    secret, body = secret_new(), b'{"type":"post.published","data":{"id":1}}'
    at = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    ours = signature(secret=secret, message_id="msg_1", timestamp=int(at.timestamp()), body=body)
    assert ours == Webhook(secret).sign(msg_id="msg_1", timestamp=at, data=body)


def test_the_headers_verify_and_a_changed_byte_does_not() -> None:
    secret, body = secret_new(), '{"texte":"Un café ?"}'.encode()
    headers = signed_headers(
        secrets=[secret], message_id="msg_2", timestamp=int(time.time()), body=body
    )
    assert Webhook(secret).verify(body, headers) == {"texte": "Un café ?"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"?", b"!"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_new()).verify(body, headers)


def test_while_a_secret_is_replaced_either_one_verifies() -> None:
    new, old, body = secret_new(), secret_new(), b'{"ok":true}'
    headers = signed_headers(
        secrets=[new, old], message_id="msg_3", timestamp=int(time.time()), body=body
    )
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (new, old):
        assert Webhook(secret).verify(body, headers) == {"ok": True}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_new()).verify(body, headers)
