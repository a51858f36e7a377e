from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from palabre.accounts.models import User
from palabre.channels.models import Channel
from palabre.lib import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt stored secrets with the newest key. Credentials and two-factor secrets "
        "are encrypted again with the first key of PALABRE_ENCRYPTION_KEYS. Put the new key "
        "first, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            channels = _rotate(Channel, "credentials_encrypted")
            users = _rotate(User, "totp_secret_encrypted")
        except crypto.DecryptionError:
            raise CommandError(
                "A stored value opens with none of PALABRE_ENCRYPTION_KEYS: "
                "keep the old key in the list until this command succeeds."
            ) from None
        self.stdout.write(f"Re-encrypted {channels} channel(s) and {users} two-factor secret(s).")


def _rotate(model: Any, field: str) -> int:
    rows = model.objects.exclude(**{field: ""})
    for row in rows:
        model.objects.filter(pk=row.pk).update(**{field: crypto.rotate(getattr(row, field))})
    return int(rows.count())
