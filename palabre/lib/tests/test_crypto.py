from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from palabre.lib import crypto


@pytest.fixture
def keys(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PALABRE_ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_it_round_trips_and_hides_the_plaintext(keys) -> None:
    token = crypto.encrypt_json({"app_password": "abcd-efgh"})
    assert "abcd" not in token
    assert crypto.decrypt_json(token) == {"app_password": "abcd-efgh"}


def test_keys_rotate_first_encrypts_all_decrypt(keys) -> None:
    settings, old, new = keys
    token = crypto.encrypt("secret")
    settings.PALABRE_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == "secret"
    rotated = crypto.rotate(token)
    settings.PALABRE_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(rotated) == "secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
