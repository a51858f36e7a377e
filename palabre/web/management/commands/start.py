from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
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
            # Processes rather than threads: a thread back from the database waits for the
            # one computing a page to let go of Python's lock (docs/scaling.md, "Web").
            "--workers",
            "4",
            "--threads",
            "2",
            "--access-logfile",
            "-",
        ]
        worker = [sys.executable, "-m", "palabre", "worker"]
        stream = [sys.executable, "-m", "palabre", "stream"]  # replies as networks push them
        commands = {"web": web, "worker": worker, "stream": stream}
        env, hint = served_at(bind, os.environ)
        stop = stop_on_signals()  # before any child: none is left alone by an early Ctrl-C
        running = {name: _Child(command, env=env) for name, command in commands.items()}
        logins = f"{demo_logins()}\n" if demo_exists() else ""
        address = _("Palabre is running: %(address)s") % {"address": f"http://{bind}/"}
        stops = _("Ctrl-C stops.")
        self.stdout.write(f"\n{address}\n{hint}{logins}{stops}\n")
        failed = False
        restarts: list[float] = []  # when each was started again
        while not stop.wait(0.2) and not failed:
            for name, child in running.items():
                code = child.process.poll()
                if code is None or stop.is_set():  # stopping: its exit is expected
                    continue
                said = {"name": name, "code": code}
                restarts = [at for at in restarts if at > time.monotonic() - RESTARTS_WINDOW]
                if (child.first and child.age() < QUICK_EXIT) or len(restarts) >= MOST_RESTARTS:
                    # It cannot run (a port taken, a setting): a service manager should hear.
                    self.stderr.write(_("%(name)s stopped (exit %(code)s): Palabre stops.") % said)
                    failed = True
                    break
                # One process gone (memory, a crash) need not take the others down.
                self.stderr.write(_("%(name)s stopped (exit %(code)s): started again.") % said)
                running[name] = _Child(commands[name], env=env, first=False)
                restarts.append(time.monotonic())
        for child in running.values():
            if child.process.poll() is None:
                child.process.terminate()
        for child in running.values():
            try:
                child.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.process.kill()
        self.stdout.write(_("Palabre stopped."))
        if failed:
            raise SystemExit(1)


# A process that ends sooner than QUICK_EXIT after Palabre's start (it cannot run: gunicorn
# gives up on a taken port after 5 s of retries), or beyond MOST_RESTARTS in RESTARTS_WINDOW,
# is not started again: it stops them all.
QUICK_EXIT = 15.0  # seconds
MOST_RESTARTS = 3
RESTARTS_WINDOW = 300.0  # seconds


WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104 (every interface: what others call it is unknown)


def served_at(bind: str, environ: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The processes' environment, and a line to show. Left unset, SITE_URL (the address in
    e-mails, the one networks fetch media from) and ALLOWED_HOSTS follow the address served,
    not the default port; on every interface only the administrator knows the right name."""
    env = dict(environ)
    host, _sep, port = bind.rpartition(":")
    if bind.startswith(("unix:", "fd://")) or not port.isdigit():
        return env, ""
    host = host.strip("[]")
    if host in WILDCARDS:
        if environ.get("SITE_URL"):
            return env, ""
        return env, _(
            "Served on every interface: set SITE_URL (and ALLOWED_HOSTS) to the address people "
            "open, or links in e-mails point to %(site)s."
        ) % {"site": settings.SITE_URL} + "\n"
    if not environ.get("SITE_URL"):
        env["SITE_URL"] = f"http://{bind}"
    if not environ.get("ALLOWED_HOSTS"):
        named = f"[{host}]" if ":" in host else host  # Django compares an IPv6 host bracketed
        env["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*settings.ALLOWED_HOSTS, named]))
    return env, ""


class _Child:
    """One of the processes, started in its own session: Ctrl-C reaches `palabre start`
    only, which then stops each in order."""

    def __init__(self, command: list[str], *, env: dict[str, str], first: bool = True) -> None:
        self.process = subprocess.Popen(command, start_new_session=True, env=env)
        self.started = time.monotonic()
        self.first = first  # started by `palabre start` itself, not again after an exit

    def age(self) -> float:
        return time.monotonic() - self.started
