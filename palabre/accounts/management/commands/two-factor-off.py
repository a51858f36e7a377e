from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.accounts.models import User
from palabre.accounts.services import user_totp_reset
from palabre.lib.command import PalabreCommand


class Command(PalabreCommand):
    help = gettext_noop(
        "Turn off two-factor login for one account (its phone lost). The person is told by "
        "e-mail; their password alone logs them in, and a workspace that requires two-factor "
        "login asks them to set it up again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help=_("the account's e-mail address"))

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(_("No account has the address %(email)s.") % {"email": email})
        if not user.has_totp:
            self.stdout.write(
                _("Two-factor login is already off for %(email)s.") % {"email": email}
            )
            return
        if not user_totp_reset(user=user):
            raise CommandError(
                _(
                    "Two-factor login is off for %(email)s, but the e-mail telling them could "
                    "not be sent: tell them yourself."
                )
                % {"email": email}
            )
        self.stdout.write(
            _("Two-factor login is off for %(email)s; they were told by e-mail.") % {"email": email}
        )
