from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from palabre.accounts.models import User
from palabre.channels.models import Channel
from palabre.lib import crypto
from palabre.lib.command import PalabreCommand
from palabre.networks.mastodon.models import MastodonApp
from palabre.webhooks.models import Subscription
from palabre.webhooks.services import subscriptions_previous_secret_forget


class Command(PalabreCommand):
    help = gettext_noop(
        "Re-encrypt stored secrets with the newest key. Credentials, two-factor secrets, "
        "webhook secrets and Mastodon apps' secrets are encrypted again with the first key of PALABRE_ENCRYPTION_KEYS. Put the new key "
        "first, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            channels = _rotate(Channel, "credentials_encrypted")
            users = _rotate(User, "totp_secret_encrypted")
            hooks = _rotate(Subscription, "secret_encrypted")
            subscriptions_previous_secret_forget()  # no longer signing: nothing to keep
            _rotate(Subscription, "previous_secret_encrypted")  # still signing for a day
            # Palabre's registration on each Mastodon instance: lost, connecting there fails.
            _rotate(MastodonApp, "client_secret_encrypted")
        except crypto.DecryptionError:
            raise CommandError(
                _(
                    "A stored value opens with none of PALABRE_ENCRYPTION_KEYS: "
                    "keep the old key in the list until this command succeeds."
                )
            ) from None
        said = [
            ngettext(
                "%(count)s channel re-encrypted.", "%(count)s channels re-encrypted.", channels
            )
            % {"count": channels},
            ngettext(
                "%(count)s two-factor secret re-encrypted.",
                "%(count)s two-factor secrets re-encrypted.",
                users,
            )
            % {"count": users},
            ngettext(
                "%(count)s webhook secret re-encrypted.",
                "%(count)s webhook secrets re-encrypted.",
                hooks,
            )
            % {"count": hooks},
        ]
        self.stdout.write(" ".join(said))


def _rotate(model: Any, field: str) -> int:
    rows = model.objects.exclude(**{field: ""})
    for row in rows:
        model.objects.filter(pk=row.pk).update(**{field: crypto.rotate(getattr(row, field))})
    return int(rows.count())
