from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.lib.command import PalabreCommand, stop_on_signals
from palabre.web.demo import demo_exists
from palabre.web.management.commands.demo import demo_logins


class Command(PalabreCommand):
    help = gettext_noop("Start the web server, a worker and the stream; Ctrl-C stops them cleanly.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help=_("address and port to serve"))

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"]
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "palabre.wsgi",
            "--bind",
            bind,
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ]
        worker = [sys.executable, "-m", "palabre", "worker"]
        stream = [sys.executable, "-m", "palabre", "stream"]  # replies as networks push them
        # Own sessions: Ctrl-C reaches this process only, which then stops each child in order.
        children = [subprocess.Popen(cmd, start_new_session=True) for cmd in (web, worker, stream)]
        logins = f"{demo_logins()}\n" if demo_exists() else ""
        running = _("Palabre is running: %(address)s") % {"address": f"http://{bind}/"}
        stops = _("Ctrl-C stops.")
        self.stdout.write(f"\n{running}\n{logins}{stops}\n")
        stop = stop_on_signals()
        while not stop.wait(0.2) and all(child.poll() is None for child in children):
            pass
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write(_("Palabre stopped."))
