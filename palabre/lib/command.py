"""The base of Palabre's management commands: they speak the command line's language.

A command's `help` is a gettext_noop msgid, so that `palabre --help` reads it from the file
without starting Django (palabre/cli.py); it is translated when the parser is made, with the
options' help. What a command prints is in the command line's language
(palabre/lib/cli_language.py); a command that stores text says so and stores it in the
instance's language.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from palabre.lib.cli_language import cli_language


class PalabreCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        with translation.override(cli_language()):
            # argparse cannot take a lazy string: the help is translated here, once made.
            if type(self).help:  # gettext("") is the catalogue's header
                self.help = gettext(type(self).help)
            return super().create_parser(prog_name, subcommand, **kwargs)

    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(cli_language()):
            return super().execute(*args, **options)


def stop_on_signals() -> threading.Event:
    """An event that SIGTERM (a service manager, `palabre start`), SIGINT (Ctrl-C) or SIGHUP
    (the terminal or SSH session closed) sets: a long-running command finishes what it
    holds, then stops, and `palabre start` stops the processes it started, which would
    otherwise go on alone."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    return stop
