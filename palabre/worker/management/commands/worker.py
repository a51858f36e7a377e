from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from palabre.worker import loop


class Command(BaseCommand):
    help = "Run background jobs (publishing, inbox polling, metrics). Run as many as you like."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until-idle", action="store_true", help="Exit once no job step finds due work."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            # Finish the row in hand, give back the rest, then exit.
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        stats = loop.run(stop=stop, until_idle=options["until_idle"])
        self.stdout.write(f"handled {stats.handled} rows")
