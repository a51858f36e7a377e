from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

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


def test_rotate_keys_reencrypts_every_stored_secret(keys, cast) -> None:
    from io import StringIO

    from django.core.management import call_command

    from palabre.accounts import services
    from palabre.channels.models import Channel
    from palabre.channels.services import channel_create_demo
    from palabre.networks.mastodon.models import MastodonApp
    from palabre.webhooks.models import Subscription

    settings, old, new = keys
    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    channel.save_credentials({"app_password": "abcd"})
    services.user_enable_totp(
        user=cast.alice,
        secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        code=_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        password="correct horse battery",
    )
    hook = Subscription.objects.create(
        workspace=cast.workspace,
        url="https://hooks.example/n8n",
        events=["post.published"],
        secret_encrypted=crypto.encrypt("whsec_c2VjcmV0"),
        # Replaced an hour ago: the one before still signs (rotated too), and another's
        # day is over (forgotten: one may have leaked).
        previous_secret_encrypted=crypto.encrypt("whsec_YXZhbnQ="),
        previous_secret_until=timezone.now() + timedelta(hours=23),
        created_by=cast.alice,
    )
    over = Subscription.objects.create(
        workspace=cast.workspace,
        url="https://hooks.example/zapier",
        events=["post.published"],
        secret_encrypted=crypto.encrypt("whsec_bm91dmVhdQ=="),
        previous_secret_encrypted=crypto.encrypt("whsec_dmlldXg="),
        previous_secret_until=timezone.now() - timedelta(hours=1),
        created_by=cast.alice,
    )
    app = MastodonApp.objects.create(
        instance="https://piaille.example",
        redirect_uri="https://palabre.example/channels/mastodon/callback/",
        client_id="abc",
        client_secret_encrypted=crypto.encrypt("client-secret"),
    )
    settings.PALABRE_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate-keys", stdout=out)
    assert (
        "1 channel re-encrypted. 1 two-factor secret re-encrypted. 2 webhook secrets re-encrypted."
        in out.getvalue()
    )
    settings.PALABRE_ENCRYPTION_KEYS = [new]  # the old key can go now
    assert Subscription.objects.get(pk=hook.pk).secrets_signing == [
        "whsec_c2VjcmV0",
        "whsec_YXZhbnQ=",
    ]
    assert Subscription.objects.get(pk=over.pk).previous_secret_encrypted == ""
    # Palabre's registration on a Mastodon instance: lost, connecting there answered 500.
    assert MastodonApp.objects.get(pk=app.pk).client_secret == "client-secret"
    assert Channel.objects.get(pk=channel.pk).credentials == {"app_password": "abcd"}
    assert (
        type(cast.alice).objects.get(pk=cast.alice.pk).totp_secret
        == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )


def test_rotate_keys_refuses_when_a_key_is_missing(keys, cast) -> None:
    from django.core.management import CommandError, call_command

    from palabre.channels.services import channel_create_demo

    settings, old, new = keys
    channel_create_demo(workspace=cast.workspace, network="x", name="X").save_credentials(
        {"t": "1"}
    )
    settings.PALABRE_ENCRYPTION_KEYS = [new]
    with pytest.raises(CommandError):
        call_command("rotate-keys")


def _code(secret: str) -> str:
    import pyotp

    return str(pyotp.TOTP(secret).now())
