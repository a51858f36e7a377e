from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from palabre.lib.command import PalabreCommand, stop_on_signals
from palabre.worker import loop


class Command(PalabreCommand):
    help = gettext_noop(
        "Run background jobs (publishing, inbox polling, metrics). Run as many as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until-idle", action="store_true", help=_("Exit once no job step finds due work.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = stop_on_signals()  # the row in hand is finished, the rest given back
        os.nice(settings.PALABRE_WORKER_NICE)  # people's pages first (settings.py)
        # What the jobs write (notices, the moderation log) is in the instance's language.
        with translation.override(settings.LANGUAGE_CODE):
            stats = loop.run(stop=stop, until_idle=options["until_idle"])
        count = stats.handled
        self.stdout.write(
            ngettext("handled %(count)s row", "handled %(count)s rows", count) % {"count": count}
        )
