from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.lib.command import PalabreCommand
from palabre.web import demo


class Command(PalabreCommand):
    help = gettext_noop("Create the demo workspace (a French bakery) with one member per role.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing", action="store_true", help=_("Do nothing when the demo already exists.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.demo_exists():
            if not options["if_missing"]:
                self.stderr.write(_("The demo workspace already exists; nothing changed."))
            return
        # The demo is a French bakery, and what it records (the moderation log's reasons)
        # is written in the instance's language, not in whatever a caller left active.
        # Its people are made up (@lumiere.example): the notices the demo's story raises
        # stay in the app, no e-mail goes out (nor floods the console before the logins).
        with (
            translation.override(settings.LANGUAGE_CODE),
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        ):
            workspace = demo.demo_create()
        self.stdout.write(_("Demo workspace “%(name)s” created.") % {"name": workspace.name})
        self.stdout.write(demo_logins())


def demo_logins() -> str:
    lines = [_("Demo logins (password for all: %(password)s):") % {"password": demo.DEMO_PASSWORD}]
    lines += [f"  {p.role.value:<12} {p.email}" for p in demo.PEOPLE]
    return "\n".join(lines)
