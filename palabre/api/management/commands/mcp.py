"""`palabre mcp` is answered by palabre/cli.py before Django starts (it needs no database);
this command lists it in `palabre --help` and runs it the same way from manage.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_noop

from palabre.lib.command import PalabreCommand


class Command(PalabreCommand):
    help = gettext_noop("An assistant works with a Palabre's API (an MCP server on stdio).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("arguments", nargs="*", help="--url URL [--token TOKEN]")

    def handle(self, *args: Any, **options: Any) -> None:
        from palabre.mcp.command import main

        main(list(options["arguments"]))
