from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from palabre.web import demo


class Command(BaseCommand):
    help = "Create the demo workspace (a French bakery) with one member per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when the demo already exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.demo_exists():
            if not options["if_missing"]:
                self.stderr.write("The demo workspace already exists; nothing changed.")
            return
        # The demo is a French bakery, and what it records (the moderation log's reasons)
        # is written in the instance's language, not in whatever a caller left active.
        with translation.override(settings.LANGUAGE_CODE):
            workspace = demo.demo_create()
        self.stdout.write(f"Demo workspace “{workspace.name}” created.")
        self.stdout.write(demo_logins())


def demo_logins() -> str:
    lines = [f"Demo logins (password for all: {demo.DEMO_PASSWORD}):"]
    lines += [f"  {p.role.value:<12} {p.email}" for p in demo.PEOPLE]
    return "\n".join(lines)
