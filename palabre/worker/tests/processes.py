"""Running real `palabre worker` processes (and web servers) against the test database."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection

WORKER = [sys.executable, "-m", "palabre", "worker"]
STREAM = [sys.executable, "-m", "palabre", "stream"]
# The loopback ports servers started by tests and benchmarks take, clear of `make run`'s.
PORTS = range(8600, 8700)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    """The test's database and keys, so that a worker reads what the test wrote."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DATABASE_URL": database_url(),
        "WORKER_POLL_SECONDS": "0.1",
        "PALABRE_VAR_DIR": str(settings.VAR_DIR),
    }
    return env | extra


def run_worker(
    timeout: float = 120, worker: Sequence[str] = WORKER, **extra: str
) -> subprocess.CompletedProcess[str]:
    """One worker until it finds nothing due; `worker`: the command (tests may register a
    test network first), `extra`: environment variables."""
    return subprocess.run(
        [*worker, "--until-idle"],
        env=worker_env(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    """A loopback port of PORTS nothing listens on."""
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def web_server(
    port: int,
    *,
    env: Mapping[str, str],
    workers: int = 4,
    threads: int = 2,
    log: IO[str] | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn serving Palabre as `palabre start` runs it (4 workers × 2 threads unless
    told), once it answers on `port`; its access log and errors go to `log`."""
    command = [sys.executable, "-m", "gunicorn", "palabre.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads)]
    if log is not None:
        command += ["--access-logfile", "-"]
    out = log or subprocess.DEVNULL
    server = subprocess.Popen(command, env=dict(env), stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    server.wait()
    raise RuntimeError(f"gunicorn did not start on port {port}")


def process_stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s: a server a test started is gone once this returns."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    """A process's children (gunicorn's workers are its master's)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def peak_rss_mib(pid: int) -> float:
    """The most memory the process has held (VmHWM), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
